// Helpers for the end-to-end scenarios: the real guanjia-server, real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; never `npx playwright install`).
//
// Everything a scenario starts (servers, browser contexts, temporary folders) is tracked here,
// and the runner (run.mjs) calls `cleanup()` after each scenario, passed or failed: a failing
// scenario never leaves a server or a browser behind. Temporary folders of a failed scenario
// are kept for inspection (the runner prints where).
//
// The selectors are the UI's test contract (`data-testid`, see README.md in this folder).

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SERVER_BIN = path.join(ROOT, "target", "debug", "guanjia-server");
export const DIST = path.join(ROOT, "dist");
export const ARTIFACTS = path.join(ROOT, "test-artifacts", "e2e");
export const CHROMIUM = process.env.GUANJIA_E2E_CHROMIUM || "/usr/bin/chromium";
export const DEMO_PASSWORD = "e2e-password-1";

/// Flags verified on these machines (see /work/shared/toolchain.md). Root needs --no-sandbox.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/// Phone portrait and tablet landscape, as used by the screenshots.
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
export const TABLET = {
  viewport: { width: 1180, height: 820 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

// The machine is small and shared: generous timeouts, scalable with GUANJIA_E2E_TIMEOUT_SCALE.
const SCALE = Number(process.env.GUANJIA_E2E_TIMEOUT_SCALE) || 1;
export const TIMEOUT = {
  /// one click, fill or element appearing
  action: 15_000 * SCALE,
  /// a server starting (demo seed hashes five passwords in a debug build)
  server: 60_000 * SCALE,
  /// the app syncing on its own (after a local change, or periodically with backoff)
  sync: 60_000 * SCALE,
};

/// `[data-testid="…"]`
export const tid = (id) => `[data-testid="${id}"]`;

/// A short tag that makes this run's texts unique (the same db is never reused across runs,
/// but it helps reading screenshots and logs).
export const RUN = Date.now().toString(36).slice(-5);

// ---------------------------------------------------------------------------------------------
// Bookkeeping: what is alive, and what the current scenario did (printed when it fails).

const live = { servers: new Set(), contexts: new Set(), dirs: new Set() };
let trail = [];
let started = []; // every server of the current scenario, for its logs
let launched = []; // every browser of the current scenario, closed ones too (CSP check)

/// Records a step of the current scenario; the runner prints the trail when it fails.
export function step(message) {
  trail.push(`${((performance.now() - trailStart) / 1000).toFixed(1).padStart(6)}s  ${message}`);
}
let trailStart = performance.now();

/// For the runner: start a new scenario's trail.
export function resetTrail() {
  trail = [];
  started = [];
  launched = [];
  trailStart = performance.now();
}

/// For the runner: the steps of the current scenario so far.
export const steps = () => [...trail];

/// For the runner: what happened so far, and diagnostics of everything still alive.
export async function diagnostics(label) {
  const lines = [];
  if (trail.length) {
    lines.push("steps:", ...trail.map((l) => `  ${l}`));
  }
  let shot = 0;
  for (const context of live.contexts) {
    const info = context.e2e;
    if (info.pageErrors.length) {
      lines.push(`page errors (${info.name}):`, ...info.pageErrors.map((l) => `  ${l}`));
    }
    if (info.cspViolations.length) {
      lines.push(`CSP violations (${info.name}):`, ...info.cspViolations.map((l) => `  ${l}`));
    }
    if (info.console.length) {
      lines.push(`last console messages (${info.name}):`, ...info.console.map((l) => `  ${l}`));
    }
    for (const page of context.pages()) {
      try {
        const file = await screenshot(page, `FAILED-${label}-${++shot}`, { timeout: 5000 });
        lines.push(`screenshot of ${page.url()} (${info.name}): ${path.relative(ROOT, file)}`);
      } catch {
        // a crashed page cannot be photographed; the other diagnostics still help
      }
    }
  }
  for (const server of started) {
    const status = server.exited ? "stopped" : "running";
    const all = path.basename(server.logPath);
    lines.push(`server :${server.port} (${status}), last log lines (all in ${all}):`);
    lines.push(...server.logLines.slice(-15).map((l) => `  ${l}`));
  }
  return lines;
}

/// Closes every browser, kills every server, and removes the temporary folders; with
/// `keepAs`, moves them to test-artifacts/e2e/kept/<keepAs>/ instead (browser profiles with
/// their IndexedDB, the SQLite database, server logs) and returns where they went.
export async function cleanup({ keepAs = null } = {}) {
  for (const context of live.contexts) {
    await context.close().catch(() => {});
  }
  live.contexts.clear();
  for (const server of live.servers) {
    await stopServer(server).catch(() => {});
  }
  const kept = [];
  for (const dir of live.dirs) {
    if (keepAs) {
      const to = path.join(keptDir(keepAs), path.basename(dir));
      try {
        await mkdir(path.dirname(to), { recursive: true });
        await cp(dir, to, { recursive: true });
        kept.push(to);
      } catch {
        kept.push(dir);
        continue; // leave it where it is
      }
    }
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
  live.dirs.clear();
  return kept;
}

/// Where the folders of a failed scenario go.
export const keptDir = (scenario) => path.join(ARTIFACTS, "kept", scenario);

/// For the runner: removes what an earlier run of `scenario` left in test-artifacts/e2e.
export async function forgetEarlierFailure(scenario) {
  await rm(keptDir(scenario), { recursive: true, force: true });
  const names = await readdir(ARTIFACTS).catch(() => []);
  for (const name of names) {
    if (name.startsWith(`FAILED-${scenario}-`)) {
      await rm(path.join(ARTIFACTS, name), { force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Files and ports

/// A fresh temporary folder, removed after the scenario (kept when it fails).
export async function tempDir(label) {
  const dir = await mkdtemp(path.join(tmpdir(), `guanjia-e2e-${label}-`));
  live.dirs.add(dir);
  return dir;
}

/// A TCP port that was free a moment ago on 127.0.0.1.
export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/// Copies the built app (dist/) into `dir` (a second "deployment" a scenario may change).
export async function copyDist(dir) {
  await cp(DIST, dir, { recursive: true });
  return dir;
}

/// Simulates a new deployment in a copy of dist/: a new cache version in sw.js (what a real
/// rebuild changes), so the browser installs a new service worker that then waits.
export async function bumpServiceWorker(staticDir) {
  const file = path.join(staticDir, "sw.js");
  const sw = await readFile(file, "utf8");
  const re = /const CACHE_VERSION = "([^"]*)";/;
  const match = sw.match(re);
  if (!match) {
    throw new Error(`${file}: no \`const CACHE_VERSION = "…";\` line to change`);
  }
  const version = `${match[1]}-e2e${RUN}`;
  const bumped =
    `// e2e: simulated redeployment ${new Date().toISOString()}\n` +
    sw.replace(re, `const CACHE_VERSION = "${version}";`);
  await writeFile(file, bumped);
  return version;
}

// ---------------------------------------------------------------------------------------------
// The server

/// Starts `guanjia-server --demo` on 127.0.0.1:`port` with the SQLite file `dbPath`, serving
/// `staticDir` (default dist/), and waits until /healthz answers. The demo users' password is
/// DEMO_PASSWORD. Restarting on the same dbPath and port keeps the data and the origin.
export async function startServer({ dbPath, port, staticDir = DIST }) {
  if (!existsSync(SERVER_BIN)) {
    throw new Error(`${SERVER_BIN} is missing: run \`cargo build -p guanjia-server\``);
  }
  if (!existsSync(path.join(staticDir, "index.html"))) {
    throw new Error(`${staticDir}/index.html is missing: run \`cargo xtask dist\``);
  }
  const args = [
    "--listen",
    `127.0.0.1:${port}`,
    "--database-url",
    `sqlite://${dbPath}`,
    "--static-dir",
    staticDir,
    "--demo",
  ];
  const proc = spawn(SERVER_BIN, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      GUANJIA_DEMO_PASSWORD: DEMO_PASSWORD,
      RUST_LOG: "info,sqlx=warn",
      NO_COLOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = {
    port,
    dbPath,
    staticDir,
    url: `http://127.0.0.1:${port}`,
    proc,
    logPath: path.join(path.dirname(dbPath), `server-${port}.log`),
    logLines: [],
    exited: false,
  };
  live.servers.add(server);
  started.push(server);
  const exited = once(proc, "exit").then(([code, signal]) => {
    server.exited = true;
    return { code, signal };
  });
  server.exit = exited;
  const onData = (chunk) => {
    const text = chunk.toString();
    appendFile(server.logPath, text).catch(() => {});
    for (const line of stripAnsi(text).split("\n")) {
      if (line.trim()) {
        server.logLines.push(line);
      }
    }
    if (server.logLines.length > 400) {
      server.logLines.splice(0, server.logLines.length - 200);
    }
  };
  proc.stdout.on("data", onData);
  proc.stderr.on("data", onData);
  await appendFile(server.logPath, `\n=== ${SERVER_BIN} ${args.join(" ")}\n`);

  const deadline = Date.now() + TIMEOUT.server;
  while (Date.now() < deadline) {
    if (server.exited) {
      const { code, signal } = await exited;
      live.servers.delete(server);
      throw new Error(
        `guanjia-server exited (${signal ?? code}) before /healthz answered:\n` +
          server.logLines.slice(-20).join("\n"),
      );
    }
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        step(`server up on :${port} (${path.basename(staticDir)})`);
        return server;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`guanjia-server on :${port} did not answer /healthz within ${TIMEOUT.server} ms`);
}

/// Kills the server the hard way (SIGKILL, like a power cut or a dead backend) and waits
/// until the process is gone and the port refuses connections.
export async function stopServer(server) {
  if (!server.exited) {
    server.proc.kill("SIGKILL");
    await server.exit;
  }
  live.servers.delete(server);
  step(`server on :${server.port} stopped`);
  try {
    await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    throw new Error(`something still answers on :${server.port} after the server was killed`);
  } catch (err) {
    if (err.message.startsWith("something still answers")) {
      throw err;
    }
  }
}

/// The same server again: same database, port (hence origin) and static folder, unless
/// `staticDir` says otherwise.
export function restartServer(server, { staticDir } = {}) {
  return startServer({
    dbPath: server.dbPath,
    port: server.port,
    staticDir: staticDir ?? server.staticDir,
  });
}

// ---------------------------------------------------------------------------------------------
// The browser

/// A persistent Chromium profile in `profileDir` (an incognito context would not behave like
/// an installed PWA). `options` are passed to launchPersistentContext (viewport, colorScheme…).
export async function launch(profileDir, options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (cargo xtask e2e does)`);
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...PHONE,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT.action);
  context.setDefaultNavigationTimeout(TIMEOUT.action);
  context.e2e = {
    name: options.name ?? path.basename(profileDir),
    pageErrors: [],
    console: [],
    cspViolations: [],
  };
  const watch = (page) => {
    page.on("pageerror", (err) => {
      context.e2e.pageErrors.push(`${page.url()}: ${err.stack || err.message}`);
      if (CSP_VIOLATION.test(err.message)) {
        context.e2e.cspViolations.push(`${page.url()}: ${err.message}`.slice(0, 600));
      }
    });
    page.on("console", (msg) => {
      if (CSP_VIOLATION.test(msg.text())) {
        context.e2e.cspViolations.push(`${page.url()}: [${msg.type()}] ${msg.text()}`.slice(0, 600));
      }
      if (msg.text().includes("`integrity` attribute is currently ignored")) {
        return; // trunk's preload links; harmless noise
      }
      const line = `[${msg.type()}] ${msg.text()}`.slice(0, 400);
      context.e2e.console.push(line);
      if (context.e2e.console.length > 25) {
        context.e2e.console.shift();
      }
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  live.contexts.add(context);
  launched.push(context);
  step(`browser ${context.e2e.name} launched`);
  return context;
}

/// The context's first tab (a persistent context opens one).
export async function firstPage(context) {
  return context.pages()[0] ?? (await context.newPage());
}

/// Closes a browser context (the profile folder stays, like a phone that was switched off).
export async function closeBrowser(context) {
  await context.close();
  live.contexts.delete(context);
}

/// What Chromium prints when the Content-Security-Policy blocks something ("Refused to
/// execute inline script because it violates the following Content Security Policy
/// directive…", "Refused to compile or instantiate WebAssembly module…").
export const CSP_VIOLATION =
  /Content Security Policy|Refused to (load|execute|apply|connect|evaluate|create|compile|frame|send|navigate)/i;

/// Fails if any page of `context` threw an uncaught exception (a wasm panic does) or broke
/// the Content-Security-Policy.
export function assertNoPageErrors(context) {
  assertNoCspViolations([context]);
  const errors = context.e2e.pageErrors;
  if (errors.length) {
    throw new Error(`uncaught errors in ${context.e2e.name}:\n${errors.join("\n")}`);
  }
}

/// Fails if a page of any of `contexts` (default: every browser the current scenario
/// launched, closed ones too; the runner checks this after each scenario) logged a
/// Content-Security-Policy violation.
export function assertNoCspViolations(contexts = launched) {
  const lines = contexts.flatMap((c) => c.e2e.cspViolations.map((v) => `${c.e2e.name}: ${v}`));
  if (lines.length) {
    throw new Error(`Content-Security-Policy violations:\n${lines.join("\n")}`);
  }
}

/// Saves a PNG of the viewport under test-artifacts/e2e/<name>.png and returns its path.
export async function screenshot(page, name, { timeout = TIMEOUT.action } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // Web fonts loaded and two frames painted, so the picture shows the settled page.
  const settled = page
    .evaluate(async () => {
      await document.fonts?.ready;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    })
    .catch(() => {});
  await Promise.race([settled, sleep(2000)]);
  await page.screenshot({ path: file, animations: "disabled", caret: "hide", timeout });
  return file;
}

/// Waits until a service worker controls the page (it then serves the shell offline).
export async function waitForServiceWorker(page) {
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, {
    timeout: TIMEOUT.action,
  });
  step("service worker controls the page");
}

/// Waits until the app (not a server error page, not the not-found route) rendered.
export async function waitForApp(page) {
  await page.waitForFunction(
    () => {
      const main = document.querySelector("main");
      return main && main.childElementCount > 0 && !main.querySelector(".not-found");
    },
    null,
    { timeout: TIMEOUT.action },
  );
}

/// The origin of the page (the app must already be open).
export function originOf(page) {
  const url = new URL(page.url());
  if (!url.protocol.startsWith("http")) {
    throw new Error(`open the app first (page is at ${page.url()})`);
  }
  return url.origin;
}

/// Goes to an app route of the page's origin (or of `base`).
export async function go(page, route, base = originOf(page)) {
  const response = await page.goto(new URL(route, base).href);
  await waitForApp(page);
  return response;
}

// ---------------------------------------------------------------------------------------------
// The app's flows (selector contract)

/// Signs in on /login as a demo user; resolves once the app is back on `/`.
export async function login(page, username, { password = DEMO_PASSWORD, base } = {}) {
  await page.goto(new URL("/login", base ?? originOf(page)).href);
  await page.locator(tid("login-username")).fill(username);
  await page.locator(tid("login-password")).fill(password);
  await page.locator(tid("login-submit")).click();
  const done = page.waitForURL((url) => url.pathname === "/").then(() => null);
  const error = page
    .locator(tid("login-error"))
    .waitFor({ state: "visible" })
    .then(async () => page.locator(tid("login-error")).innerText());
  // Whichever comes first; the other one times out later and is ignored.
  done.catch(() => {});
  error.catch(() => {});
  const message = await Promise.race([done, error]);
  if (message !== null) {
    throw new Error(`login as ${username} failed: ${message}`);
  }
  step(`logged in as ${username}`);
}

/// The sync bar's state: `{ state, pending, last }` (pending as a number, NaN if not one).
export async function syncBar(page) {
  const bar = page.locator(tid("sync-bar"));
  const [state, pendingText, last] = await Promise.all([
    bar.getAttribute("data-state"),
    page.locator(tid("sync-pending")).innerText(),
    page.locator(tid("sync-last")).innerText(),
  ]);
  return { state, pending: Number.parseInt(pendingText.trim(), 10), last: last.trim() };
}

/// Waits until the sync bar shows `state`.
export async function waitForSyncState(page, state, timeout = TIMEOUT.sync) {
  await eventually(
    `sync bar data-state=${state}`,
    async () => {
      const bar = await syncBar(page);
      check(bar.state === state, `sync bar is ${JSON.stringify(bar)}`);
    },
    { timeout },
  );
}

/// Waits until the app says nothing is left to send, on its own (no click on sync-now).
export async function waitForPendingZero(page, timeout = TIMEOUT.sync) {
  await eventually(
    "sync-pending = 0",
    async () => {
      const bar = await syncBar(page);
      check(bar.pending === 0, `sync bar is ${JSON.stringify(bar)}`);
    },
    { timeout },
  );
  step("outbox empty (sync-pending = 0)");
}

/// Opens /duty and the guard post named `name`; returns the post id from the URL.
export async function openPost(page, name) {
  await go(page, "/duty");
  const link = page.locator(tid("post-link")).filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) });
  await link.first().click();
  await page.waitForURL((url) => /^\/duty\/[^/]+$/.test(url.pathname));
  const postId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
  await page.locator(tid("duty-text")).waitFor({ state: "visible" });
  step(`opened duty log of ${name} (${postId})`);
  return postId;
}

/// Every entry of the open duty log: `[{ id, state, corrects, text, author }]`, in page order.
export async function entries(page) {
  return page.locator(tid("duty-entry")).evaluateAll((nodes) =>
    nodes.map((node) => ({
      id: node.getAttribute("data-entry-id"),
      state: node.getAttribute("data-state"),
      corrects: node.getAttribute("data-corrects"),
      text: (node.querySelector('[data-testid="duty-entry-text"]')?.textContent ?? "").trim(),
      author: (node.querySelector('[data-testid="duty-entry-author"]')?.textContent ?? "").trim(),
    })),
  );
}

/// Adds an entry through the form; returns it once it is listed (usually `pending`).
export async function addEntry(page, text) {
  await page.locator(tid("duty-text")).fill(text);
  await page.locator(tid("duty-add")).click();
  const entry = await eventually(`entry "${text}" listed`, async () => {
    const found = (await entries(page)).filter((e) => e.text === text);
    check(found.length === 1, `${found.length} entries with this text`);
    return found[0];
  });
  check(entry.id, `entry "${text}" has no data-entry-id`);
  const left = await page.locator(tid("duty-text")).inputValue();
  check(left === "", `the form still holds "${left}" after adding`);
  step(`added entry ${entry.id} (${entry.state}): ${text}`);
  return entry;
}

/// Adds a correction of entry `entryId`; returns the new entry once it is listed.
export async function correctEntry(page, entryId, text) {
  const entry = page.locator(`${tid("duty-entry")}[data-entry-id="${entryId}"]`);
  await entry.locator(tid("duty-correct")).click();
  // The correction form may be inside the entry or next to it.
  const inside = entry.locator(tid("duty-correct-text"));
  const scope = (await inside.count()) > 0 ? entry : page;
  await scope.locator(tid("duty-correct-text")).fill(text);
  await scope.locator(tid("duty-correct-submit")).click();
  const correction = await eventually(`correction "${text}" listed`, async () => {
    const found = (await entries(page)).filter((e) => e.text === text);
    check(found.length === 1, `${found.length} entries with this text`);
    return found[0];
  });
  check(
    correction.corrects === entryId,
    `correction ${correction.id} has data-corrects=${correction.corrects}, expected ${entryId}`,
  );
  step(`corrected ${entryId} with ${correction.id} (${correction.state}): ${text}`);
  return correction;
}

/// Waits until the open duty log lists every text of `texts` with data-state `state`
/// (any state when null); returns the entries.
export async function waitForEntries(page, texts, { state = null, timeout = TIMEOUT.sync } = {}) {
  return eventually(
    `entries ${JSON.stringify(texts)}${state ? ` all ${state}` : ""}`,
    async () => {
      const all = await entries(page);
      for (const text of texts) {
        const found = all.filter((e) => e.text === text);
        check(found.length === 1, `"${text}" listed ${found.length} times; entries: ${show(all)}`);
        check(
          !state || found[0].state === state,
          `"${text}" is ${found[0].state}, not ${state}; entries: ${show(all)}`,
        );
      }
      return all;
    },
    { timeout },
  );
}

const show = (all) => JSON.stringify(all.map((e) => [e.state, e.corrects ? "↳" : "", e.text]));

/// A new browser profile (`label`, e.g. "A butler1") with the app installed (service worker
/// in control, so it works offline) and `username` signed in.
export async function signedInDevice(dir, label, username, server, options = {}) {
  const context = await launch(path.join(dir, `profile-${label.split(" ")[0].toLowerCase()}`), {
    name: label,
    ...options,
  });
  const page = await firstPage(context);
  await go(page, "/", server.url);
  await waitForServiceWorker(page);
  await login(page, username);
  return { context, page };
}

/// A server with the demo data and `username` signed in on a fresh profile that has synced
/// once; then the server is stopped, so the device works offline from here.
export async function offlineAfterFirstSync(dir, label, username) {
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const { context, page } = await signedInDevice(dir, label, username, server);
  await waitForFirstSync(page);
  await stopServer(server);
  return { server, context, page };
}

/// Waits until the device has synced once (the reference data an offline round or intake
/// needs is on it).
export async function waitForFirstSync(page) {
  await eventually("first sync done", async () => {
    const bar = await syncBar(page);
    check(bar.last !== "" && bar.last !== "—", `sync bar is ${JSON.stringify(bar)}`);
  }, { timeout: TIMEOUT.sync });
}

/// Files a repair order through /orders/new (works offline); returns its record id.
/// A repair needs a category (it sets the limits); 其他简单维修 has no urgent limit of its
/// own, so an urgent order gets the project's.
/// `quote`: paid work, the first item of the price list quoted and agreed by the owner.
export async function fileOrder(page, { description, category = "其他简单维修", urgent = false, quote = false }) {
  await go(page, "/orders/new");
  await page.locator(tid("order-description")).fill(description);
  await page.locator(tid("order-category")).selectOption({ label: category });
  if (quote) {
    await page.locator(tid("order-paid")).check();
    const form = page.locator(tid("order-quote-form"));
    await form.locator(tid("work-price-item")).selectOption({ index: 1 });
    await form.locator(tid("work-add-item")).click();
    await form.locator(tid("work-consent")).check();
  }
  if (urgent) {
    await page.locator(tid("order-urgent")).check();
  }
  await page.locator(tid("order-submit")).click();
  await page.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
  const orderId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
  await waitForOrderStatus(page, "created", TIMEOUT.action);
  return orderId;
}

/// Assigns the open order to the technician shown as `name`.
export async function assignOrder(page, name) {
  await page.locator(tid("order-assign-to")).selectOption({ label: name });
  await actOnOrder(page, "repair_order.assigned");
  await waitForOrderStatus(page, "assigned", TIMEOUT.action);
}

/// Waits until the open order page shows `status` (its `data-status` code).
export async function waitForOrderStatus(page, status, timeout = TIMEOUT.sync) {
  await eventually(
    `order status ${status}`,
    async () => {
      const shown = await page.locator(tid("order-status")).getAttribute("data-status");
      check(shown === status, `order status is ${shown}`);
    },
    { timeout },
  );
}

/// Clicks the open order's step `kind` (e.g. `repair_order.accepted`).
export async function actOnOrder(page, kind) {
  await page.locator(`button[data-action="${kind}"]`).click();
}

/// On the technician's open order: the owner refuses to sign, for `reason` (completion
/// needs a signature or a refusal).
export async function refuseSignature(page, reason) {
  await page.locator(tid("order-note")).fill(reason);
  await actOnOrder(page, "repair_order.signature_refused");
  await page.locator(tid("order-signature-refused")).filter({ hasText: reason }).waitFor({ timeout: TIMEOUT.action });
}

// ---------------------------------------------------------------------------------------------
// The server's side of the story, straight from the API (not through the app)

/// Every event `username` may read on `server` (all pull pages, in seq order).
export async function pullAll(server, username, password = DEMO_PASSWORD) {
  const { token } = await apiLogin(server, username, password);
  const events = [];
  let after = 0;
  for (;;) {
    const page = await api(server, "GET", `/api/v1/sync/pull?after=${after}&limit=1000`, { token });
    events.push(...page.events);
    if (!page.has_more) {
      return events;
    }
    after = page.next_cursor;
  }
}

/// One API call (node side); fails on any non-2xx with the start of the answer.
export async function api(server, method, route, { token, body } = {}) {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      ...(body ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  check(res.ok, `${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/// `{ token, user }` of a demo user.
export async function apiLogin(server, username, password = DEMO_PASSWORD) {
  return api(server, "POST", "/api/v1/auth/login", { body: { username, password } });
}

/// One event of a new record pushed as `username` from a fresh device id (what another
/// device, already synced, would have sent), stamped `ms`, in the user's first project and
/// area. Fails unless the server accepts it; returns the record id.
export async function pushNewRecord(server, username, { record_type, kind, payload, ms = Date.now() }) {
  const { token, user } = await apiLogin(server, username);
  const me = await api(server, "GET", "/api/v1/me", { token });
  const project = me.projects[0];
  const deviceId = crypto.randomUUID();
  const id = uuidv7(ms);
  const out = await api(server, "POST", "/api/v1/sync/push", {
    token,
    body: {
      device_id: deviceId,
      events: [{
        id: uuidv7(ms), v: 1, project_id: project.id, area_id: project.areas[0].id, actor: user.id,
        device_id: deviceId, hlc: { ms, c: 0 }, device_time: new Date(ms).toISOString(), base_seq: 0,
        record_id: id, record_type, kind, payload,
      }],
    },
  });
  check(out.results[0].status === "accepted", `${kind} pushed: ${JSON.stringify(out.results[0])}`);
  return id;
}

/// A UUIDv7: 48-bit Unix milliseconds, version 7, RFC 4122 variant, random rest.
export function uuidv7(ms = Date.now()) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 0; i < 6; i++) {
    b[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
  }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  const parts = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return `${parts.join("-")}-${hex.slice(20)}`;
}

/// Checks that the server stored each text as exactly one `duty_log.entry_added`, and
/// returns those events by text.
export async function assertStoredOnce(server, username, texts) {
  const added = (await pullAll(server, username)).filter(
    (e) => e.kind === "duty_log.entry_added",
  );
  const byText = {};
  for (const text of texts) {
    const found = added.filter((e) => e.payload?.text === text);
    check(found.length === 1, `the server holds "${text}" ${found.length} times, not once`);
    byText[text] = found[0];
  }
  step(`server holds each of ${texts.length} entries exactly once`);
  return byText;
}

// ---------------------------------------------------------------------------------------------
// Small utilities

/// Text without terminal colour codes.
export const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// Throws `message` unless `condition`.
export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/// Retries `probe` until it stops throwing (or returns without throwing); returns its value.
/// On timeout, fails with `what` and the probe's last complaint.
export async function eventually(what, probe, { timeout = TIMEOUT.action, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${(timeout / 1000).toFixed(0)} s waiting for ${what}: ` +
          (last?.message ?? last),
      );
    }
    await sleep(interval);
  }
}
