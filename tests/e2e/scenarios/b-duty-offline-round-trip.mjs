// (b) Duty log offline round trip: two entries synced, the server dies, two more entries are
// written offline and survive a reload served by the service worker; the server comes back
// on the same database and port, the outbox empties by itself, and a supervisor on another
// device sees all four.

import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  RUN,
  TIMEOUT,
  addEntry,
  assertNoPageErrors,
  assertStoredOnce,
  check,
  entries,
  eventually,
  firstPage,
  freePort,
  go,
  launch,
  login,
  openPost,
  restartServer,
  startServer,
  step,
  stopServer,
  syncBar,
  tempDir,
  waitForApp,
  waitForEntries,
  waitForPendingZero,
  waitForServiceWorker,
  waitForSyncState,
} from "../lib.mjs";

export const title = "duty log offline round trip: 2 synced + 2 offline entries reach a 2nd device";

const POST = "东门岗";

export default async function () {
  const dir = await tempDir("b");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const texts = [
    `08:00 接班，对讲机 2 台、钥匙 12 把齐全 (e2e ${RUN})`,
    `09:15 快递车进入，已登记车牌 (e2e ${RUN})`,
    `10:40 地下车库无信号，巡查 B1 正常 (e2e ${RUN})`,
    `11:05 访客 3 人，已电话确认业主 (e2e ${RUN})`,
  ];

  const a = await launch(path.join(dir, "profile-a"), { name: "A butler1" });
  const pageA = await firstPage(a);
  await go(pageA, "/", server.url);
  await waitForServiceWorker(pageA);
  await login(pageA, "butler1");
  await openPost(pageA, POST);
  await addEntry(pageA, texts[0]);
  await addEntry(pageA, texts[1]);
  await waitForEntries(pageA, texts.slice(0, 2), { state: "synced" });
  step("first two entries synced");

  await stopServer(server);
  await addEntry(pageA, texts[2]);
  await addEntry(pageA, texts[3]);
  await waitForEntries(pageA, texts.slice(2), { state: "pending", timeout: TIMEOUT.action });
  await waitForSyncState(pageA, "offline");
  await eventually("sync-pending = 2", async () => {
    const bar = await syncBar(pageA);
    check(bar.pending === 2, `sync bar is ${JSON.stringify(bar)}`);
  });
  step("two offline entries pending, sync bar offline");

  const reloaded = await pageA.reload();
  check(reloaded?.fromServiceWorker(), "the offline reload was not served by the service worker");
  await waitForApp(pageA);
  await waitForEntries(pageA, texts.slice(0, 2), { state: "synced", timeout: TIMEOUT.action });
  await waitForEntries(pageA, texts.slice(2), { state: "pending", timeout: TIMEOUT.action });
  step("offline reload: all four entries still listed");

  // The escape hatch for a device that cannot sync: the unsent entries saved to a file.
  await go(pageA, "/settings");
  const [download] = await Promise.all([
    pageA.waitForEvent("download", { timeout: TIMEOUT.action }),
    pageA.locator('[data-testid="export-outbox"]').click(),
  ]);
  const exported = JSON.parse(await readFile(await download.path(), "utf8"));
  const exportedTexts = exported.events.map((e) => e.payload.text);
  check(
    exported.format === "guanjia-outbox" && JSON.stringify(exportedTexts) === JSON.stringify(texts.slice(2)),
    `the export holds exactly the two unsent entries, got ${JSON.stringify(exportedTexts)}`,
  );
  step("offline: the two unsent entries exported to a file");
  await openPost(pageA, POST);

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  await waitForEntries(pageA, texts, { state: "synced" });
  await waitForSyncState(pageA, "online");
  await eventually("sync-last set after a successful sync", async () => {
    const bar = await syncBar(pageA);
    check(bar.last !== "" && bar.last !== "—", `sync bar is ${JSON.stringify(bar)}`);
  });

  const b = await launch(path.join(dir, "profile-b"), { name: "B supervisor1" });
  const pageB = await firstPage(b);
  await go(pageB, "/", server.url);
  await login(pageB, "supervisor1");
  await openPost(pageB, POST);
  await waitForEntries(pageB, texts, { state: "synced" });
  step("supervisor1 on a fresh device sees all four entries");
  const authors = new Set((await entries(pageB)).map((e) => e.author));
  check(
    authors.size === 1 && authors.has("张管家"),
    `entries show their author by name (butler1 is 张管家), got ${[...authors]}`,
  );

  await assertStoredOnce(server, "supervisor1", texts);
  assertNoPageErrors(a);
  assertNoPageErrors(b);
}
