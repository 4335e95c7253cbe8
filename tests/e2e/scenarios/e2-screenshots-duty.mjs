// (e2) Screenshots of the signed-in app: `/` and the duty log of 东门岗 with entries, phone
// portrait (390×844) and tablet landscape (1180×820), light and dark → 8 PNGs in
// test-artifacts/e2e/ (home-*.png, duty-*.png).

import path from "node:path";
import {
  PHONE,
  RUN,
  TABLET,
  addEntry,
  assertNoPageErrors,
  correctEntry,
  firstPage,
  freePort,
  go,
  launch,
  login,
  openPost,
  screenshot,
  startServer,
  step,
  tempDir,
  waitForEntries,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "screenshots of / and a duty log (phone, tablet × light, dark), signed in";

const POST = "东门岗";

export default async function () {
  const dir = await tempDir("e2");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const texts = [
    `07:55 接班：对讲机 2 台、钥匙 12 把、手电 1 支齐全`,
    `08:30 搬家车辆 京A·12345 进入，已登记，预计 11:00 离开`,
    `09:10 3 号楼单元门闭门器损坏，已报修 (e2e ${RUN})`,
  ];
  const correction = "更正：损坏的是 5 号楼单元门，不是 3 号楼";
  let firstDevice = true;
  for (const [device, options] of [
    ["phone", PHONE],
    ["tablet", TABLET],
  ]) {
    const browser = await launch(path.join(dir, `profile-${device}`), { ...options, name: device });
    const page = await firstPage(browser);
    await go(page, "/", server.url);
    await login(page, "butler1");
    await openPost(page, POST);
    if (firstDevice) {
      for (const text of texts) {
        await addEntry(page, text);
      }
      const all = await waitForEntries(page, texts, { state: "synced" });
      await correctEntry(page, all.find((e) => e.text === texts[2]).id, correction);
      firstDevice = false;
    }
    await waitForEntries(page, [...texts, correction], { state: "synced" });
    await waitForPendingZero(page);
    const dutyRoute = new URL(page.url()).pathname;
    for (const [route, name] of [
      ["/", "home"],
      [dutyRoute, "duty"],
    ]) {
      for (const colorScheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme });
        await go(page, route);
        if (name === "duty") {
          await waitForEntries(page, texts);
        }
        const file = await screenshot(page, `${name}-${device}-${colorScheme}`);
        step(`saved ${path.basename(file)}`);
      }
    }
    assertNoPageErrors(browser);
  }
}
