// (d) A new version is deployed while the device holds unsent entries. The server comes back
// serving a copy of dist/ whose sw.js has a new cache version (a rebuild would take minutes),
// and pushes are held back by the test so the outbox stays non-empty while the new service
// worker waits. The page must not reload (nor lose the draft in the form) while the outbox
// is non-empty; no entry is lost, and once pushes go through everything syncs.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  addEntry,
  assertNoPageErrors,
  assertStoredOnce,
  bumpServiceWorker,
  check,
  copyDist,
  eventually,
  firstPage,
  freePort,
  go,
  launch,
  login,
  openPost,
  restartServer,
  sleep,
  startServer,
  step,
  stopServer,
  syncBar,
  tempDir,
  tid,
  waitForApp,
  waitForEntries,
  waitForPendingZero,
  waitForServiceWorker,
} from "../lib.mjs";

export const title = "new version while the outbox is not empty: no reload, nothing lost";

const POST = "东门岗";
const PUSH = "**/api/v1/sync/push";

export default async function () {
  const dir = await tempDir("d");
  const staticDir = await copyDist(path.join(dir, "static"));
  let server = await startServer({
    dbPath: path.join(dir, "db.sqlite"),
    port: await freePort(),
    staticDir,
  });
  const texts = [
    `16:00 交班前检查消防通道畅通 (e2e ${RUN})`,
    `16:30 发现 3 号楼门禁常开，已关闭 (e2e ${RUN})`,
    `16:45 外卖员未登记进入，已劝离 (e2e ${RUN})`,
  ];
  const draft = `草稿：尚未保存的交接说明 (e2e ${RUN})`;

  const a = await launch(path.join(dir, "profile-a"), { name: "A butler1" });
  const page = await firstPage(a);
  await go(page, "/", server.url);
  await waitForServiceWorker(page);
  await login(page, "butler1");
  await openPost(page, POST);
  await addEntry(page, texts[0]);
  await waitForEntries(page, texts.slice(0, 1), { state: "synced" });

  await stopServer(server);
  await addEntry(page, texts[1]);
  await addEntry(page, texts[2]);
  await waitForEntries(page, texts.slice(1), { state: "pending", timeout: TIMEOUT.action });

  // The new deployment; pushes fail (as on a flaky network) until the test lets them through.
  const version = await bumpServiceWorker(staticDir);
  step(`deployed sw.js with cache version ${version}`);
  let heldBack = 0;
  await a.route(PUSH, (route) => {
    heldBack += 1;
    return route.abort("internetdisconnected");
  });
  server = await restartServer(server);

  await page.reload();
  await waitForApp(page);
  await waitForEntries(page, texts.slice(1), { state: "pending", timeout: TIMEOUT.action });
  await eventually("a new service worker waiting", async () => {
    const waiting = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update().catch(() => {});
      return !!registration?.waiting;
    });
    check(waiting, "no waiting service worker yet");
  });
  step("new service worker installed and waiting");

  // From here on the page must stay the same document while the outbox is not empty.
  await page.evaluate((mark) => {
    window.__guanjiaE2eMark = mark;
  }, RUN);
  await page.locator(tid("duty-text")).fill(draft);
  const banner = page.locator(tid("update-banner"));
  const bannerShown = await banner
    .waitFor({ state: "visible", timeout: 10_000 })
    .then(() => true)
    .catch(() => false);
  const apply = page.locator(tid("update-apply"));
  if (bannerShown && (await apply.isVisible())) {
    await apply.click();
    step("update banner shown; clicked update-apply with 2 pending entries and a draft");
  } else if (bannerShown) {
    step("update banner shown without update-apply (outbox not empty)");
  } else {
    step("no update banner within 10 s (allowed)");
  }
  // Let the app try (and fail) to push at least once while the new version waits.
  await eventually(
    "a push attempt (held back)",
    async () => check(heldBack > 0, "the app has not tried to push since the server came back"),
    { timeout: TIMEOUT.sync },
  );
  await sleep(2000);
  const same = await page.evaluate(() => window.__guanjiaE2eMark).catch(() => undefined);
  check(same === RUN, "the page reloaded while the outbox was not empty");
  check(
    (await page.locator(tid("duty-text")).inputValue()) === draft,
    "the draft in the form was lost",
  );
  await waitForEntries(page, texts.slice(1), { state: "pending", timeout: TIMEOUT.action });
  const bar = await syncBar(page);
  check(bar.pending === 2, `with pushes held back the sync bar says ${JSON.stringify(bar)}`);
  step(`no reload, draft kept, 2 still pending (${heldBack} pushes held back)`);

  await a.unroute(PUSH);
  await waitForPendingZero(page);
  await waitForEntries(page, texts, { state: "synced" });
  check(
    (await page.locator(tid("duty-text")).inputValue()) === draft,
    "the draft in the form was lost while syncing",
  );

  // Safe now: outbox empty. Clear the draft; if the banner is there, applying must work.
  await page.locator(tid("duty-text")).fill("");
  if (bannerShown) {
    // The banner now offers to apply (it may also apply by itself now that nothing is at risk).
    await apply.click({ timeout: 5000 }).catch(() => step("update-apply not offered or gone"));
    await eventually("the new version in control", async () => {
      const keys = await page.evaluate(() => caches.keys());
      const shells = keys.filter((k) => k.startsWith("guanjia-shell-"));
      check(
        shells.length === 1 && shells[0] === `guanjia-shell-${version}`,
        `caches: ${JSON.stringify(keys)}`,
      );
      const waiting = await page.evaluate(
        async () => !!(await navigator.serviceWorker.getRegistration())?.waiting,
      );
      check(!waiting, "a service worker is still waiting");
    });
    step("update applied once the outbox was empty");
  }
  await page.reload();
  await waitForApp(page);
  await waitForServiceWorker(page);
  await waitForEntries(page, texts, { state: "synced", timeout: TIMEOUT.action });

  await assertStoredOnce(server, "butler1", texts);
  assertNoPageErrors(a);
}
