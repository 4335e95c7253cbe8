// (f) A repair order across two devices: butler1 files it with the server down (the arrival
// countdown runs offline), dispatches it to tech1 once the server is back; tech1 accepts,
// arrives and completes on their phone; butler1 sees the completion and the 48-hour
// return-visit deadline, records the return visit and closes the order. The server holds
// every step exactly once.

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
  signedInDevice,
  startServer,
  step,
  stopServer,
  tempDir,
  tid,
  waitForFirstSync,
  waitForOrderStatus,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "repair order: offline intake, dispatch, technician completes, return visit, close";

export default async function () {
  const dir = await tempDir("f");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const fault = `2 幢 1 单元 301 卫生间下水道堵塞 (e2e ${RUN})`;

  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  // The first sync brings the reference data (categories) the offline intake offers.
  await waitForFirstSync(pageA);

  await stopServer(server);
  const orderId = await fileOrder(pageA, { description: fault, category: "下水道堵塞", urgent: true, quote: true });
  const quoted = pageA.locator(`${tid("order-quote")}[data-consented="true"]`);
  await quoted.waitFor();
  const quotedText = await quoted.innerText();
  const arrival = (await pageA.locator(tid("order-deadline")).filter({ hasText: "到场" }).textContent()).trim();
  check(/到场/.test(arrival) && /剩 1[0-5] 分/.test(arrival), `urgent arrival countdown: "${arrival}"`);
  step(`offline intake: order ${orderId}, ${arrival}`);

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  await assignOrder(pageA, "陈师傅");
  await eventually("technician shown", async () => {
    const who = (await pageA.locator(tid("order-technician")).textContent()).trim();
    check(who === "陈师傅", `technician shown as "${who}"`);
  });
  await waitForPendingZero(pageA);
  step("dispatched to tech1 (陈师傅)");

  const { context: b, page: pageB } = await signedInDevice(dir, "B tech1", "tech1", server);
  await go(pageB, "/orders");
  await pageB.locator('button[data-filter="mine"]').click();
  const card = pageB.locator(`${tid("order-card")}[data-order-id="${orderId}"]`);
  await card.waitFor({ state: "visible", timeout: TIMEOUT.sync });
  await card.locator("a").click();
  await waitForOrderStatus(pageB, "assigned", TIMEOUT.action);
  await actOnOrder(pageB, "repair_order.accepted");
  await waitForOrderStatus(pageB, "accepted", TIMEOUT.action);
  await actOnOrder(pageB, "repair_order.arrived");
  await waitForOrderStatus(pageB, "arrived", TIMEOUT.action);
  // Completing needs the owner's signature or a refusal: refused first, then recorded.
  // The technician's completion starts from the price the owner agreed to at intake.
  const charge = (await pageB.locator(tid("work-charge")).textContent()).trim();
  check(quotedText.includes(charge.split(" ").pop()), `completion starts from the quote: ${charge} / ${quotedText}`);
  check(await pageB.locator(tid("work-consent")).isChecked(), "the owner's consent comes with the quote");
  await pageB.locator(tid("order-note")).fill("疏通下水道，更换存水弯密封圈");
  await actOnOrder(pageB, "repair_order.completed");
  await pageB.locator('[role="alert"]').filter({ hasText: "签名" }).waitFor();
  await refuseSignature(pageB, "业主不在家，由家人确认");
  await pageB.locator(tid("order-note")).fill("疏通下水道，更换存水弯密封圈");
  await actOnOrder(pageB, "repair_order.completed");
  await waitForOrderStatus(pageB, "completed", TIMEOUT.action);
  await waitForPendingZero(pageB);
  step("tech1 accepted, arrived and completed");

  await pageA.locator(tid("sync-now")).click();
  await waitForOrderStatus(pageA, "completed");
  const deadlines = await pageA.locator(tid("order-deadline")).allTextContents();
  check(
    deadlines.some((d) => /回访/.test(d) && /剩 (1 天|2 天|4[0-7] 小时)/.test(d)),
    `a return visit due in 48 h is shown: ${JSON.stringify(deadlines)}`,
  );
  await pageA.locator(tid("order-satisfaction")).selectOption("4");
  await actOnOrder(pageA, "repair_order.return_visited");
  await waitForOrderStatus(pageA, "return_visited", TIMEOUT.action);
  await actOnOrder(pageA, "repair_order.closed");
  await waitForOrderStatus(pageA, "closed", TIMEOUT.action);
  await waitForPendingZero(pageA);
  step("butler1 recorded the return visit and closed the order");

  const kinds = (await pullAll(server, "supervisor1"))
    .filter((e) => e.record_id === orderId)
    .map((e) => e.kind);
  const expected = [
    "repair_order.created",
    "repair_order.assigned",
    "repair_order.accepted",
    "repair_order.arrived",
    "repair_order.signature_added",
    "repair_order.completed",
    "repair_order.return_visited",
    "repair_order.closed",
  ];
  check(
    JSON.stringify(kinds) === JSON.stringify(expected),
    `the server holds each step once, in order: ${JSON.stringify(kinds)}`,
  );
  const events = (await pullAll(server, "supervisor1")).filter((e) => e.record_id === orderId);
  const created = events.find((e) => e.kind === "repair_order.created");
  const completed = events.find((e) => e.kind === "repair_order.completed");
  check(
    created.payload.quote?.owner_consented === true &&
      completed.payload.charge_cents === created.payload.quote.total_cents &&
      completed.payload.owner_consented === true,
    `quote at intake and charge at completion agree: ${JSON.stringify(created.payload.quote)} / ${JSON.stringify(completed.payload)}`,
  );
  assertNoPageErrors(a);
  assertNoPageErrors(b);
}
