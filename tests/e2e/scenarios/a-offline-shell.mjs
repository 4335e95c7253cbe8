// (a) The app shell works with the server gone: `/` reloaded and the deep link `/settings`
// both come from the service worker and render, under the Content-Security-Policy the
// cached index.html was fetched with.

import path from "node:path";
import {
  assertNoPageErrors,
  check,
  firstPage,
  freePort,
  go,
  launch,
  startServer,
  step,
  stopServer,
  tempDir,
  tid,
  waitForApp,
  waitForServiceWorker,
} from "../lib.mjs";

export const title = "offline shell: / and the deep link /settings render with the server stopped";

export default async function () {
  const dir = await tempDir("a");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const browser = await launch(path.join(dir, "profile-a"));
  const page = await firstPage(browser);

  await go(page, "/", server.url);
  await waitForServiceWorker(page);
  await stopServer(server);

  const home = await page.reload();
  await waitForApp(page);
  check(home?.fromServiceWorker(), "the offline reload of / was not served by the service worker");
  // The cached index.html keeps the headers it was fetched with, the policy among them.
  const csp = (await home.allHeaders())["content-security-policy"] ?? "";
  check(
    csp.includes("'wasm-unsafe-eval'") && csp.includes("'sha256-"),
    `the offline / has the Content-Security-Policy "${csp}"`,
  );
  step("/ reloaded offline from the service worker, with its Content-Security-Policy");

  const settings = await go(page, "/settings");
  check(
    settings?.fromServiceWorker(),
    "the offline /settings was not answered by the service worker",
  );
  // The settings page (or, if the app sends signed-out users there, the login form).
  await page
    .locator(`${tid("settings-device-id")}, main .settings, ${tid("login-username")}`)
    .first()
    .waitFor({ state: "visible" });
  check(new URL(page.url()).pathname !== "/", "/settings ended on /");
  step(`deep link /settings rendered offline (at ${new URL(page.url()).pathname})`);

  assertNoPageErrors(browser);
}
