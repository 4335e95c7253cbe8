// (i) An owner's call to a signed completion and a return visit across three devices, each
// offline part of the time: butler1 takes the call offline (household found by 1-1-101),
// dispatches once back, notes the call to the owner and sets the agreed appointment (the
// arrival deadline); tech1 accepts, is on the way and arrives, then completes with the
// server down (labour, a priced item with the owner's consent, the owner's signature on the pad);
// butler1 sees the charge, calls back (dissatisfied) and registers a complaint linked to the
// order. supervisor1, offline, finds in the escalation view an order whose arrival is already
// overdue (and a late complaint reply) and dispatches it. The server holds every step once.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  actOnOrder,
  apiLogin,
  assertNoPageErrors,
  assignOrder,
  check,
  eventually,
  freePort,
  go,
  pullAll,
  pushNewRecord,
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

export const title = "repair order across three devices: household intake, signed completion offline, dissatisfied visit → complaint, escalation";

/// An order butler1 took 2 hours ago (pushed straight to the API with that time), never
/// dispatched: its arrival is overdue.
async function seedOverdueOrder(server, text) {
  return pushNewRecord(server, "butler1", {
    record_type: "repair_order",
    kind: "repair_order.created",
    payload: { description: text, request_kind: "repair", urgent: false },
    ms: Date.now() - 2 * 3600_000,
  });
}

