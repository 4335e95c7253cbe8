// Runs the end-to-end scenarios (scenarios/*.mjs, in name order), one at a time.
//
//   node tests/e2e/run.mjs [filter…]     (cargo xtask e2e [filter…] builds everything first)
//
// A filter keeps the scenarios whose file name or title contains it. A scenario fails if any
// of its pages logged a Content-Security-Policy violation. Each scenario prints
// `ok` or `FAILED` with the error, the steps it got through, page errors, the last console
// lines, the server log and screenshots of its open pages (test-artifacts/e2e/FAILED-*.png).
// The exit code is 1 if any scenario failed, 2 if the harness cannot run at all.
// GUANJIA_E2E_VERBOSE=1 also prints the steps of scenarios that pass.
//
// A scenario module exports `title` (one line), optionally `timeout` (ms), and a default
// async function doing the work with the helpers of lib.mjs.

import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CHROMIUM,
  DIST,
  ROOT,
  SERVER_BIN,
  assertNoCspViolations,
  cleanup,
  diagnostics,
  forgetEarlierFailure,
  resetTrail,
  steps,
  stripAnsi,
} from "./lib.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCENARIOS = path.join(HERE, "scenarios");
const VERBOSE = Boolean(process.env.GUANJIA_E2E_VERBOSE);
const DEFAULT_TIMEOUT_MS = 240_000 * (Number(process.env.GUANJIA_E2E_TIMEOUT_SCALE) || 1);

const missing = [
  [SERVER_BIN, "cargo build -p guanjia-server"],
  [path.join(DIST, "index.html"), "cargo xtask dist"],
  [CHROMIUM, "apt-get install -y chromium"],
].filter(([file]) => !existsSync(file));
if (missing.length) {
  for (const [file, fix] of missing) {
    console.error(`e2e: ${path.relative(ROOT, file) || file} is missing (${fix})`);
  }
  process.exit(2);
}

// A scenario that timed out may still reject later, once its browser or server is gone:
// that is already reported as its failure.
process.on("unhandledRejection", () => {});

const filters = process.argv.slice(2);
const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith(".mjs")).sort();
let passed = 0;
const failed = [];

for (const file of files) {
  const scenario = await import(pathToFileURL(path.join(SCENARIOS, file)).href);
  const id = path.basename(file, ".mjs");
  const title = scenario.title ?? id;
  if (filters.length && !filters.some((f) => id.includes(f) || title.includes(f))) {
    continue;
  }
  await forgetEarlierFailure(id);
  resetTrail();
  const started = performance.now();
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  let error = null;
  try {
    await withTimeout(scenario.default(), scenario.timeout ?? DEFAULT_TIMEOUT_MS);
    // Every scenario, whether or not it asserted it for each browser: no page broke the
    // Content-Security-Policy.
    assertNoCspViolations();
  } catch (err) {
    error = err;
  }
  if (error === null) {
    console.log(`ok      ${id}: ${title} (${seconds()})`);
    if (VERBOSE) {
      steps().forEach((line) => console.log(`    ${line}`));
    }
    passed += 1;
    await cleanup();
    continue;
  }
  failed.push(id);
  console.log(`FAILED  ${id}: ${title} (${seconds()})`);
  console.log(indent(stripAnsi(error?.stack ?? String(error))));
  for (const line of await diagnostics(id)) {
    console.log(`    ${stripAnsi(line)}`);
  }
  for (const dir of await cleanup({ keepAs: id })) {
    console.log(`    kept ${path.relative(ROOT, dir)}`);
  }
}

const total = passed + failed.length;
if (total === 0) {
  console.log(`e2e: no scenario matches ${JSON.stringify(filters)}`);
  process.exit(2);
}
console.log(
  `e2e: ${passed} of ${total} scenarios passed` +
    (failed.length ? `; FAILED: ${failed.join(", ")}` : ""),
);
process.exit(failed.length ? 1 : 0);

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function indent(text) {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
