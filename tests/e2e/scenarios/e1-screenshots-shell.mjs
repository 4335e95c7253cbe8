// (e1) Screenshots of the shell before sign-in: `/` and `/settings`, phone portrait
// (390×844) and tablet landscape (1180×820), light and dark → test-artifacts/e2e/shell-*.png.

import path from "node:path";
import {
  PHONE,
  TABLET,
  assertNoPageErrors,
  check,
  firstPage,
  freePort,
  go,
  launch,
  screenshot,
  startServer,
  step,
  tempDir,
} from "../lib.mjs";

export const title = "screenshots of / and /settings (phone, tablet × light, dark), signed out";

export default async function () {
  const dir = await tempDir("e1");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  for (const [device, options] of [
    ["phone", PHONE],
    ["tablet", TABLET],
  ]) {
    const browser = await launch(path.join(dir, `profile-${device}`), { ...options, name: device });
    const page = await firstPage(browser);
    for (const [route, name] of [
      ["/", "home"],
      ["/settings", "settings"],
    ]) {
      const background = {};
      for (const colorScheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme });
        await go(page, route, server.url);
        background[colorScheme] = await page.evaluate(
          () => getComputedStyle(document.body).backgroundColor,
        );
        const file = await screenshot(page, `shell-${name}-${device}-${colorScheme}`);
        step(`saved ${path.basename(file)}`);
      }
      check(
        background.light !== background.dark,
        `${route} on ${device} has the same background in light and dark: ${background.light}`,
      );
    }
    assertNoPageErrors(browser);
  }
}
