// (j) QR labels and scanning: supervisor1's print page shows a label with a QR code for
// every checkpoint; the label for CP-A-02 is fed to butler1's camera (Chromium's fake
// capture device playing a Y4M picture of exactly that SVG), and a tap on "scan" in a round
// checks in at that checkpoint, recorded as a QR scan.

import { writeFile } from "node:fs/promises";
import path from "node:path";
import {
  CHROMIUM_ARGS,
  TIMEOUT,
  assertNoPageErrors,
  check,
  eventually,
  firstPage,
  freePort,
  go,
  launch,
  login,
  pullAll,
  signedInDevice,
  startServer,
  step,
  tempDir,
  tid,
  waitForFirstSync,
  waitForPendingZero,
  waitForServiceWorker,
} from "../lib.mjs";

export const title = "QR: printed checkpoint labels, scanned by the camera in a round";

/// The label's SVG (`M{x} {y}h{n}v1h-{n}z` per run of dark modules) as a Y4M frame, 12 px a module,
/// centred on white: what a camera held over the printed label would see.
function y4mOf(side, d, size = 480) {
  const px = Math.floor((size * 0.8) / side);
  const off = Math.floor((size - side * px) / 2);
  const luma = Buffer.alloc(size * size, 235);
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    const [mx, my, run] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = 0; y < px; y++) {
      luma.fill(16, (off + my * px + y) * size + off + mx * px, (off + my * px + y) * size + off + (mx + run) * px);
    }
  }
  const chroma = Buffer.alloc((size / 2) * (size / 2), 128);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\nFRAME\n`),
    luma,
    chroma,
    chroma,
  ]);
}

export default async function () {
  const dir = await tempDir("j");
  const server = await startServer({ dbPath: path.join(dir, "db.sqlite"), port: await freePort() });

  const { context: c, page: pageC } = await signedInDevice(dir, "C supervisor1", "supervisor1", server);
  await go(pageC, "/patrol/print");
  await eventually("12 labels", async () => {
    const n = await pageC.locator(`${tid("print-label")} ${tid("qr")}`).count();
    check(n === 12, `${n} labels with a QR code`);
  }, { timeout: TIMEOUT.sync });
  const label = pageC.locator(`${tid("print-label")}[data-code="CP-A-02"] ${tid("qr")}`);
  const side = Number((await label.getAttribute("viewBox")).split(" ")[2]);
  const d = await label.locator("path").getAttribute("d");
  const video = path.join(dir, "label-CP-A-02.y4m");
  await writeFile(video, y4mOf(side, d));
  step(`label CP-A-02 (${side} modules) written as the fake camera's picture`);

  const a = await launch(path.join(dir, "profile-a"), {
    name: "A butler1 (camera)",
    args: [
      ...CHROMIUM_ARGS,
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  const pageA = await firstPage(a);
  await go(pageA, "/", server.url);
  await waitForServiceWorker(pageA);
  await login(pageA, "butler1");
  // The round needs the checklist, which comes with the first sync.
  await waitForFirstSync(pageA);
  await go(pageA, "/patrol");
  await pageA.locator(tid("round-start")).first().click({ timeout: TIMEOUT.sync });
  await pageA.waitForURL((url) => /^\/patrol\/rounds\/[^/]+$/.test(url.pathname));
  const roundId = decodeURIComponent(new URL(pageA.url()).pathname.split("/")[3]);
  await pageA.locator(tid("qr-scan")).click();
  await pageA.locator(`${tid("checkpoint")}[data-code="CP-A-02"][data-scanned="true"]`).waitFor({ timeout: TIMEOUT.sync });
  await pageA.locator(tid("qr-scanner")).waitFor({ state: "detached" });
  await waitForPendingZero(pageA);
  const native = await pageA.evaluate(() => "BarcodeDetector" in window);
  step(`the camera read CP-A-02 (${native ? "BarcodeDetector" : "built-in decoder"}) and the round checked in there`);

  const scans = (await pullAll(server, "supervisor1")).filter(
    (e) => e.record_id === roundId && e.kind === "patrol_round.checkpoint_scanned",
  );
  check(scans.length === 1 && scans[0].payload.method === "qr", `one QR scan stored: ${JSON.stringify(scans.map((s) => s.payload))}`);
  assertNoPageErrors(a);
  assertNoPageErrors(c);
}
