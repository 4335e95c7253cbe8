// (p) A double tap records one thing. A double click on 登记报修 used to file two orders with
// different ids, and both reached the server; every submit is now disabled while its commit
// is pending, and a second tap meanwhile records nothing. Also a double click on a duty-log
// entry's 添加 and on an order step (a note): one entry, one note.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  assertNoPageErrors,
  check,
  freePort,
  go,
  openPost,
  pullAll,
  signedInDevice,
  startServer,
  step,
  tempDir,
  tid,
  waitForFirstSync,
  waitForOrderStatus,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "double tap: a double-clicked submit records exactly one order, entry and note";

export default async function () {
  const dir = await tempDir("p");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const { context, page } = await signedInDevice(dir, "A butler1", "butler1", server);
  await waitForFirstSync(page);

  const fault = `双击登记报修 (e2e ${RUN})`;
  await go(page, "/orders/new");
  await page.locator(tid("order-description")).fill(fault);
  await page.locator(tid("order-category")).selectOption({ label: "其他简单维修" });
  await page.locator(tid("order-submit")).dblclick();
  await page.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
  await waitForOrderStatus(page, "created", TIMEOUT.action);
  step("intake submit double-clicked");

  const note = `双击备注 (e2e ${RUN})`;
  await page.locator(tid("order-note")).fill(note);
  await page.locator('button[data-action="repair_order.note_added"]').dblclick();
  await page.locator(tid("order-note-entry")).filter({ hasText: note }).first().waitFor({ timeout: TIMEOUT.action });
  step("order note double-clicked");

  const entry = `双击值班记录 (e2e ${RUN})`;
  await openPost(page, "东门岗");
  await page.locator(tid("duty-text")).fill(entry);
  await page.locator(tid("duty-add")).dblclick();
  await page.locator(tid("duty-entry")).filter({ hasText: entry }).first().waitFor({ timeout: TIMEOUT.action });
  step("duty-log add double-clicked");

  await waitForPendingZero(page);
  const events = await pullAll(server, "butler1");
  const orders = events.filter((e) => e.kind === "repair_order.created" && e.payload.description === fault);
  check(orders.length === 1, `one order reaches the server, not ${orders.length}`);
  const notes = events.filter((e) => e.kind === "repair_order.note_added" && e.payload.text === note);
  check(notes.length === 1, `one note reaches the server, not ${notes.length}`);
  const entries = events.filter((e) => e.kind === "duty_log.entry_added" && e.payload.text === entry);
  check(entries.length === 1, `one duty-log entry reaches the server, not ${entries.length}`);
  // The device shows one of each too.
  await go(page, `/orders/${orders[0].record_id}`);
  await page.locator(tid("order-note-entry")).filter({ hasText: note }).first().waitFor({ timeout: TIMEOUT.action });
  check((await page.locator(tid("order-note-entry")).filter({ hasText: note }).count()) === 1, "one note on the device");
  step("the server and the device hold one order, one note, one entry");
  assertNoPageErrors(context);
}
