// (g) Two people change one repair order while the server is down: butler1 hands it over
// to another technician at the desk while tech1, on site, completes it (labour, a fee not on
// the price list, a result note). When the server is back both changes are stored once; the
// fold keeps the reassignment and reports the completion as not taken effect. Both devices
// show the conflict; supervisor1's inbox lists it and opens the order, whose conflict panel
// shows everything tech1 entered; supervisor1 settles it with a note, and it leaves every
// inbox while every event stays on the server.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  actOnOrder,
  refuseSignature,
  assertNoPageErrors,
  assignOrder,
  check,
  eventually,
  fileOrder,
  freePort,
  go,
  pullAll,
  restartServer,
  screenshot,
  signedInDevice,
  startServer,
  step,
  stopServer,
  tempDir,
  tid,
  waitForOrderStatus,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "repair order reassigned while completed, both offline: both kept, conflict shown, supervisor settles it";

export default async function () {
  const dir = await tempDir("g");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const fault = `5 幢 2 单元 1102 厨房水龙头漏水 (e2e ${RUN})`;
  const result = `已换阀芯，试水正常 ${RUN}`;

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
  step(`order ${orderId} filed, assigned to 陈师傅 and accepted online`);

  await stopServer(server);
  // The desk hands the order over first; a moment later the technician, who never heard,
  // finishes the job.
  await assignOrder(pageA, "赵师傅");
  await pageB.locator(tid("work-labour")).fill("40");
  await pageB.locator(tid("work-other-name")).fill("上门服务费");
  await pageB.locator(tid("work-other-price")).fill("1,5");
  await pageB.locator(tid("work-add-item")).click();
  await pageB.locator(tid("work-other-error")).waitFor({ state: "visible" });
  await pageB.locator(tid("work-other-price")).fill("15");
  await pageB.locator(tid("work-add-item")).click();
  await pageB.locator(tid("work-charge")).getByText("¥15.00").waitFor({ state: "visible" });
  await pageB.locator(tid("work-consent")).check();
  await refuseSignature(pageB, "业主不在家");
  await pageB.locator(tid("order-note")).fill(result);
  await actOnOrder(pageB, "repair_order.completed");
  await waitForOrderStatus(pageB, "completed", TIMEOUT.action);
  step("offline: butler1 reassigned to 赵师傅, then tech1 completed (labour, a ¥15 fee typed in)");

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  await waitForPendingZero(pageB);
  for (const page of [pageA, pageB]) {
    await eventually("the conflict is shown on the order", async () => {
      await page.locator(tid("sync-now")).click();
      await page.locator(tid("order-conflict")).waitFor({ state: "visible", timeout: 2_000 });
    }, { timeout: TIMEOUT.sync });
  }
  // The reassignment came first, so it stands; the completion is kept and shown.
  await waitForOrderStatus(pageA, "assigned", TIMEOUT.action);
  check(
    (await pageA.locator(tid("order-technician")).innerText()).includes("赵师傅"),
    "the order is 赵师傅's after the fold",
  );
  step("both devices show the conflict; the order is 赵师傅's");

  const { context: c, page: pageC } = await signedInDevice(dir, "C supervisor1", "supervisor1", server);
  await eventually("supervisor1's inbox lists the order", async () => {
    await go(pageC, "/inbox");
    await pageC.locator(`${tid("inbox-item")}[data-kind="conflict"] ${tid("inbox-open")}`).first().waitFor({ state: "visible", timeout: 2_000 });
  }, { timeout: TIMEOUT.sync });
  await pageC.locator(`${tid("inbox-item")}[data-kind="conflict"] ${tid("inbox-open")}`).first().click();
  await pageC.waitForURL((url) => url.pathname === `/orders/${orderId}`);
  const ignored = pageC.locator(`${tid("conflict-ignored")}[data-kind="repair_order.completed"]`);
  await ignored.waitFor({ state: "visible" });
  const carried = await ignored.innerText();
  for (const part of [result, "40", "上门服务费", "¥15.00", "陈师傅"]) {
    check(carried.includes(part), `the ignored completion shows ${part}: ${carried}`);
  }
  await ignored.scrollIntoViewIfNeeded();
  await screenshot(pageC, "order-conflict-phone");
  step("supervisor1: inbox → the order; the panel shows everything tech1 entered");

  await pageC.locator(tid("conflict-review-note")).fill("陈师傅已修好，赵师傅不必再去");
  await pageC.locator(tid("conflict-review")).click();
  await pageC.locator(tid("conflict-reviewed")).waitFor({ state: "visible", timeout: TIMEOUT.action });
  await pageC.locator(tid("order-conflict")).waitFor({ state: "hidden", timeout: TIMEOUT.action });
  await waitForPendingZero(pageC);
  await eventually("butler1's inbox has no conflict any more", async () => {
    await pageA.locator(tid("sync-now")).click();
    await go(pageA, "/inbox");
    await pageA.locator(tid("inbox-item")).first().waitFor({ state: "detached", timeout: 2_000 });
  }, { timeout: TIMEOUT.sync });
  step("supervisor1 settled it; it left butler1's inbox too");

  const kinds = (await pullAll(server, "supervisor1"))
    .filter((e) => e.record_id === orderId)
    .map((e) => e.kind);
  for (const [kind, times] of [
    ["repair_order.assigned", 2],
    ["repair_order.completed", 1],
    ["repair_order.conflict_reviewed", 1],
  ]) {
    const n = kinds.filter((k) => k === kind).length;
    check(n === times, `the server holds ${kind} ${n} times, not ${times}: ${JSON.stringify(kinds)}`);
  }
  step("every change stored once: two assignments, the completion, the review");
  assertNoPageErrors(a);
  assertNoPageErrors(b);
  assertNoPageErrors(c);
}
