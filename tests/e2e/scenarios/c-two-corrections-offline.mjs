// (c) Two people correct the same duty-log entry while the server is down. Once it is back,
// both devices show the original (unchanged) and both corrections, each pointing at it.

import path from "node:path";
import {
  RUN,
  addEntry,
  assertNoPageErrors,
  assertStoredOnce,
  check,
  correctEntry,
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
  tempDir,
  waitForEntries,
  waitForPendingZero,
  waitForServiceWorker,
} from "../lib.mjs";

export const title = "two corrections of one entry made offline on two devices both survive";

const POST = "东门岗";

export default async function () {
  const dir = await tempDir("c");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const original = `14:00 东门道闸故障，已报修 (e2e ${RUN})`;
  const byButler = `更正：道闸 14:20 已自行恢复，取消报修 (e2e ${RUN} A)`;
  const bySupervisor = `更正：道闸故障时间应为 13:50 (e2e ${RUN} B)`;

  const a = await launch(path.join(dir, "profile-a"), { name: "A butler1" });
  const pageA = await firstPage(a);
  await go(pageA, "/", server.url);
  await waitForServiceWorker(pageA);
  await login(pageA, "butler1");
  await openPost(pageA, POST);
  const entry = await addEntry(pageA, original);
  await waitForEntries(pageA, [original], { state: "synced" });

  const b = await launch(path.join(dir, "profile-b"), { name: "B supervisor1" });
  const pageB = await firstPage(b);
  await go(pageB, "/", server.url);
  await waitForServiceWorker(pageB);
  await login(pageB, "supervisor1");
  await openPost(pageB, POST);
  const seenByB = await waitForEntries(pageB, [original], { state: "synced" });
  check(
    seenByB.find((e) => e.text === original).id === entry.id,
    "B lists the original under another entry id",
  );

  await stopServer(server);
  const correctionA = await correctEntry(pageA, entry.id, byButler);
  const correctionB = await correctEntry(pageB, entry.id, bySupervisor);
  check(correctionA.state === "pending", `A's correction is ${correctionA.state} offline`);
  check(correctionB.state === "pending", `B's correction is ${correctionB.state} offline`);

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  await waitForPendingZero(pageB);
  for (const page of [pageA, pageB]) {
    const all = await waitForEntries(page, [original, byButler, bySupervisor], { state: "synced" });
    const get = (text) => all.find((e) => e.text === text);
    check(get(original).id === entry.id, "the original changed its id");
    check(!get(original).corrects, "the original claims to correct something");
    check(get(byButler).corrects === entry.id, `A's correction: ${JSON.stringify(get(byButler))}`);
    check(
      get(bySupervisor).corrects === entry.id,
      `B's correction: ${JSON.stringify(get(bySupervisor))}`,
    );
    check(get(byButler).id !== get(bySupervisor).id, "both corrections share one id");
  }
  step("both devices show the original and both corrections");

  const stored = await assertStoredOnce(server, "supervisor1", [original, byButler, bySupervisor]);
  check(stored[original].id === entry.id, "the server's original has another id than the app's");
  for (const text of [byButler, bySupervisor]) {
    check(
      stored[text].payload.corrects === entry.id,
      `the server's "${text}" corrects ${stored[text].payload.corrects}, not ${entry.id}`,
    );
  }
  assertNoPageErrors(a);
  assertNoPageErrors(b);
}