export default async function () {
  const dir = await tempDir("i");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const fault = `厨房水龙头漏水 (e2e ${RUN})`;

  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  await waitForFirstSync(pageA);

  // The call, taken offline: the household by building-unit-room.
  await stopServer(server);
  await go(pageA, "/orders/new");
  await pageA.locator(tid("order-household-search")).fill("1-1-101");
  await pageA.locator(tid("order-household")).first().click();
  const picked = (await pageA.locator(tid("order-household-picked")).textContent()).trim();
  check(picked === "1幢1单元101", `household picked: ${picked}`);
  const reporter = await pageA.locator(tid("order-reporter")).inputValue();
  check(reporter.length > 0, "the owner's name is filled in from the registry");
  await pageA.locator(tid("order-description")).fill(fault);
  await pageA.locator(tid("order-category")).selectOption({ index: 1 });
  const shot = await pageA.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
  await pageA.locator(tid("order-intake-photo")).setInputFiles({ name: "leak.png", mimeType: "image/png", buffer: shot });
  await pageA.locator(`form ${tid("photo")} img`).waitFor();
  await pageA.locator(tid("order-submit")).click();
  await pageA.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
  const orderId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[2]);
  await waitForOrderStatus(pageA, "created", TIMEOUT.action);
  const first = (await pageA.locator(tid("order-deadline")).filter({ hasText: "首次响应" }).textContent()).trim();
  check(/剩 [0-5] 分/.test(first), `the 5-minute first answer runs: "${first}"`);
  step(`offline intake for ${picked}: ${first}`);

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  await assignOrder(pageA, "陈师傅");
  // The butler phones the owner and agrees a time for tomorrow (project-local, UTC+8): a
  // note and the appointment, which then is the arrival deadline.
  const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86400_000).toISOString().slice(0, 10);
  await pageA.locator(tid("order-note")).fill("已致电业主，约明早十点上门");
  await actOnOrder(pageA, "repair_order.note_added");
  await pageA.locator(tid("order-note-entry")).filter({ hasText: "约明早十点" }).waitFor();
  await pageA.locator(tid("order-set-appointment")).fill(`${tomorrow}T10:00`);
  await actOnOrder(pageA, "repair_order.updated");
  const agreed = `${tomorrow.slice(5)} 10:00`;
  await pageA.locator(tid("order-appointment-shown")).filter({ hasText: agreed }).waitFor();
  const arrivalRow = (await pageA.locator(tid("order-deadline")).filter({ hasText: "到场" }).textContent()).trim();
  check(arrivalRow.includes(agreed), `the arrival deadline is the appointment ${agreed}: "${arrivalRow}"`);
  await waitForPendingZero(pageA);
  const overdueId = await seedOverdueOrder(server, `2 小时前的报修，未派单 (e2e ${RUN})`);
  // A complaint registered 8 days ago and never answered: its 4-working-day reply is late.
  const lateComplaintId = await pushNewRecord(server, "butler1", {
    record_type: "complaint",
    kind: "complaint.registered",
    payload: { description: `8 天前的投诉，未答复 (e2e ${RUN})` },
    ms: Date.now() - 8 * 86400_000,
  });
  step("dispatched to tech1; an undispatched order from 2 hours ago pushed by API");

  // tech1: accept and arrive online, complete with the server down.
  // tech1's phone allows its position: the arrival carries it.
  const { context: b, page: pageB } = await signedInDevice(dir, "B tech1", "tech1", server, {
    geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 15 },
    permissions: ["geolocation"],
  });
  await go(pageB, `/orders/${orderId}`);
  await waitForOrderStatus(pageB, "assigned");
  await actOnOrder(pageB, "repair_order.accepted");
  await waitForOrderStatus(pageB, "accepted", TIMEOUT.action);
  await actOnOrder(pageB, "repair_order.on_the_way");
  await waitForOrderStatus(pageB, "on_the_way", TIMEOUT.action);
  await pageB.locator(`${tid("order-position")}[data-fix="true"]`).waitFor();
  await actOnOrder(pageB, "repair_order.arrived");
  await waitForOrderStatus(pageB, "arrived", TIMEOUT.action);
  await pageB.locator(tid("order-arrival-position")).filter({ hasText: "±15 m" }).waitFor();
  await waitForPendingZero(pageB);
  await stopServer(server);
  await pageB.locator(tid("work-labour")).fill("45");
  await pageB.locator(tid("work-price-item")).selectOption({ index: 1 });
  await pageB.locator(tid("work-add-item")).click();
  const charge = (await pageB.locator(tid("work-charge")).textContent()).trim();
  // The owner signs on the phone.
  await pageB.locator(tid("signature-canvas")).scrollIntoViewIfNeeded();
  const pad = await pageB.locator(tid("signature-canvas")).boundingBox();
  await pageB.mouse.move(pad.x + 20, pad.y + pad.height / 2);
  await pageB.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await pageB.mouse.move(pad.x + 20 + i * 25, pad.y + pad.height / 2 + (i % 2 ? -20 : 20));
  }
  await pageB.mouse.up();
  await pageB.locator(tid("signature-confirm")).click();
  await pageB.locator(`${tid("order-signature")} ${tid("photo")}[data-upload="pending"] img`).waitFor();
  await actOnOrder(pageB, "repair_order.completed");
  await pageB.locator('[role="alert"]').filter({ hasText: "同意" }).waitFor();
  await pageB.locator(tid("work-consent")).check();
  await pageB.locator(tid("order-note")).fill("更换水龙头阀芯");
  await actOnOrder(pageB, "repair_order.completed");
  await waitForOrderStatus(pageB, "completed", TIMEOUT.action);
  step(`tech1 completed offline: 45 min, ${charge} with consent (refused without it first)`);

  server = await restartServer(server);
  await waitForPendingZero(pageB);

  // butler1: the charge, the return visit (dissatisfied) and a complaint from it.
  await pageA.locator(tid("sync-now")).click();
  await waitForOrderStatus(pageA, "completed");
  const shown = (await pageA.locator(tid("order-charge")).textContent()).trim();
  const signature = pageA.locator(`${tid("order-signature")} ${tid("photo")} img`);
  await signature.waitFor({ timeout: TIMEOUT.sync });
  await eventually("the signature shows on the butler's device", async () => {
    check(await signature.evaluate((el) => el.complete && el.naturalWidth > 0), "signature image not loaded");
  });
  check(charge.endsWith(shown), `the butler sees the charge ${shown} (${charge})`);
  await pageA.locator(tid("order-satisfaction")).selectOption("2");
  await pageA.locator(tid("order-note")).fill("业主认为仍有渗水");
  await actOnOrder(pageA, "repair_order.return_visited");
  await waitForOrderStatus(pageA, "return_visited", TIMEOUT.action);
  await pageA.locator(tid("order-to-complaint")).click();
  await pageA.locator(tid("complaint-order")).waitFor();
  await pageA.locator(tid("complaint-description")).fill(`维修后仍渗水 (e2e ${RUN})`);
  await pageA.locator(tid("complaint-submit")).click();
  await pageA.locator(`${tid("complaint-status")}[data-status="registered"]`).waitFor();
  const complaintId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[2]);
  const due = (await pageA.locator(tid("complaint-due")).textContent()).trim();
  check(/答复期限/.test(due) && /剩 [1-9]/.test(due), `the 4-working-day reply deadline runs: "${due}"`);
  await waitForPendingZero(pageA);
  await go(pageA, `/orders/${orderId}`);
  await pageA.locator(`${tid("order-complaint-link")}[href="/complaints/${complaintId}"]`).waitFor();
  step(`dissatisfied return visit → complaint ${complaintId} (${due}), linked both ways`);

  // supervisor1, on a night round with no signal: the escalation view lists the overdue
  // order; dispatch it from there, offline.
  const { context: c, page: pageC } = await signedInDevice(dir, "C supervisor1", "supervisor1", server);
  await waitForFirstSync(pageC);
  await stopServer(server);
  await go(pageC, "/orders");
  await pageC.locator('button[data-filter="escalate"]').click();
  const late = pageC.locator(`${tid("order-card")}[data-order-id="${overdueId}"]`);
  await late.waitFor({ timeout: TIMEOUT.sync });
  const urgency = await late.locator(tid("order-countdown")).getAttribute("data-urgency");
  check(urgency === "overdue", `the 2-hour-old order is shown overdue, not ${urgency}`);
  // The area filter: the order is listed under its own area only.
  const areaFilter = pageC.locator(tid("order-area-filter"));
  const areaIds = (await areaFilter.locator("option").evaluateAll((os) => os.map((o) => o.value))).filter(Boolean);
  check(areaIds.length >= 2, `supervisor1 should choose among areas, has ${areaIds.length}`);
  const listedIn = [];
  for (const id of areaIds) {
    await areaFilter.selectOption(id);
    await pageC.waitForFunction((v) => document.querySelector('[data-testid="order-area-filter"]').value === v, id);
    if ((await late.count()) > 0) listedIn.push(id);
  }
  check(listedIn.length === 1, `the overdue order is listed under ${listedIn.length} areas, not 1`);
  await areaFilter.selectOption(listedIn[0]);
  // The late complaint reply is pointed at from the same view.
  await pageC.locator(tid("escalate-complaints")).click();
  await pageC.locator(`${tid("complaint-card")}[data-complaint-id="${lateComplaintId}"]`).waitFor();
  check(
    (await pageC.locator('button[data-filter="escalate"][aria-pressed="true"]').count()) === 1,
    "the complaints list opens on its escalation filter",
  );
  await pageC.goBack();
  await pageC.locator('button[data-filter="escalate"]').click();
  await late.locator("a").click();
  await assignOrder(pageC, "陈师傅");
  server = await restartServer(server);
  await waitForPendingZero(pageC);
  step("supervisor1 (offline) escalated (listed under its own area only; the late complaint reply pointed at) and dispatched the overdue order");

  const events = await pullAll(server, "supervisor1");
  const kinds = events.filter((e) => e.record_id === orderId).map((e) => e.kind);
  const expected = [
    "repair_order.created",
    "repair_order.photo_added",
    "repair_order.assigned",
    "repair_order.note_added",
    "repair_order.updated",
    "repair_order.accepted",
    "repair_order.on_the_way",
    "repair_order.arrived",
    "repair_order.signature_added",
    "repair_order.completed",
    "repair_order.return_visited",
  ];
  check(JSON.stringify(kinds) === JSON.stringify(expected), `the order's steps, once each: ${JSON.stringify(kinds)}`);
  const arrivedAt = events.find((e) => e.record_id === orderId && e.kind === "repair_order.arrived");
  check(Math.abs(arrivedAt.payload.position?.lat - 31.2304) < 0.001, `the arrival carries the phone's position: ${JSON.stringify(arrivedAt.payload)}`);
  const done = events.find((e) => e.record_id === orderId && e.kind === "repair_order.completed");
  check(done.payload.labour_minutes === 45 && done.payload.owner_consented === true && done.payload.charge_cents > 0,
    `completion stored with labour, charge and consent: ${JSON.stringify(done.payload)}`);
  const complaint = events.find((e) => e.record_id === complaintId && e.kind === "complaint.registered");
  check(complaint?.payload.repair_order_id === orderId, "the complaint links the order");
  const signed = events.find((e) => e.record_id === orderId && e.kind === "repair_order.signature_added");
  const blob = await fetch(`${server.url}/api/v1/blobs/${signed.payload.sha256}`, {
    headers: { authorization: `Bearer ${(await apiLogin(server, "supervisor1")).token}` },
  });
  check(blob.ok, `the signature image is on the server: HTTP ${blob.status}`);
  assertNoPageErrors(a);
  assertNoPageErrors(b);
  assertNoPageErrors(c);
}
