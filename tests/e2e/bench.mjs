// Browser benchmarks: real headless Chromium against the real guanjia-server (debug build),
// the same setup as the end-to-end scenarios. Prints numbers; there are no thresholds.
//
//   node tests/e2e/bench.mjs     (cargo xtask bench builds everything first and runs this last)
//
// 1. A fresh browser profile signs in as butler1 on a server holding the demo data plus 10,000
//    duty-log events (seeded through the API as supervisor1): seconds from the click on
//    login-submit until the app's IndexedDB `events` store holds every event butler1 may read
//    and the sync bar shows a last sync time.
// 2. On that loaded device, 30 duty-log entries on 东门岗: milliseconds from the click on
//    duty-add until the entry is in the DOM (the UI lists an entry only after its strict
//    IndexedDB transaction committed), measured inside the page (performance.now() in a
//    capture click listener and a MutationObserver), so no playwright round trip counts.
//    p50, p95 and max.
// 3. 10,000 repair orders in butler1's area are added on the server and synced to that device;
//    then /orders is opened (time to the first card) and searched 20 times: milliseconds from
//    the search box's input event until the list shows exactly the one matching card
//    (measured in the page as in 2). p50, p95 and max.
//
// The machine is small and shared: expect noise between runs. Exit code 1 if a benchmark
// could not run (its error, steps and diagnostics are printed), 2 if the harness is missing.

import { existsSync } from "node:fs";
import path from "node:path";
import {
  CHROMIUM,
  DEMO_PASSWORD,
  api,
  apiLogin,
  uuidv7,
  DIST,
  ROOT,
  SERVER_BIN,
  TIMEOUT,
  check,
  cleanup,
  diagnostics,
  firstPage,
  freePort,
  go,
  launch,
  openPost,
  resetTrail,
  sleep,
  startServer,
  step,
  stripAnsi,
  syncBar,
  tempDir,
  tid,
  waitForPendingZero,
  waitForServiceWorker,
} from "./lib.mjs";

const SEED_EVENTS = 10_000;
const SEED_BATCH = 500; // the most one push accepts
const SEED_RECORDS = 20;
const SEED_AS = "supervisor1";
const READER = "butler1";
const POST = "东门岗";
const TAPS = 30;
const SEED_ORDERS = 10_000;
/// The orders list renders at most this many cards (src/orders.rs).
const LISTED_CARDS = 100;
const SEARCHES = 20;
const SCALE = Number(process.env.GUANJIA_E2E_TIMEOUT_SCALE) || 1;
/// Generous: a debug-build server and a 2-core machine.
const PULL_TIMEOUT = 300_000 * SCALE;

const missing = [
  [SERVER_BIN, "cargo build -p guanjia-server"],
  [path.join(DIST, "index.html"), "cargo xtask dist"],
  [CHROMIUM, "apt-get install -y chromium"],
].filter(([file]) => !existsSync(file));
if (missing.length) {
  for (const [file, fix] of missing) {
    console.error(`bench: ${path.relative(ROOT, file) || file} is missing (${fix})`);
  }
  process.exit(2);
}

resetTrail();
let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  console.log(`bench: FAILED`);
  console.log(indent(stripAnsi(err?.stack ?? String(err))));
  for (const line of await diagnostics("bench")) {
    console.log(`    ${stripAnsi(line)}`);
  }
} finally {
  for (const dir of await cleanup({ keepAs: failed ? "bench" : null })) {
    console.log(`    kept ${path.relative(ROOT, dir)}`);
  }
}
process.exit(failed ? 1 : 0);

