// (h) The daily patrol with the server stopped for the whole round: butler1 starts a round
// from Today (≤ 2 taps), checks in at every checkpoint of area A by typing its code, passes
// the items checked at that checkpoint with one tap each (every item is asked at one
// checkpoint), reloads mid-round (the round survives), fails two items with a photo each
// (≤ 4 taps + typing per finding; a reload in the middle of one brings back its note and
// photo), closes the browser and relaunches it with the server still down (the round goes
// on with every answer), finishes; back online the events and photos
// upload. supervisor1 sees the round and the photos and assigns the findings; tech1
// rectifies one on his phone, supervisor1 the other; butler1's re-check closes the first
// and sends the second back. The compliance view shows what was done. butler1's phone has a
// position (every scan stores it), the typed check-ins seconds apart are flagged too fast,
// each finding's timeline lists every step with its author (and a note added to one), the
// departments are offered from the project's list, and Today counts the round.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  assertNoPageErrors,
  check,
  closeBrowser,
  firstPage,
  launch,
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
} from "../lib.mjs";

export const title = "patrol: offline round with photos, closure loop across three devices, compliance";

/// Counts the butler's taps: every tap of the scenario goes through here.
function tapper(page) {
  const t = {
    count: 0,
    async tap(locator) {
      t.count += 1;
      await locator.click();
    },
    /// A photo taken with the camera: one tap on the picker; a real PNG as the image. Returns
    /// once the photo is saved and shown (a person sees the thumbnail before going on).
    async photo(testid) {
      t.count += 1;
      const before = await page.locator(tid("photo")).count();
      const png = await page.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
      await page.locator(tid(testid)).setInputFiles({ name: `shot-${t.count}.png`, mimeType: "image/png", buffer: png });
      await eventually("the photo saved and shown", async () => {
        const now = await page.locator(tid("photo")).count();
        check(now > before, `${now} photos shown, ${before} before`);
      });
    },
  };
  return t;
}

async function findingStatus(page, status, timeout = TIMEOUT.action) {
  await eventually(
    `finding status ${status}`,
    async () => {
      const shown = await page.locator(tid("finding-status")).getAttribute("data-status");
      check(shown === status, `finding status is ${shown}`);
    },
    { timeout },
  );
}

