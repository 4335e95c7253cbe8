// (n) Checkpoints set up on the device: supervisor1, offline, adds a checkpoint to area A (an
// unprintable code and a code already in use are refused with what to fix, nothing queued),
// moves it one place up the walking order and retires another. Back online the server holds
// exactly those changes; supervisor1 ticks the checklist group 车辆 for the new checkpoint;
// butler1's next round walks the new order without the retired one and at the new
// checkpoint asks its group plus the items no checkpoint checks any more (the retired one's);
// the print page has a QR label for the new checkpoint.

import {
  TIMEOUT,
  assertNoPageErrors,
  check,
  eventually,
  go,
  offlineAfterFirstSync,
  pullAll,
  restartServer,
  screenshot,
  signedInDevice,
  step,
  syncBar,
  tempDir,
  tid,
  waitForFirstSync,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "checkpoints: a supervisor adds, reorders and retires checkpoints offline; rounds and labels follow";

const codesOf = (page, testid) =>
  page.locator(tid(testid)).evaluateAll((rows) => rows.map((r) => r.dataset.code));

export default async function () {
  const dir = await tempDir("n");
  let { server, context: c, page } = await offlineAfterFirstSync(dir, "C supervisor1", "supervisor1");

  await go(page, "/patrol");
  await page.locator(tid("checkpoints-link")).click();
  await page.waitForURL((url) => url.pathname === "/patrol/checkpoints");
  const before = ["CP-A-01", "CP-A-02", "CP-A-03", "CP-A-04", "CP-A-05", "CP-A-06"];
  await eventually("area A's checkpoints in walking order", async () => {
    const codes = await codesOf(page, "checkpoint-row");
    check(JSON.stringify(codes) === JSON.stringify(before), `rows: ${codes}`);
  });

  const add = async (name, code) => {
    await page.locator(tid("checkpoint-name")).fill(name);
    await page.locator(tid("checkpoint-new-code")).fill(code);
    await page.locator(tid("checkpoint-add")).click();
  };
  const refusal = async () => (await page.locator(tid("checkpoint-error")).textContent()).trim();
  await add("7幢大堂", "CP A 07");
  const bad = await refusal();
  check(bad.includes("CP A 07") && bad.includes("CP-A-07"), `an unprintable code is refused with an example: ${bad}`);
  await add("7幢大堂", "cp-a-01");
  await eventually("the taken code refused", async () => {
    const taken = await refusal();
    check(taken.includes("CP-A-01") && !taken.includes("CP A 07"), `a code in use is refused: ${taken}`);
  });
  check((await syncBar(page)).pending === 0, "a refused checkpoint must not be queued");
  step("unprintable and taken codes refused, nothing queued");

  await add("7幢大堂", "cp-a-07");
  await eventually("the new checkpoint at the end", async () => {
    const codes = await codesOf(page, "checkpoint-row");
    check(JSON.stringify(codes) === JSON.stringify([...before, "CP-A-07"]), `rows: ${codes}`);
  });
  await page.locator(`${tid("checkpoint-row")}[data-code="CP-A-07"] button[data-action="up"]`).click();
  const walk = ["CP-A-01", "CP-A-02", "CP-A-03", "CP-A-04", "CP-A-05", "CP-A-07", "CP-A-06"];
  await eventually("CP-A-07 one place up", async () => {
    const codes = await codesOf(page, "checkpoint-row");
    check(JSON.stringify(codes) === JSON.stringify(walk), `rows: ${codes}`);
  });
  const retired = page.locator(`${tid("checkpoint-row")}[data-code="CP-A-06"]`);
  await retired.locator('button[data-action="retire"]').click();
  await retired.locator('button[data-action="retire-confirm"]').click();
  await retired.waitFor({ state: "detached", timeout: TIMEOUT.action });
  await screenshot(page, "n-checkpoints-phone");
  const pending = (await syncBar(page)).pending;
  check(pending === 4, `added (1), two places swapped (2), retired (1) wait in the outbox, not ${pending}`);
  step("CP-A-07 added, moved before CP-A-06, CP-A-06 retired — offline");

  server = await restartServer(server);
  await waitForPendingZero(page);
  const events = (await pullAll(server, "supervisor1")).filter((e) => e.record_type === "checkpoint");
  const latest = new Map();
  for (const e of events) latest.set(e.record_id, e);
  const byCode = new Map([...latest.values()].filter((e) => e.payload.code).map((e) => [e.payload.code, e]));
  const added = events.filter((e) => e.payload.code === "CP-A-07");
  check(added.length === 2 && added[0].payload.order === 7 && added[1].payload.order === 6, `CP-A-07 added at 7, moved to 6: ${JSON.stringify(added.map((e) => e.payload))}`);
  const five = events.filter((e) => e.record_id === byCode.get("CP-A-05")?.record_id);
  check(five.length === 1, "CP-A-05 kept its place (no event written for it)");
  const retiredEvents = events.filter((e) => e.kind === "checkpoint.retired");
  check(retiredEvents.length === 1 && latest.get(retiredEvents[0].record_id).kind === "checkpoint.retired", "exactly one checkpoint retired");
  step("the server holds the addition, the two new places and the retirement once each");

  // The checklist groups checked at CP-A-07: 车辆 ticked (saved with the whole definition).
  const row07 = page.locator(`${tid("checkpoint-row")}[data-code="CP-A-07"]`);
  await row07.locator('button[data-action="groups"]').click();
  await row07.locator(`${tid("checkpoint-group")}[data-group="车辆"]`).click();
  await eventually("CP-A-07 checks 车辆", async () => {
    const text = await row07.locator(tid("checkpoint-groups")).textContent();
    check(text.includes("车辆"), `CP-A-07's groups: ${JSON.stringify(text)}`);
    check(await row07.locator(`${tid("checkpoint-group")}[data-group="车辆"]`).isChecked(), "the box stays ticked");
  });
  await waitForPendingZero(page);
  const def = (await pullAll(server, "supervisor1")).filter((e) => e.record_type === "checkpoint" && e.payload.code === "CP-A-07").pop();
  check(
    def.kind === "checkpoint.defined" && def.payload.name === "7幢大堂" && def.payload.order === 6 && JSON.stringify(def.payload.groups) === '["车辆"]',
    `CP-A-07's definition carries every field: ${JSON.stringify(def.payload)}`,
  );
  step("supervisor1 ticked 车辆 for CP-A-07; the server holds the whole definition");

  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  await waitForFirstSync(pageA);
  await go(pageA, "/patrol");
  await pageA.locator(tid("round-start")).first().click({ timeout: TIMEOUT.sync });
  await pageA.waitForURL((url) => /^\/patrol\/rounds\/[^/]+$/.test(url.pathname));
  await eventually("butler1's round walks the new order", async () => {
    const codes = await codesOf(pageA, "checkpoint");
    check(JSON.stringify(codes) === JSON.stringify(walk.filter((c) => c !== "CP-A-06")), `round checkpoints: ${codes}`);
  });
  step("butler1's round: CP-A-01 … CP-A-05, CP-A-07; CP-A-06 gone");
  // At CP-A-07: its 车辆 item, and the 环境卫生 items of the retired CP-A-06, which no
  // checkpoint checks any more and so are asked everywhere.
  await pageA.locator(tid("checkpoint-code")).fill("CP-A-07");
  await pageA.locator(tid("checkpoint-submit")).click();
  await pageA.locator(`${tid("checkpoint")}[data-code="CP-A-07"][data-scanned="true"]`).waitFor();
  await eventually("CP-A-07's items", async () => {
    const texts = await pageA.locator(`${tid("items-here")} ${tid("item")} .item-text`).allTextContents();
    check(texts.length === 6 && texts.includes("车辆按指定位置停放") && texts.includes("路面清洁，无垃圾、无积水"), `items at CP-A-07: ${JSON.stringify(texts)}`);
  });
  step("at CP-A-07 butler1 is asked 车辆 and the unbound 环境卫生 items");

  await go(page, "/patrol/print");
  await page.locator(`${tid("print-label")}[data-code="CP-A-07"] ${tid("qr")}`).waitFor({ timeout: TIMEOUT.action });
  check((await page.locator(`${tid("print-label")}[data-code="CP-A-06"]`).count()) === 0, "no label for the retired checkpoint");
  step("the print page has CP-A-07's QR label and none for CP-A-06");
  assertNoPageErrors(a);
  assertNoPageErrors(c);
}
