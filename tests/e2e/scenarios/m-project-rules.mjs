// (m) Project rules on the device: supervisor1, offline, opens Settings → project rules; a
// mistyped round time is refused with what to fix and nothing is saved; three rounds a day
// and a holiday are saved. Back online they reach the server once, and butler1's patrol page
// asks for three rounds a day.

import path from "node:path";
import {
  TIMEOUT,
  assertNoPageErrors,
  check,
  eventually,
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
  waitForPendingZero,
  syncBar,
} from "../lib.mjs";

export const title = "project rules: a supervisor edits round times and holidays offline; butlers follow";

export default async function () {
  const dir = await tempDir("m");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const { context: c, page } = await signedInDevice(dir, "C supervisor1", "supervisor1", server);
  await waitForFirstSync(page);
  await stopServer(server);

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
  await page.locator(tid("rules-holidays")).fill("2027-01-01");
  await page.locator(tid("rules-save")).click();
  await page.locator(tid("rules-saved")).waitFor();
  check((await syncBar(page)).pending === 1, "the saved rules wait in the outbox");
  step("three rounds a day and New Year's Day saved offline");

  server = await restartServer(server);
  await waitForPendingZero(page);
  const mine = (await pullAll(server, "supervisor1")).filter(
    (e) => e.kind === "project_settings.defined" && e.payload.patrol,
  );
  const latest = mine[mine.length - 1];
  check(
    JSON.stringify(latest.payload.patrol.round_deadlines) === JSON.stringify(["11:00:00", "16:00:00", "20:00:00"]) &&
      JSON.stringify(latest.payload.calendar.holidays) === JSON.stringify(["2027-01-01"]),
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

  await page.reload();
  await eventually("the saved rules shown again", async () => {
    const v = await page.locator(tid("rules-rounds")).inputValue();
    check(v === "11:00 16:00 20:00", `rounds field shows "${v}"`);
  });
  assertNoPageErrors(a);
  assertNoPageErrors(c);
}
