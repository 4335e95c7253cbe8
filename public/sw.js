// 管家 Guanjia service worker: keeps the app shell available offline.
//
// `cargo xtask sw` (a trunk post_build hook, see Trunk.toml) replaces the two placeholders
// below in the built copy: CACHE_VERSION with a hash of every built file, PRECACHE with
// their paths relative to this script.
//
// - install: precache every built file, bypassing the HTTP cache (cache: "reload").
// - activate: delete every other guanjia-shell-* cache, then take control of open pages.
// - precached files except index.html (hashed wasm/js/css, icons, manifest): cache first.
// - navigations (app routes): network first, the precached index.html when the network fails.
// - /api/ and anything else: not touched, straight to the network.
//
// Update policy: a new version waits until every tab of the old one is closed (no automatic
// skipWaiting), so a page never runs against another version's shell while it may still
// hold unsynced work. The app can post {type: "SKIP_WAITING"} once its outbox is empty.

const CACHE_VERSION = "__GUANJIA_CACHE_VERSION__";
const PRECACHE = [/* __GUANJIA_PRECACHE__ */];

const CACHE_PREFIX = "guanjia-shell-";
const CACHE = CACHE_PREFIX + CACHE_VERSION;
const SCOPE = new URL("./", self.location.href);
const INDEX_URL = new URL("index.html", SCOPE).href;
const API_PREFIX = new URL("api/", SCOPE).pathname;
const PRECACHED = new Set(PRECACHE.map((path) => new URL(path, SCOPE).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        [...PRECACHED].map(async (url) => {
          const response = await fetch(new Request(url, { cache: "reload" }));
          if (!response.ok) {
            throw new Error(`precache ${url}: HTTP ${response.status}`);
          }
          await cache.put(url, response);
        }),
      ),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(CACHE_PREFIX) && key !== CACHE) {
          await caches.delete(key);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") {
    self.skipWaiting();
  }
});

// A navigation that has not answered after this long gets the cached shell (weak signal in
// basements and lifts); a server error (5xx, e.g. a proxy whose backend is down) does too.
const NAVIGATION_TIMEOUT_MS = 4000;

async function networkFirstNavigation(request) {
  const cachedIndex = () => caches.match(INDEX_URL, { cacheName: CACHE });
  const network = fetch(request);
  network.catch(() => {}); // may settle after the cached shell was already served
  let timer;
  const slow = new Promise((resolve) => {
    timer = setTimeout(resolve, NAVIGATION_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first === undefined) {
      const cached = await cachedIndex();
      return cached || (await network);
    }
    if (first.status >= 500) {
      return (await cachedIndex()) || first;
    }
    return first;
  } catch (err) {
    const cached = await cachedIndex();
    if (cached) {
      return cached;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function cacheFirst(request, key) {
  const cached = await caches.match(key, { cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || url.pathname.startsWith(API_PREFIX)) {
    return;
  }
  const key = url.origin + url.pathname;
  if (PRECACHED.has(key) && key !== INDEX_URL) {
    event.respondWith(cacheFirst(request, key));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirstNavigation(request));
  }
});
