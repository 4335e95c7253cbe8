// (m) Project rules on the device: supervisor1, offline, opens Settings → project rules; a
// mistyped round time and a mistyped span of working hours are refused with what to fix and
// nothing is saved; three rounds a day, a holiday, a 10-minute urgent arrival and no quiet
// hours are saved. Back online they reach the server once; butler1's patrol page asks for
// three rounds a day and an urgent order filed on butler1's device has 10 minutes to arrival.

import {
  TIMEOUT,
  assertNoPageErrors,
  check,
  eventually,
  fileOrder,
  offlineAfterFirstSync,
  RUN,
  go,
  pullAll,
  restartServer,
  screenshot,
  signedInDevice,
  step,
  tempDir,
  tid,
  waitForFirstSync,
  waitForPendingZero,
  syncBar,
} from "../lib.mjs";

export const title = "project rules: a supervisor edits round times, holidays and time limits offline; butlers follow";

export default async function () {
  const dir = await tempDir("m");
  let { server, context: c, page } = await offlineAfterFirstSync(dir, "C supervisor1", "supervisor1");

  await go(page, "/settings");
  await page.locator(tid("settings-project-rules")).click();
  await page.waitForURL((url) => url.pathname === "/settings/project");
  const rounds = page.locator(tid("rules-rounds"));
  await eventually("the project's current round times", async () => {
    const v = await rounds.inputValue();
    check(v === "12:00 18:00", `rounds field shows "${v}"`);
  });

  await rounds.fill("11:00 noon");
  await page.locator(tid("rules-save")).click();
  const error = (await page.locator(tid("rules-error")).textContent()).trim();
  check(error.includes("noon") && error.includes("12:00"), `the refusal says what to fix: ${error}`);
  check((await syncBar(page)).pending === 0, "a refused edit must not be queued");
  step(`mistyped time refused: ${error}`);

  await rounds.fill("11:00 16:00 20:00");
  const hours = page.locator(tid("rules-working-hours"));
  check((await hours.inputValue()) === "08:00-12:00 14:00-18:00", "working hours shown as spans");
  await hours.fill("8-12 14:00-18:00");
  await page.locator(tid("rules-save")).click();
  const spanError = (await page.locator(tid("rules-error")).textContent()).trim();
  check(spanError.includes("8-12") && spanError.includes("08:00-12:00"), `the refusal says what to fix: ${spanError}`);
  check((await syncBar(page)).pending === 0, "a refused edit must not be queued");
  await hours.fill("08:00-12:00 14:00-18:00");
  step(`mistyped working hours refused: ${spanError}`);

  await rounds.fill("11:00 16:00 20:00");
  await page.locator(tid("rules-holidays")).fill("2027-01-01");
  await page.locator(tid("rules-urgent-arrival")).fill("10");
  await page.locator(tid("rules-quiet-hours")).fill("");
  await page.locator(tid("rules-save")).click();
  await page.locator(tid("rules-saved")).waitFor();
  await screenshot(page, "m-project-rules-phone");
  check((await syncBar(page)).pending === 1, "the saved rules wait in the outbox");
  step("three rounds a day, New Year's Day, 10-minute urgent arrival and no quiet hours saved offline");

  server = await restartServer(server);
  await waitForPendingZero(page);
  const mine = (await pullAll(server, "supervisor1")).filter(
    (e) => e.kind === "project_settings.defined" && e.payload.patrol,
  );
  const latest = mine[mine.length - 1];
  check(
    JSON.stringify(latest.payload.patrol.round_deadlines) === JSON.stringify(["11:00:00", "16:00:00", "20:00:00"]) &&
      JSON.stringify(latest.payload.calendar.holidays) === JSON.stringify(["2027-01-01"]) &&
      JSON.stringify(latest.payload.service.urgent_arrival) === JSON.stringify({ amount: 10, unit: "minutes" }) &&
      latest.payload.service.quiet_hours.spans.length === 0,
    `the server holds the new rules: ${JSON.stringify(latest.payload)}`,
  );

  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  await waitForFirstSync(pageA);
  await go(pageA, "/patrol");
  await eventually("three rounds a day on butler1's patrol page", async () => {
    const required = await pageA.locator(tid("patrol-today")).first().getAttribute("data-required");
    check(required === "3", `patrol page asks for ${required} rounds`);
  }, { timeout: TIMEOUT.sync });
  step("butler1's patrol page asks for 3 rounds a day");

  await fileOrder(pageA, { description: `电梯按钮失灵 (e2e m ${RUN})`, urgent: true });
  const arrival = (await pageA.locator(tid("order-deadline")).filter({ hasText: "到场" }).textContent()).trim();
  check(/剩 (9|10) 分/.test(arrival), `urgent arrival by the project's 10 minutes: "${arrival}"`);
  step(`butler1's urgent order: ${arrival}`);

  await page.reload();
  await eventually("the saved rules shown again", async () => {
    const v = await page.locator(tid("rules-rounds")).inputValue();
    check(v === "11:00 16:00 20:00", `rounds field shows "${v}"`);
  });
  assertNoPageErrors(a);
  assertNoPageErrors(c);
}