async function main() {
  const dir = await tempDir("bench");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });

  // --- Seed 10,000 events through the API -----------------------------------------------------
  const seedStarted = performance.now();
  await seed(server);
  const expected = (await pullCount(server, READER)).count;
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(
    `bench: seeded ${SEED_EVENTS} events as ${SEED_AS} in ${seedSeconds.toFixed(1)} s ` +
      `(${SEED_EVENTS / SEED_BATCH} pushes of ${SEED_BATCH}); ${READER} may read ${expected}`,
  );

  // --- 1. Fresh profile: login → everything stored ------------------------------------------
  const context = await launch(path.join(dir, "profile"), { name: `fresh ${READER}` });
  const page = await firstPage(context);
  // Installed first (service worker precached), so the time is the sync's, not the install's.
  await go(page, "/", server.url);
  await waitForServiceWorker(page);
  await page.goto(new URL("/login", server.url).href);
  await page.locator(tid("login-username")).fill(READER);
  await page.locator(tid("login-password")).fill(DEMO_PASSWORD);

  const clicked = performance.now();
  await page.locator(tid("login-submit")).click();
  let stored = 0;
  let signedInAt = null;
  let storedAt = null;
  let lastSetAt = null;
  const deadline = clicked + PULL_TIMEOUT;
  while (storedAt === null || lastSetAt === null) {
    if (performance.now() > deadline) {
      throw new Error(
        `after ${PULL_TIMEOUT / 1000} s the profile stores ${stored} of ${expected} events ` +
          `(sync-last ${lastSetAt === null ? "still —" : "set"})`,
      );
    }
    if (signedInAt === null && new URL(page.url()).pathname === "/") {
      signedInAt = performance.now();
    }
    if (storedAt === null) {
      stored = await page.evaluate(countStoredEvents).catch(() => 0);
      if (stored >= expected) {
        storedAt = performance.now();
      }
    }
    if (lastSetAt === null) {
      const last = await page
        .locator(tid("sync-last"))
        .innerText({ timeout: 1000 })
        .catch(() => "—");
      if (last.trim() !== "" && last.trim() !== "—") {
        lastSetAt = performance.now();
      }
    }
    await sleep(50);
  }
  const since = (t) => `${((t - clicked) / 1000).toFixed(1)} s`;
  step(`stored ${stored} events, sync-last set`);
  const doneAt = Math.max(storedAt, lastSetAt);
  console.log(
    `bench: fresh profile pulled and stored ${stored} events in ${since(doneAt)} ` +
      `(from the login click: signed in ${signedInAt === null ? "?" : since(signedInAt)}, ` +
      `all events in IndexedDB ${since(storedAt)}, sync-last set ${since(lastSetAt)})`,
  );

  // --- 2. Tap → committed entry, on the loaded device ---------------------------------------
  await openPost(page, POST);
  const run = Date.now().toString(36).slice(-5);
  const times = [];
  for (let i = 1; i <= TAPS; i++) {
    const text = `bench ${run} #${i} 巡查东门岗，一切正常`;
    await page.locator(tid("duty-text")).fill(text);
    await page.evaluate(armTimer, {
      start: { type: "click", selector: tid("duty-add") },
      done: { selector: tid("duty-entry-text"), text },
      timeout: TIMEOUT.action,
    });
    await page.locator(tid("duty-add")).click();
    times.push(await page.evaluate(() => window.__guanjiaBench));
  }
  step(`${TAPS} entries added`);
  const sorted = [...times].sort((a, b) => a - b);
  const ms = (v) => `${Math.round(v)} ms`;
  console.log(
    `bench: tap → committed entry: p50 ${ms(percentile(sorted, 50))}, ` +
      `p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1))} (${TAPS} taps, ` +
      `${stored} events on the device)`,
  );
  // Not measured: the entries reach the server (a broken sync would make the numbers lie).
  await waitForPendingZero(page);
  const bar = await syncBar(page);
  check(bar.state === "online", `sync bar is ${JSON.stringify(bar)} after the taps`);

  // --- 3. Search over 10,000 repair orders on the device --------------------------------------
  const readerToken = (await apiLogin(server, READER)).token;
  const readerMe = await api(server, "GET", "/api/v1/me", { token: readerToken });
  await seedOrders(server, readerMe.projects[0].areas[0].id);
  const withOrders = (await pullCount(server, READER)).count;
  await page.locator(tid("sync-now")).click();
  const pullDeadline = performance.now() + PULL_TIMEOUT;
  while ((await page.evaluate(countStoredEvents).catch(() => 0)) < withOrders) {
    check(performance.now() < pullDeadline, `the device never stored ${withOrders} events`);
    await sleep(200);
  }
  step(`device holds ${withOrders} events incl. ${SEED_ORDERS} repair orders`);
  const opened = performance.now();
  await go(page, "/orders");
  await page.locator(tid("order-card")).first().waitFor({ state: "visible", timeout: PULL_TIMEOUT });
  const listMs = performance.now() - opened;
  const searches = [];
  for (let i = 0; i < SEARCHES; i++) {
    const query = `#${1 + Math.floor((i * SEED_ORDERS) / SEARCHES) + 7}：`;
    await page.evaluate(armTimer, {
      start: { type: "input", selector: tid("order-search") },
      done: { selector: tid("order-card"), text: query, count: 1 },
      timeout: TIMEOUT.action,
    });
    await page.locator(tid("order-search")).fill(query);
    searches.push(await page.evaluate(() => window.__guanjiaBench));
  }
  const found = [...searches].sort((a, b) => a - b);
  console.log(
    `bench: repair orders: /orders listed in ${Math.round(listMs)} ms (navigation included); ` +
      `search → the one matching card: p50 ${ms(percentile(found, 50))}, ` +
      `p95 ${ms(percentile(found, 95))}, max ${ms(found.at(-1))} (${SEARCHES} searches, ` +
      `${SEED_ORDERS} orders on the device)`,
  );

  // Filters: from "mine" (none of the seeded orders is butler1's) back to "open", which
  // filters and sorts all of them by urgency and lists the first 100.
  await page.locator(tid("order-search")).fill("");
  const switches = [];
  for (let i = 0; i < SEARCHES; i++) {
    await page.locator('button[data-filter="mine"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-card"]').length === 0);
    await page.evaluate(armTimer, {
      start: { type: "click", selector: 'button[data-filter="open"]' },
      done: { selector: tid("order-card"), text: "基准报修", count: LISTED_CARDS },
      timeout: TIMEOUT.action,
    });
    await page.locator('button[data-filter="open"]').click();
    switches.push(await page.evaluate(() => window.__guanjiaBench));
  }
  const switched = [...switches].sort((a, b) => a - b);
  console.log(
    `bench: repair orders: filter "mine" → "open" until ${LISTED_CARDS} cards show: ` +
      `p50 ${ms(percentile(switched, 50))}, p95 ${ms(percentile(switched, 95))}, ` +
      `max ${ms(switched.at(-1))} (${SEARCHES} switches, ${SEED_ORDERS} orders on the device)`,
  );
}

