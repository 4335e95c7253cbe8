// (l) The defect-closure loop through a repair order: butler1 turns a patrol finding (with a
// photo) into a repair order — the order carries the photo and links back, the finding links
// to the order — and dispatches it to tech1; tech1 — who now has the finding too — takes the
// after photo and completes the order offline; the completion rectifies the finding with that
// photo. butler1 (not the fixer) re-checks it and it closes.

import { createHash } from "node:crypto";
import path from "node:path";
import {
  RUN,
  TIMEOUT,
  actOnOrder,
  apiLogin,
  refuseSignature,
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

export const title = "closure loop via a repair order: the technician's completion rectifies the finding";

async function findingStatus(page) {
  return page.locator(tid("finding-status")).getAttribute("data-status");
}

export default async function () {
  const dir = await tempDir("l");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const note = `2 幢单元门闭门器漏油 (e2e ${RUN})`;
  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  // A finding as a patrol round reports it, with its photo already on the server.
  const png = await pageA.screenshot({ clip: { x: 0, y: 0, width: 200, height: 150 } });
  const photoHash = createHash("sha256").update(png).digest("hex");
  const { token } = await apiLogin(server, "butler1");
  const put = await fetch(`${server.url}/api/v1/blobs/${photoHash}`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body: png });
  check(put.ok, `photo uploaded: HTTP ${put.status}`);
  const finding = {
    id: await pushNewRecord(server, "butler1", {
      record_type: "finding",
      kind: "finding.reported",
      payload: { note, severity: "major", building: "2幢", photos: [photoHash] },
    }),
  };
  await waitForFirstSync(pageA);
  await pageA.locator(tid("sync-now")).click();
  await go(pageA, `/findings/${finding.id}`);
  await eventually("the finding on butler1's tablet", async () => check((await findingStatus(pageA)) === "reported", "not shown yet"), { timeout: TIMEOUT.sync });
  await pageA.locator('button[data-action="finding.to_order"]').click();
  await pageA.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname));
  const orderId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[2]);
  await waitForOrderStatus(pageA, "created", TIMEOUT.action);
  // The order carries the finding's photo and links back; the finding links to the order.
  const img = pageA.locator(`${tid("order-photos")} ${tid("photo")}[data-hash="${photoHash}"] img`);
  await img.waitFor({ timeout: TIMEOUT.action });
  await eventually("the finding's photo shows on the order", async () => {
    check((await img.evaluate((el) => el.complete && el.naturalWidth)) > 0, "photo not loaded");
  });
  const back = await pageA.locator(tid("order-finding-link")).getAttribute("href");
  check(back === `/findings/${finding.id}`, `the order links back to its finding: ${back}`);
  await go(pageA, `/findings/${finding.id}`);
  const forth = await pageA.locator(tid("finding-order")).getAttribute("href");
  check(forth === `/orders/${orderId}`, `the finding links to its order: ${forth}`);
  await go(pageA, `/orders/${orderId}`);
  await waitForOrderStatus(pageA, "created", TIMEOUT.action);
  await assignOrder(pageA, "陈师傅");
  await waitForPendingZero(pageA);
  step("finding turned into an order and dispatched to tech1");

  const { context: b, page: pageB } = await signedInDevice(dir, "B tech1", "tech1", server);
  await go(pageB, `/orders/${orderId}`);
  await waitForOrderStatus(pageB, "assigned");
  await actOnOrder(pageB, "repair_order.accepted");
  await waitForOrderStatus(pageB, "accepted", TIMEOUT.action);
  await actOnOrder(pageB, "repair_order.arrived");
  await waitForOrderStatus(pageB, "arrived", TIMEOUT.action);
  // The finding reached the technician's phone with the order.
  await waitForPendingZero(pageB);
  const techEvents = await pullAll(server, "tech1");
  check(
    techEvents.some((e) => e.record_id === finding.id && e.kind === "finding.reported"),
    "tech1 was not given the finding the order was made from",
  );

  await stopServer(server);
  await pageB.locator(tid("order-needs-after-photo")).waitFor({ timeout: TIMEOUT.action });
  const shot = await pageB.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
  await pageB.locator(tid("order-photo-after")).setInputFiles({ name: "after.png", mimeType: "image/png", buffer: shot });
  const after = pageB.locator(`${tid("photo")}[data-upload="pending"]`).last();
  await after.waitFor({ timeout: TIMEOUT.action });
  const afterHash = await after.getAttribute("data-hash");
  await pageB.locator(tid("order-needs-after-photo")).waitFor({ state: "detached", timeout: TIMEOUT.action });
  step("tech1 was told the finding needs an after photo, until one was added");
  await pageB.locator(tid("work-labour")).fill("30");
  await refuseSignature(pageB, "公共区域，无业主签名");
  await pageB.locator(tid("order-note")).fill("更换闭门器");
  await actOnOrder(pageB, "repair_order.completed");
  await waitForOrderStatus(pageB, "completed", TIMEOUT.action);
  step("tech1 completed offline with an after photo");

  server = await restartServer(server);
  await waitForPendingZero(pageB);
  await go(pageA, `/findings/${finding.id}`);
  await eventually("the finding rectified on butler1's tablet", async () => {
    check((await findingStatus(pageA)) === "rectified", `finding is ${await findingStatus(pageA)}`);
  }, { timeout: TIMEOUT.sync });
  check(
    (await pageA.locator(`${tid("photo")}[data-hash="${afterHash}"]`).count()) > 0,
    "the finding should show the order's after photo as its rectification",
  );
  await pageA.locator('button[data-action="finding.recheck_pass"]').click();
  await eventually("closed", async () => check((await findingStatus(pageA)) === "closed", `finding is ${await findingStatus(pageA)}`));
  await waitForPendingZero(pageA);
  step("butler1 re-checked it: closed");

  const events = (await pullAll(server, "supervisor1")).filter((e) => e.record_id === finding.id);
  const kinds = events.map((e) => e.kind);
  check(
    JSON.stringify(kinds) === JSON.stringify(["finding.reported", "finding.assigned", "finding.rectified", "finding.rechecked"]),
    `the finding's history on the server: ${JSON.stringify(kinds)}`,
  );
  const fix = events[2];
  check(fix.payload.photo === afterHash && fix.payload.note === "更换闭门器", `rectification: ${JSON.stringify(fix.payload)}`);
  const orderEvents = (await pullAll(server, "supervisor1")).filter((e) => e.record_id === orderId);
  const carried = orderEvents.filter((e) => e.kind === "repair_order.photo_added" && e.payload.caption === "finding");
  check(carried.length === 1 && carried[0].payload.sha256 === photoHash, `the order holds the finding's photo once: ${JSON.stringify(carried.map((e) => e.payload))}`);
  const completed = orderEvents.find((e) => e.kind === "repair_order.completed");
  check(completed && fix.actor === completed.actor, "the rectification is tech1's, with the completion");
  assertNoPageErrors(a);
  assertNoPageErrors(b);
}
