// (o) The household registry and its tags: butler2's round in area B asks no renovation items
// (the demo's renovating units are all in area A). supervisor1, offline, finds 4幢1单元101 by
// building-unit-room from Today and tags it as under renovation (one event queued); back online
// the server holds that definition once, with the household's other fields unchanged.
// butler2 then sees the tag on the household page, without the toggles, and a new round in
// area B asks the renovation items. butler1 finds a household by owner name and by phone,
// sees no toggles either, and the household page lists the order and the complaint filed for it.

import {
  TIMEOUT,
  assertNoPageErrors,
  check,
  eventually,
  freePort,
  go,
  pullAll,
  restartServer,
  screenshot,
  signedInDevice,
  startServer,
  step,
  stopServer,
  syncBar,
  tempDir,
  tid,
  waitForFirstSync,
  waitForPendingZero,
} from "../lib.mjs";
import path from "node:path";

export const title = "households: search by room, owner and phone; a supervisor tags a unit offline and area B's rounds ask the renovation items";
export const timeout = 300_000 * (Number(process.env.GUANJIA_E2E_TIMEOUT_SCALE) || 1);

const RENOVATION = "装修";

/// Starts a round in the person's (only) area and returns the items it asks (`[id, text]`);
/// the round is abandoned again, so the next start is a new round.
async function roundItems(page, reason) {
  await go(page, "/patrol");
  await page.locator(tid("round-start")).first().click({ timeout: TIMEOUT.sync });
  await page.waitForURL((url) => /^\/patrol\/rounds\/[^/]+$/.test(url.pathname));
  // Items of other checkpoints may sit in a closed <details>: present, not necessarily visible.
  await page.locator(tid("item")).first().waitFor({ state: "attached", timeout: TIMEOUT.action });
  const items = await page.locator(tid("item")).evaluateAll((els) => els.map((e) => [e.dataset.item, e.textContent]));
  await page.locator(tid("round-abandon-reason")).fill(reason);
  await page.locator(tid("round-abandon")).click();
  await page.locator(`${tid("round-status")}[data-status="abandoned"]`).waitFor({ timeout: TIMEOUT.action });
  return items;
}

/// Types `query` into the registry's search and returns the cards' household names.
async function search(page, query) {
  await page.locator(tid("household-search")).fill(query);
  return page.locator(`${tid("household-card")} .household-name`).allTextContents();
}