// ---------------------------------------------------------------------------------------------
// In the page (serialised by page.evaluate: no closures over this module)

/// Rows in the app's `events` store (a short read-only transaction of its own); 0 until the
/// app created its database (opening one that does not exist would create an empty one under
/// the app's feet).
async function countStoredEvents() {
  const dbs = await indexedDB.databases();
  if (!dbs.some((d) => d.name === "guanjia" && d.version >= 1)) {
    return 0;
  }
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("guanjia");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const req = db.transaction("events", "readonly").objectStore("events").count();
        req.onsuccess = () => {
          db.close();
          resolve(req.result);
        };
        req.onerror = () => {
          db.close();
          reject(req.error);
        };
      } catch (err) {
        db.close();
        reject(err);
      }
    };
  });
}

/// Arms one measurement: the next `start.type` event on an element matching `start.selector`
/// starts the clock (capture listener on the document, before the app's handler, so a
/// re-rendered element still counts); the first DOM mutation after which the elements
/// matching `done.selector` include one whose text contains `done.text` (and, with
/// `done.count`, number exactly that many) stops it. `window.__guanjiaBench` becomes a promise
/// of the milliseconds in between.
function armTimer({ start, done, timeout }) {
  let started = null;
  window.__guanjiaBench = new Promise((resolve, reject) => {
    const finished = () => {
      const els = [...document.querySelectorAll(done.selector)];
      return (
        (done.count == null || els.length === done.count) &&
        els.some((e) => e.textContent.includes(done.text))
      );
    };
    const observer = new MutationObserver(() => {
      if (started !== null && finished()) {
        const elapsed = performance.now() - started;
        observer.disconnect();
        clearTimeout(timer);
        resolve(elapsed);
      }
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`"${done.text}" not shown ${timeout} ms after ${start.type}`));
    }, timeout);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const onStart = (event) => {
      if (event.target.closest?.(start.selector)) {
        started = performance.now();
        document.removeEventListener(start.type, onStart, true);
      }
    };
    document.addEventListener(start.type, onStart, true);
  });
  window.__guanjiaBench.catch(() => {}); // awaited by the next evaluate
}