/// Project-local (UTC+8) wall-clock minutes of a time.
const localMinutes = (ms) => {
  const d = new Date(ms + 8 * 3600_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
const localDate = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

export default async function () {
  const dir = await tempDir("h");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const phone = {
    geolocation: { latitude: 30.2741, longitude: 120.1551, accuracy: 15 },
    permissions: ["geolocation"],
  };
  let { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server, phone);
  await waitForFirstSync(pageA);

  await stopServer(server);
  step("server stopped for the whole round");
  let butler = tapper(pageA);
  await go(pageA, "/");
  await butler.tap(pageA.locator(tid("today-patrol")));
  await butler.tap(pageA.locator(tid("round-start")));
  await pageA.waitForURL((url) => /^\/patrol\/rounds\/[^/]+$/.test(url.pathname));
  check(butler.count <= 2, `a round starts ${butler.count} taps from Today (limit 2)`);
  const roundId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[3]);
  step(`round ${roundId} started in ${butler.count} taps`);
  // The phone knows where it is before the first check-in (a person sees ±15 m first).
  await eventually("position fix shown", async () => {
    const text = await pageA.locator(tid("round-position")).textContent();
    check(text.includes("±15 m"), `position hint ${JSON.stringify(text)}`);
  });

  const codes = await pageA.locator(tid("checkpoint")).evaluateAll((els) => els.map((e) => e.dataset.code));
  check(codes.length === 6, `area A has 6 checkpoints: ${JSON.stringify(codes)}`);
  const items = pageA.locator(tid("item"));
  const itemIds = await items.evaluateAll((els) => els.map((e) => e.dataset.item));
  check(itemIds.length >= 14, `the round asks the checklist: ${itemIds.length} items`);
  const failed = [itemIds[1], itemIds[itemIds.length - 1]];
  // The demo binds every checklist group to a checkpoint: before the first check-in no item
  // is at hand, each checkpoint then shows its own (the rest folded under "other checkpoints").
  check((await pageA.locator(`${tid("items-here")} ${tid("item")}`).count()) === 0, "no items before the first check-in");
  await pageA.locator(tid("items-scan-first")).waitFor();
  const passTaps = [];
  const asked = [];
  let reloaded = false;
  const answeredCount = () => pageA.locator(`${tid("item")}:not([data-verdict="none"])`).count();
  for (const [n, code] of codes.entries()) {
    await pageA.locator(tid("checkpoint-code")).fill(code.toLowerCase());
    await butler.tap(pageA.locator(tid("checkpoint-submit")));
    await pageA.locator(`${tid("checkpoint")}[data-code="${code}"][data-scanned="true"]`).waitFor();
    // The items are answered along the way: at each checkpoint the ones checked there.
    let share = [];
    await eventually(`the items of ${code}`, async () => {
      share = await pageA.locator(`${tid("items-here")} ${tid("item")}[data-verdict="none"]`).evaluateAll((els) => els.map((e) => e.dataset.item));
      check(share.length > 0, `${code} shows no items to check`);
    });
    asked.push(...share);
    for (const id of share) {
      const item = pageA.locator(`${tid("item")}[data-item="${id}"]`);
      if (failed.includes(id)) {
        const before = butler.count;
        await butler.tap(item.locator('button[data-action="fail"]'));
        await pageA.locator(tid("finding-note")).fill(`${id} 不合格：现场有问题 (e2e ${RUN})`);
        if (id === failed[0]) {
          await pageA.locator(tid("finding-building")).fill("2幢");
          await pageA.locator(tid("finding-unit")).fill("1单元");
        }
        await butler.photo("finding-photo");
        await pageA.locator(`${tid("finding-form")} ${tid("photo")}`).waitFor();
        if (id === failed[1]) {
          // A reload (or the app killed) in the middle of a finding brings the form back.
          const hash = await pageA.locator(`${tid("finding-form")} ${tid("photo")}`).getAttribute("data-hash");
          await pageA.reload();
          await pageA.locator(tid("finding-draft-restored")).waitFor({ timeout: TIMEOUT.action });
          const note = await pageA.locator(tid("finding-note")).inputValue();
          check(note === `${id} 不合格：现场有问题 (e2e ${RUN})`, `the note is back after a reload: ${JSON.stringify(note)}`);
          await pageA.locator(`${tid("finding-form")} ${tid("photo")}[data-hash="${hash}"] img`).waitFor();
          step("reloaded in the middle of a finding: note and photo restored");
        }
        await butler.tap(pageA.locator(tid("finding-save")));
        await pageA.locator(`${tid("item")}[data-item="${id}"][data-verdict="fail"]`).waitFor();
        const taps = butler.count - before;
        check(taps <= 4, `a finding with a photo took ${taps} taps (limit 4 plus typing)`);
      } else {
        const before = butler.count;
        await butler.tap(item.locator('button[data-action="pass"]'));
        await pageA.locator(`${tid("item")}[data-item="${id}"][data-verdict="pass"]`).waitFor();
        passTaps.push(butler.count - before);
      }
    }
    if (n === 2 && !reloaded) {
      reloaded = true;
      const answered = await pageA.locator(`${tid("item")}:not([data-verdict="none"])`).count();
      await pageA.reload();
      await pageA.locator(`${tid("checkpoint")}[data-code="${codes[2]}"][data-scanned="true"]`).waitFor({ timeout: TIMEOUT.action });
      const after = await pageA.locator(`${tid("item")}:not([data-verdict="none"])`).count();
      check(after === answered, `after an offline reload mid-round ${after} answers shown, ${answered} given`);
      await pageA.locator(tid("round-position")).waitFor();
      step(`reloaded offline mid-round: ${after} answers kept`);
    }
    if (n === 3) {
      // The phone switched off and on again, the server still down: the round goes on.
      const answered = await answeredCount();
      const count = butler.count;
      await closeBrowser(a);
      a = await launch(path.join(dir, "profile-a"), { name: "A butler1 (restarted)", ...phone });
      pageA = await firstPage(a);
      await go(pageA, `/patrol/rounds/${roundId}`, server.url);
      await pageA.locator(`${tid("checkpoint")}[data-code="${codes[3]}"][data-scanned="true"]`).waitFor({ timeout: TIMEOUT.action });
      const after = await answeredCount();
      check(after === answered, `after an app restart ${after} answers shown, ${answered} given`);
      await pageA.locator(tid("round-position")).waitFor();
      butler = tapper(pageA);
      butler.count = count;
      step(`browser closed and relaunched offline mid-round: ${after} answers kept`);
    }
  }
  check(
    JSON.stringify([...asked].sort()) === JSON.stringify([...itemIds].sort()),
    `each item asked at one checkpoint: ${asked.length} asked of ${itemIds.length}`,
  );
  check(passTaps.every((t) => t === 1), `passing an item takes 1 tap: ${JSON.stringify(passTaps)}`);
  await butler.tap(pageA.locator(tid("round-finish")));
  await pageA.locator(`${tid("round-status")}[data-status="finished"]`).waitFor();
  const finishedAt = Date.now();
  const findingIds = await pageA.locator(tid("item-finding")).evaluateAll((els) => els.map((e) => e.getAttribute("href").split("/").pop()));
  check(findingIds.length === 2, `two findings linked from the round: ${JSON.stringify(findingIds)}`);
  // Typed check-ins seconds apart are faster than anyone walks (MIN_SECONDS_BETWEEN_CHECKPOINTS = 20).
  const flags = await pageA.locator(tid("round-flag")).count();
  check(flags >= 1, `typed check-ins seconds apart are flagged: ${flags} flags`);
  check((await pageA.locator(tid("round-incomplete")).count()) === 0, "a round with everything done is not incomplete");
  const accuracies = await pageA.locator(tid("scan-accuracy")).evaluateAll((els) => els.map((e) => e.dataset.accuracy));
  check(accuracies.length === 6 && accuracies.every((m) => m === "15"), `each check-in shows ±15 m: ${JSON.stringify(accuracies)}`);
  step(`round finished offline: ${itemIds.length} items, 2 findings, ${flags} flags, ${butler.count} taps in all`);

  server = await restartServer(server);
  await waitForPendingZero(pageA);
  for (const id of findingIds) {
    await go(pageA, `/findings/${id}`);
    await eventually(`photo of ${id} uploaded`, async () => {
      const state = await pageA.locator(`${tid("finding-photos")} ${tid("photo")}`).first().getAttribute("data-upload");
      check(state === "uploaded", `photo upload state ${state}`);
    }, { timeout: TIMEOUT.sync });
  }
  step("events and photos uploaded after reconnecting");
  const place = await (async () => {
    await go(pageA, `/findings/${findingIds[0]}`);
    return (await pageA.locator(tid("finding-place")).textContent()).trim();
  })();
  check(place.includes("2幢") && place.includes("1单元"), `the finding shows its building and unit: ${JSON.stringify(place)}`);
  await go(pageA, "/");
  await eventually("Today counts the finished round", async () => {
    const status = pageA.locator(`${tid("today-patrol")} ${tid("today-patrol-status")}`);
    const done = await status.getAttribute("data-done");
    const text = await status.textContent();
    check(done === "1" && text.includes("1 / 2"), `Today shows ${JSON.stringify(text)} (done ${done})`);
  });

  // supervisor1: the round, the photos, and dispatch of both findings.
  const { context: c, page: pageC } = await signedInDevice(dir, "C supervisor1", "supervisor1", server);
  await go(pageC, `/patrol/rounds/${roundId}`);
  await pageC.locator(`${tid("round-status")}[data-status="finished"]`).waitFor({ timeout: TIMEOUT.sync });
  const failsSeen = await pageC.locator(`${tid("item")}[data-verdict="fail"]`).count();
  check(failsSeen === 2, `the supervisor sees 2 failed items, not ${failsSeen}`);
  for (const [n, id] of findingIds.entries()) {
    await go(pageC, `/findings/${id}`);
    const img = pageC.locator(`${tid("finding-photos")} ${tid("photo")} img`).first();
    await img.waitFor({ timeout: TIMEOUT.sync });
    await eventually("the photo shows", async () => {
      const w = await img.evaluate((el) => el.complete && el.naturalWidth);
      check(w > 0, `photo width ${w}`);
    });
    const departments = await pageC.locator(`${tid("finding-departments")} option`).evaluateAll((els) => els.map((e) => e.value));
    check(["工程部", "保洁部", "绿化部", "秩序部", "客服部"].every((d) => departments.includes(d)), `the project's departments offered: ${JSON.stringify(departments)}`);
    await pageC.locator(tid("finding-department")).fill(n === 0 ? "工程部" : "保洁部");
    if (n === 0) {
      await pageC.locator(tid("finding-technician")).selectOption({ label: "陈师傅" });
    }
    await pageC.locator('button[data-action="finding.assigned"]').click();
    await findingStatus(pageC, "assigned");
  }
  await waitForPendingZero(pageC);
  step("supervisor1 saw the round and photos, assigned both findings");

  // tech1 rectifies the first on his phone; supervisor1 the second.
  const { context: b, page: pageB } = await signedInDevice(dir, "B tech1", "tech1", server);
  await go(pageB, "/findings");
  const card = pageB.locator(`${tid("finding-card")}[data-finding-id="${findingIds[0]}"]`);
  await card.waitFor({ timeout: TIMEOUT.sync });
  check((await pageB.locator(tid("finding-card")).count()) === 1, "tech1 sees only the finding assigned to him");
  await card.locator("a").click();
  await findingStatus(pageB, "assigned");
  await tapper(pageB).photo("finding-work-photo");
  await pageB.locator(`${tid("photo")}`).last().waitFor();
  await pageB.locator('button[data-action="finding.rectified"]').click();
  await findingStatus(pageB, "rectified");
  await waitForPendingZero(pageB);
  await tapper(pageC).photo("finding-work-photo");
  await pageC.locator('button[data-action="finding.rectified"]').click();
  await findingStatus(pageC, "rectified");
  await waitForPendingZero(pageC);
  step("tech1 and supervisor1 each rectified one with a photo");

  // butler1 re-checks: the first passes, the second goes back.
  await pageA.locator(tid("sync-now")).click();
  await go(pageA, `/findings/${findingIds[0]}`);
  await findingStatus(pageA, "rectified", TIMEOUT.sync);
  await pageA.locator('button[data-action="finding.recheck_pass"]').click();
  await findingStatus(pageA, "closed");
  await go(pageA, `/findings/${findingIds[1]}`);
  await findingStatus(pageA, "rectified", TIMEOUT.sync);
  await pageA.locator(tid("finding-text")).fill("仍有垃圾未清理");
  await pageA.locator('button[data-action="finding.recheck_fail"]').click();
  await findingStatus(pageA, "assigned");
  await pageA.locator(`${tid("finding-event")}[data-kind="fix_again"]`).waitFor();
  await pageA.locator(tid("finding-text")).fill("已通知保洁部主管");
  await pageA.locator('button[data-action="finding.note_added"]').click();
  await pageA.locator(`${tid("finding-event")}[data-kind="note"]`).waitFor();
  await waitForPendingZero(pageA);
  step("butler1 closed one and sent the other back");

  // One timeline per finding: every step, with who did it.
  const timeline = async (id) => {
    await go(pageA, `/findings/${id}`);
    const entries = pageA.locator(`${tid("finding-history")} ${tid("finding-event")}`);
    await entries.first().waitFor();
    return entries.evaluateAll((els) =>
      els.map((e) => `${e.dataset.kind}:${e.querySelector('[data-testid="finding-event-author"]').textContent.trim()}`),
    );
  };
  const first = await timeline(findingIds[0]);
  const wantFirst = ["reported:张管家", "assigned:李主管", "rectified:陈师傅", "recheck_pass:张管家"];
  check(JSON.stringify(first) === JSON.stringify(wantFirst), `timeline of the first finding ${JSON.stringify(first)}`);
  check((await pageA.locator(`${tid("finding-event")}[data-kind="rectified"] ${tid("photo")}`).count()) === 1, "the rectification shows its photo");
  const second = await timeline(findingIds[1]);
  const wantSecond = ["reported:张管家", "assigned:李主管", "rectified:李主管", "fix_again:张管家", "note:张管家"];
  check(JSON.stringify(second) === JSON.stringify(wantSecond), `timeline of the second finding ${JSON.stringify(second)}`);
  const why = await pageA.locator(`${tid("finding-event")}[data-kind="fix_again"] ${tid("finding-event-text")}`).textContent();
  check(why.includes("仍有垃圾未清理"), `the fix-again reason is in the timeline: ${JSON.stringify(why)}`);
  step("both timelines list every step with its author");

  // Compliance for today, on the supervisor's device.
  await pageC.locator(tid("sync-now")).click();
  await go(pageC, "/patrol/compliance");
  const today = localDate(Date.now());
  await pageC.locator(tid("compliance-from")).fill(today);
  await pageC.locator(tid("compliance-to")).fill(today);
  const now = localMinutes(Date.now());
  const late = localMinutes(finishedAt) > 12 * 60 ? 1 : 0;
  const expectA = { done: 1, late, missed: now > 18 * 60 ? 1 : 0, incomplete: 0 };
  const expectB = { done: 0, late: 0, missed: (now > 12 * 60 ? 1 : 0) + (now > 18 * 60 ? 1 : 0), incomplete: 0 };
  const row = async (kind, name) => {
    const r = pageC.locator(`${tid("compliance-row")}[data-kind="${kind}"][data-name="${name}"]`);
    const get = async (f) => Number(await r.locator(`[data-field="${f}"]`).textContent());
    return { done: await get("done"), late: await get("late"), missed: await get("missed"), incomplete: await get("incomplete") };
  };
  await eventually("compliance numbers", async () => {
    const got = {
      areaA: await row("area", "A区（1–3幢）"),
      areaB: await row("area", "B区（4–6幢）"),
      butler1: await row("butler", "张管家"),
    };
    const want = { areaA: expectA, areaB: expectB, butler1: expectA };
    check(JSON.stringify(got) === JSON.stringify(want), `compliance ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }, { timeout: TIMEOUT.sync });
  step(`compliance today: area A ${JSON.stringify(expectA)}, area B ${JSON.stringify(expectB)}`);

  // The server holds the round once: 1 start, 6 check-ins, every answer, 1 finish.
  const events = await pullAll(server, "supervisor1");
  const round = events.filter((e) => e.record_id === roundId).map((e) => e.kind);
  const count = (k) => round.filter((x) => x === k).length;
  check(count("patrol_round.started") === 1 && count("patrol_round.finished") === 1, `round events ${JSON.stringify(round)}`);
  check(count("patrol_round.checkpoint_scanned") === 6, `6 check-ins stored, not ${count("patrol_round.checkpoint_scanned")}`);
  check(count("patrol_round.item_answered") === itemIds.length, `${itemIds.length} answers stored, not ${count("patrol_round.item_answered")}`);
  const placed = events.filter((e) => e.record_id === roundId && e.kind === "patrol_round.checkpoint_scanned" && e.payload.position?.accuracy_m === 15);
  check(placed.length === 6, `the server holds 6 check-ins with a position, not ${placed.length}`);
  check(placed.every((e) => typeof e.payload.corrected_time === "string"), "check-ins after the first sync carry the server-corrected time");
  const photos = events.filter((e) => findingIds.includes(e.record_id) && e.kind === "finding.reported").map((e) => e.payload.photos.length);
  check(JSON.stringify(photos) === "[1,1]", `each finding holds its photo: ${JSON.stringify(photos)}`);

  // The supervisor edits the checklist: the next round asks the new version.
  await go(pageC, "/patrol/checklist");
  await pageC.locator(tid("checklist-item")).first().waitFor();
  const before = await pageC.locator(tid("checklist-item")).count();
  await pageC.locator(tid("checklist-group")).fill("其他");
  await pageC.locator(tid("checklist-text")).fill(`消防通道畅通 (e2e ${RUN})`);
  await pageC.locator(tid("checklist-add")).click();
  await pageC.locator(`${tid("checklist-item")}:last-child button[data-action="up"]`).click();
  await pageC.locator(tid("checklist-save")).click();
  await pageC.locator(tid("checklist-saved")).waitFor();
  check((await pageC.locator(tid("checklist-version")).textContent()).trim() === "v2", "the checklist is at v2");
  check((await pageC.locator(tid("checklist-item")).count()) === before + 1, "one item more");
  await waitForPendingZero(pageC);
  await pageA.locator(tid("sync-now")).click();
  await eventually("butler1 has v2", async () => {
    await go(pageA, "/patrol");
    await pageA.locator(tid("round-start")).first().click();
    await pageA.waitForURL((url) => /^\/patrol\/rounds\/[^/]+$/.test(url.pathname));
    const texts = await pageA.locator(tid("item")).allTextContents();
    const has = texts.some((t) => t.includes(`消防通道畅通 (e2e ${RUN})`));
    // Finishing with nothing done asks for a second tap and says what is left out.
    await pageA.locator(tid("round-finish")).click();
    const confirm = (await pageA.locator(tid("round-finish-confirm")).textContent()).trim();
    check(confirm.includes("6 个巡查点未打卡"), `finish asks again: ${JSON.stringify(confirm)}`);
    check((await pageA.locator(tid("round-status")).getAttribute("data-status")) === "in_progress", "one tap did not finish it");
    await pageA.locator(tid("round-abandon-reason")).fill(has ? "演示新版本" : "还没有新版本");
    await pageA.locator(tid("round-abandon")).click();
    await pageA.locator(`${tid("round-status")}[data-status="abandoned"]`).waitFor();
    check(has, "the new round asks the new item");
  }, { timeout: TIMEOUT.sync });
  step("checklist v2 saved by supervisor1; butler1's next round asks the new item");

  assertNoPageErrors(a);
  assertNoPageErrors(b);
  assertNoPageErrors(c);
}