export default async function () {
  const dir = await tempDir("o");
  let server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });

  // Before: area B has no renovating unit, so its rounds skip the renovation items.
  const { context: b, page: pageB } = await signedInDevice(dir, "B butler2", "butler2", server);
  await waitForFirstSync(pageB);
  const before = await roundItems(pageB, "演示：装修项之前");
  check(before.length >= 10, `butler2's round asks the checklist: ${before.length} items`);
  check(!before.some(([, t]) => t.includes(RENOVATION)), `no renovation item in area B yet: ${JSON.stringify(before)}`);
  step(`butler2's round in area B: ${before.length} items, none about renovation`);

  // supervisor1 offline: from Today to the household, tagged as renovating.
  const { context: c, page } = await signedInDevice(dir, "C supervisor1", "supervisor1", server);
  await waitForFirstSync(page);
  await stopServer(server);
  await go(page, "/");
  await page.locator(tid("today-households")).click();
  await page.waitForURL((url) => url.pathname === "/households");
  await eventually("4-1-101 found", async () => {
    const names = await search(page, "4-1-101");
    check(JSON.stringify(names) === JSON.stringify(["4幢1单元101"]), `cards: ${JSON.stringify(names)}`);
  });
  await page.locator(`${tid("household-card")} a`).first().click();
  await page.waitForURL((url) => /^\/households\/[^/]+$/.test(url.pathname));
  const householdId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
  check((await page.locator(tid("household-title")).textContent()).trim() === "4幢1单元101", "the household page");
  check((await page.locator(tid("household-tag")).count()) === 0, "4幢1单元101 starts without tags");
  check((await page.locator(tid("household-tag-toggle")).count()) === 5, "supervisors toggle the five tags");
  const owner = (await page.locator(tid("household-owner")).textContent()).trim();
  // Owners' phones are confidential: masked until tapped (one tap shows it whole).
  const masked = page.locator(`${tid("household-phone")} [data-masked="true"]`);
  check(/^\d{3}\*+\d{4}$/.test((await masked.textContent()).trim()), "the phone shows masked first");
  await masked.click();
  const phone = (await page.locator(`${tid("household-phone")} [data-masked="false"]`).textContent()).trim();
  check(/^\d{11}$/.test(phone), `one tap shows the whole phone: ${phone}`);
  await page.locator(`${tid("household-tag-toggle")}[data-tag="renovating"]`).click();
  await page.locator(`${tid("household-tag-toggle")}[data-tag="renovating"][aria-pressed="true"]`).waitFor({ timeout: TIMEOUT.action });
  await page.locator(`${tid("household-tags")} ${tid("household-tag")}[data-tag="renovating"]`).waitFor({ timeout: TIMEOUT.action });
  await screenshot(page, "o-household-phone");
  await eventually("one event pending", async () => {
    const pending = (await syncBar(page)).pending;
    check(pending === 1, `one household.defined waits in the outbox, not ${pending}`);
  });
  step(`supervisor1 offline: 4幢1单元101 (${owner}, ${phone}) tagged renovating, 1 pending`);

  server = await restartServer(server);
  await waitForPendingZero(page);
  const defs = (await pullAll(server, "supervisor1")).filter((e) => e.record_id === householdId);
  const mine = defs.filter((e) => e.kind === "household.defined" && e.payload.tags?.includes("renovating"));
  check(defs.length === 2 && mine.length === 1, `the seed and one tagging: ${JSON.stringify(defs.map((e) => [e.kind, e.payload.tags]))}`);
  const [seed, tagged] = defs;
  check(JSON.stringify(tagged.payload.tags) === '["renovating"]', `tags ${JSON.stringify(tagged.payload.tags)}`);
  for (const field of ["name", "building", "unit", "floor", "room", "owner_name", "phone"]) {
    check(JSON.stringify(tagged.payload[field]) === JSON.stringify(seed.payload[field]), `${field} kept: ${JSON.stringify(tagged.payload[field])}`);
  }
  step("the server holds the tagging once, with every other field as it was");

  // butler2 sees the tag, no toggles, and the renovation items in a new round.
  await pageB.locator(tid("sync-now")).click();
  await eventually("butler2 has the tag", async () => {
    await go(pageB, `/households/${householdId}`);
    await pageB.locator(`${tid("household-tag")}[data-tag="renovating"]`).waitFor({ timeout: 2_000 });
  }, { timeout: TIMEOUT.sync });
  check((await pageB.locator(tid("household-tag-toggle")).count()) === 0, "butlers see the tags, not the toggles");
  const after = await roundItems(pageB, "演示：装修项之后");
  const asked = new Set(before.map(([id]) => id));
  const added = after.filter(([id]) => !asked.has(id));
  // 装修手续、出入证齐全有效 · 无违章搭建、无封阳台… · 装修垃圾不堵路、不过夜
  check(added.length === 3 && after.length === before.length + 3, `area B's new round asks 3 items more: ${JSON.stringify(added)}`);
  check(added[0][1].includes("装修手续") && added[2][1].includes("装修垃圾"), `the 3 renovation items: ${JSON.stringify(added)}`);
  check(added.every(([, t]) => t.includes("装修户：4幢1单元101")), `each renovation item names the renovating unit: ${JSON.stringify(added)}`);
  step("butler2: 装修户 on 4幢1单元101, no toggles; the new round asks the 3 renovation items");

  // butler1: by owner name and by phone; the household's order and complaint.
  const { context: a, page: pageA } = await signedInDevice(dir, "A butler1", "butler1", server);
  await waitForFirstSync(pageA);
  await go(pageA, "/households");
  await eventually("the owner 李强 found", async () => {
    const names = await search(pageA, "李强");
    check(names.includes("1幢1单元101") && names.length >= 1 && names.length < 10, `cards: ${JSON.stringify(names)}`);
  });
  const owners = await pageA.locator(tid("household-card")).allTextContents();
  check(owners.every((t) => t.includes("李强")), `every card is 李强's: ${JSON.stringify(owners)}`);
  check(JSON.stringify(await search(pageA, "13800007919")) === '["1幢1单元101"]', "the phone finds one household");
  check(JSON.stringify(await search(pageA, "4-1-101")) === "[]", "area B is not on butler1's device");
  await pageA.locator(tid("household-search")).fill("");
  await pageA.locator(`${tid("household-tag-filter")} [data-tag="renovating"]`).click();
  await eventually("area A's renovating units", async () => {
    const cards = await pageA.locator(tid("household-card")).count();
    check(cards === 3, `the demo renovates 3 units of area A: ${cards}`);
  });
  step("butler1: 李强 by owner, 13800007919 by phone, 3 renovating units in area A");

  // An order and a complaint filed for 1幢1单元101 show on its page.
  await go(pageA, "/orders/new");
  await pageA.locator(tid("order-household-search")).fill("1-1-101");
  await pageA.locator(tid("order-household")).first().click();
  await pageA.locator(tid("order-description")).fill("厨房水龙头漏水");
  await pageA.locator(tid("order-category")).selectOption({ label: "水龙头/阀门漏水" });
  await pageA.locator(tid("order-submit")).click();
  await pageA.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
  const orderId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[2]);
  await go(pageA, "/complaints/new");
  await pageA.locator(tid("complaint-household-search")).fill("1-1-101");
  await pageA.locator(tid("complaint-household")).first().click();
  await pageA.locator(tid("complaint-description")).fill("楼道灯长期不亮");
  await pageA.locator(tid("complaint-submit")).click();
  await pageA.waitForURL((url) => /^\/complaints\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
  const complaintId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[2]);
  await go(pageA, "/households");
  await search(pageA, "1-1-101");
  await pageA.locator(`${tid("household-card")} a`).first().click();
  await pageA.waitForURL((url) => /^\/households\/[^/]+$/.test(url.pathname));
  check((await pageA.locator(tid("household-title")).textContent()).trim() === "1幢1单元101", "1幢1单元101's page");
  check((await pageA.locator(tid("household-tag-toggle")).count()) === 0, "butler1 sees no tag toggles");
  const orderIds = await pageA.locator(tid("household-order")).evaluateAll((els) => els.map((e) => e.dataset.orderId));
  const complaintIds = await pageA.locator(tid("household-complaint")).evaluateAll((els) => els.map((e) => e.dataset.complaintId));
  check(JSON.stringify(orderIds) === JSON.stringify([orderId]), `the household's orders: ${orderIds}`);
  check(JSON.stringify(complaintIds) === JSON.stringify([complaintId]), `the household's complaints: ${complaintIds}`);
  await screenshot(pageA, "o-household-orders-phone");
  await pageA.locator(`${tid("household-order")} a`).click();
  await pageA.waitForURL((url) => url.pathname === `/orders/${orderId}`);
  step("1幢1单元101's page lists its order and complaint, linking to them");

  assertNoPageErrors(a);
  assertNoPageErrors(b);
  assertNoPageErrors(c);
}