// ---------------------------------------------------------------------------------------------
// The API (node side)

/// Pushes `count` events made by `make(n, common)` in batches of 500 as supervisor1 from one
/// new device; `common` holds the envelope fields and the project's ids.
async function seedEvents(server, count, make) {
  const { token, user } = await apiLogin(server, SEED_AS);
  const me = await api(server, "GET", "/api/v1/me", { token });
  const project = me.projects?.[0];
  check(project?.id, `${SEED_AS} has no project: ${JSON.stringify(me)}`);
  const deviceId = crypto.randomUUID();
  let n = 0;
  for (let batch = 0; n < count; batch++) {
    const events = [];
    for (let i = 0; i < SEED_BATCH && n < count; i++, n++) {
      const now = Date.now();
      const common = {
        id: uuidv7(now),
        v: 1,
        project_id: project.id,
        actor: user.id,
        device_id: deviceId,
        hlc: { ms: now, c: i },
        device_time: new Date(now).toISOString(),
        base_seq: 0,
      };
      events.push(make(n, common, project));
    }
    const out = await api(server, "POST", "/api/v1/sync/push", {
      token,
      body: { device_id: deviceId, events },
    });
    const notAccepted = out.results.filter((r) => r.status !== "accepted");
    check(
      notAccepted.length === 0,
      `push ${batch + 1}: ${notAccepted.length} not accepted, ` +
        `e.g. ${JSON.stringify(notAccepted[0])}`,
    );
  }
  step(`seeded ${n} events as ${SEED_AS}`);
}

/// 10,000 `duty_log.entry_added` events, project-wide (area null) so butlers read them too,
/// spread over 20 records.
async function seed(server) {
  const records = Array.from({ length: SEED_RECORDS }, () => uuidv7());
  await seedEvents(server, SEED_EVENTS, (n, common) => ({
    ...common,
    record_id: records[n % SEED_RECORDS],
    record_type: "duty_log",
    kind: "duty_log.entry_added",
    area_id: null,
    payload: { text: `基准测试 #${n + 1}：巡逻 ${1 + (n % 6)} 幢，消防通道畅通。` },
  }));
}

/// 10,000 repair orders in the reader's area (one `repair_order.created` each).
async function seedOrders(server, areaId) {
  await seedEvents(server, SEED_ORDERS, (n, common) => ({
    ...common,
    record_id: uuidv7(),
    record_type: "repair_order",
    kind: "repair_order.created",
    area_id: areaId,
    payload: {
      description: `基准报修 #${n + 1}：${1 + (n % 6)} 幢 ${1 + (n % 2)} 单元 ${100 + (n % 1800)} 水龙头漏水`,
      location: `${1 + (n % 6)} 幢`,
      reporter_phone: `138${String(n).padStart(8, "0")}`,
      urgent: n % 10 === 0,
    },
  }));
}

/// How many events `username` may read (every pull page, counted).
async function pullCount(server, username) {
  const { token } = await apiLogin(server, username);
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await api(server, "GET", `/api/v1/sync/pull?after=${after}&limit=1000`, {
      token,
    });
    count += page.events.length;
    if (!page.has_more) {
      return { count };
    }
    after = page.next_cursor;
  }
}

// ---------------------------------------------------------------------------------------------
// Small utilities

/// Nearest-rank percentile of an ascending array.
function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function indent(text) {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
