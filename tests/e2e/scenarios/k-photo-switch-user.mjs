// (k) A photo is only on the device until the server has it: butler1 files an order with a
// photo whose upload keeps failing (the events do reach the server). Signing out is fine, but
// signing in as butler2 — which wipes the device — is refused while the photo waits. Once the
// upload goes through (butler1 again), the server has the exact photo and butler2 may sign in.

import path from "node:path";
import {
  RUN,
  TIMEOUT,
  apiLogin,
  assertNoPageErrors,
  check,
  eventually,
  freePort,
  go,
  login,
  signedInDevice,
  startServer,
  step,
  tempDir,
  tid,
  waitForFirstSync,
  waitForOrderStatus,
  waitForPendingZero,
} from "../lib.mjs";

export const title = "photos: signing in as someone else waits until the photos are on the server";

const BLOBS = "**/api/v1/blobs/**";

async function signOut(page) {
  await go(page, "/settings");
  await page.locator(tid("logout")).click();
  await page.waitForURL((url) => url.pathname === "/login");
  step("signed out");
}

export default async function () {
  const dir = await tempDir("k");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });
  const { context: a, page } = await signedInDevice(dir, "A butler1", "butler1", server);
  await waitForFirstSync(page);

  let heldBack = 0;
  await a.route(BLOBS, (route) => {
    heldBack += 1;
    return route.abort("internetdisconnected");
  });
  await go(page, "/orders/new");
  await page.locator(tid("order-description")).fill(`5 幢电梯厅墙面渗水 (e2e ${RUN})`);
  await page.locator(tid("order-category")).selectOption({ label: "其他简单维修" });
  const shot = await page.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
  await page.locator(tid("order-intake-photo")).setInputFiles({ name: "wall.png", mimeType: "image/png", buffer: shot });
  await page.locator(`${tid("photo")}[data-upload="pending"]`).first().waitFor({ timeout: TIMEOUT.action });
  await page.locator(tid("order-submit")).click();
  await page.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"));
  await waitForOrderStatus(page, "created", TIMEOUT.action);
  const hash = await page.locator(tid("photo")).first().getAttribute("data-hash");
  await waitForPendingZero(page);
  await eventually("an upload attempt (held back)", async () => check(heldBack > 0, "no upload tried yet"), {
    timeout: TIMEOUT.sync,
  });
  check(
    (await page.locator(tid("photo")).first().getAttribute("data-upload")) === "pending",
    "the photo should still wait for upload",
  );
  step(`order pushed, photo ${hash.slice(0, 8)}… still on the device only (${heldBack} uploads held back)`);

  await signOut(page);
  let refused = null;
  try {
    await login(page, "butler2");
  } catch (e) {
    refused = String(e.message);
  }
  check(refused !== null, "butler2 could sign in (and wipe the device) while a photo was waiting");
  check(/照片|photos/.test(refused), `the refusal should name the photos: ${refused}`);
  step(`butler2 refused: ${refused}`);

  await a.unroute(BLOBS);
  await login(page, "butler1");
  await go(page, "/orders");
  await eventually(
    "the photo on the server",
    async () => {
      const { token } = await apiLogin(server, "butler1");
      const res = await fetch(`${server.url}/api/v1/blobs/${hash}`, { headers: { authorization: `Bearer ${token}` } });
      check(res.status === 200, `GET blob: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const digest = Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex");
      check(digest === hash, "the server's bytes do not match the photo's name");
    },
    { timeout: TIMEOUT.sync },
  );
  step("photo uploaded after butler1 signed in again");

  await signOut(page);
  await login(page, "butler2");
  await waitForFirstSync(page);
  assertNoPageErrors(a);
}
