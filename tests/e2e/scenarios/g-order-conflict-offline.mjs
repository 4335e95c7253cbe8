// (g) Two people change one repair order while the server is down: tech1 completes it on
// site while butler1 cancels it at the desk. When the server is back, both changes are
// stored, both devices show the order with its conflict, and butler1's inbox lists it.
// Nothing either of them entered is lost.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  actOnOrder,
  assertNoPageErrors,
  assignOrder,
  check,
  eventually,
  fileOrder,
  freePort,
  go,
  pullAll,
  restartServer,
  signedInDevice,
  startServer,
  step,
  stopServer,
  tempDir,
  tid,
  waitForOrderStatus,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "repair order changed on two devices offline: both kept, conflict shown";

export default async function () {
  const dir = await tempDir("g");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const fault = `5 幢 2 单元 1102 厨房水龙头漏水 (e2e ${RUN})`;

  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  const orderId = await fileOrder(pageA, { description: fault });
  await assignOrder(pageA, "陈师傅");
  await waitForPendingZero(pageA);

  const { context: b, page: pageB } = await signedInDevice(dir, "B tech1", "tech1", server);
  await eventually("tech1 has the order", async () => {
    await go(pageB, `/orders/${orderId}`);
    await waitForOrderStatus(pageB, "assigned", 2_000);
  }, { timeout: TIMEOUT.sync });
  await actOnOrder(pageB, "repair_order.accepted");
  await waitForOrderStatus(pageB, "accepted", TIMEOUT.action);
  await waitForPendingZero(pageB);
  step(`order ${orderId} filed, assigned and accepted online`);

  await stopServer(server);
  await actOnOrder(pageB, "repair_order.completed");
  await waitForOrderStatus(pageB, "completed", TIMEOUT.action);
  await pageA.locator(tid("order-note")).fill("业主来电：已自行找人修好，取消");
  await actOnOrder(pageA, "repair_order.cancelled");
  await waitForOrderStatus(pageA, "cancelled", TIMEOUT.action);
  step("offline: tech1 completed, butler1 cancelled");

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  await waitForPendingZero(pageB);
  // Each device pulls the other's change.
  for (const page of [pageA, pageB]) {
    await eventually("the conflict is shown on the order", async () => {
      await page.locator(tid("sync-now")).click();
      await page.locator(tid("order-conflict")).waitFor({ state: "visible", timeout: 2_000 });
    }, { timeout: TIMEOUT.sync });
  }
  step("both devices show the order's conflict");

  await go(pageA, "/inbox");
  await pageA.locator(`${tid("inbox-item")}[data-kind="conflict"]`).first().waitFor({ state: "visible" });
  const kinds = (await pullAll(server, "supervisor1"))
    .filter((e) => e.record_id === orderId)
    .map((e) => e.kind);
  for (const kind of ["repair_order.completed", "repair_order.cancelled"]) {
    const n = kinds.filter((k) => k === kind).length;
    check(n === 1, `the server holds ${kind} ${n} times, not once: ${JSON.stringify(kinds)}`);
  }
  step("both changes stored once; the inbox lists the conflict");
  assertNoPageErrors(a);
  assertNoPageErrors(b);
}
