// Time from `import` to the first recommendation on ml-latest-small (100,836 ratings), through the
// npm package's public API: in Node (a fresh process per run, reading ratings.csv from disk) and
// in headless Chromium (a fresh page per run, the file chosen in an <input type=file>), with the
// main API and with the worker API. Prints one table; every figure is measured in this run.
//
//   node bench/first_recommendation.mjs [--runs 3] [--algorithms popular,svd,als]
//
// Needs scripts/build (dist/) and Debian's Chromium; the data is read from $COFI_DATA or
// ../shared/datasets.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(process.env.COFI_DATA ?? path.join(ROOT, '..', 'shared', 'datasets'), 'ml-latest-small', 'ratings.csv');
const arg = (name, fallback) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : fallback;
};
const RUNS = Number(arg('runs', 3));
const ALGORITHMS = arg('algorithms', 'popular,svd,als').split(',');
const USER = '1';
if (!existsSync(DATA)) throw new Error(`${DATA} not found: set COFI_DATA to the datasets folder`);

// The Node run: a fresh process, so `import` loads and compiles the module as a program would.
const NODE_SCRIPT = `
const t0 = performance.now();
const { loadCofi } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/index.js')).href)});
const cofi = await loadCofi();
const t1 = performance.now();
const { readFile } = await import('node:fs/promises');
const ratings = await cofi.readRatings(await readFile(process.argv[1]), { source: 'ratings.csv' });
const t2 = performance.now();
const model = cofi.createModel(process.argv[2]);
await model.fit(ratings);
const t3 = performance.now();
const top = model.recommend(process.argv[3], { n: 10 });
const t4 = performance.now();
if (top.items.length !== 10) throw new Error('expected 10 recommendations');
console.log(JSON.stringify({ load: t1 - t0, read: t2 - t1, fit: t3 - t2, recommend: t4 - t3, total: t4 - t0, first: top.items[0].item }));
`;

async function nodeRun(algorithm) {
  const { stdout } = await run('node', ['--input-type=module', '-e', NODE_SCRIPT, DATA, algorithm, USER]);
  return JSON.parse(stdout);
}

// In the page: the file is already chosen; timing starts right before the import.
async function pageRun(page, algorithm, worker) {
  return page.evaluate(async ({ algorithm, worker, user }) => {
    const file = document.getElementById('ratings').files[0];
    const t0 = performance.now();
    let cofi;
    if (worker) {
      const { loadCofiWorker } = await import('/dist/worker-client.js');
      cofi = await loadCofiWorker();
    } else {
      const { loadCofi } = await import('/dist/index.js');
      cofi = await loadCofi();
    }
    const t1 = performance.now();
    const ratings = await cofi.readRatings(file);
    const t2 = performance.now();
    const model = await cofi.createModel(algorithm);
    await model.fit(ratings);
    const t3 = performance.now();
    const top = await model.recommend(user, { n: 10 });
    const t4 = performance.now();
    if (top.items.length !== 10) throw new Error('expected 10 recommendations');
    if (worker) cofi.terminate();
    return { load: t1 - t0, read: t2 - t1, fit: t3 - t2, recommend: t4 - t3, total: t4 - t0, first: top.items[0].item };
  }, { algorithm, worker, user: USER });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
function record(where, algorithm, runs) {
  const firsts = new Set(runs.map((r) => r.first));
  rows.push({ where, algorithm, runs, same: firsts.size === 1 ? [...firsts][0] : 'differs' });
}

for (const algorithm of ALGORITHMS) {
  const runs = [];
  for (let k = 0; k < RUNS; k++) runs.push(await nodeRun(algorithm));
  record('Node', algorithm, runs);
}

const server = await startServer({ port: 0, webDir: path.join(ROOT, 'bench/pages') });
const profile = await mkdtemp(path.join(os.tmpdir(), 'cofi-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (const worker of [false, true]) {
    for (const algorithm of ALGORITHMS) {
      const runs = [];
      for (let k = 0; k < RUNS; k++) {
        const page = await context.newPage();
        await page.goto(`${server.url}first-recommendation.html`);
        await page.setInputFiles('#ratings', DATA);
        runs.push(await pageRun(page, algorithm, worker));
        await page.close();
      }
      record(worker ? 'Chromium, worker API' : 'Chromium, main API', algorithm, runs);
    }
  }
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}

const ms = (x) => `${Math.round(x)}`;
console.log(`import -> first recommendation (10 items for user ${USER}), ml-latest-small ratings.csv (${path.basename(path.dirname(DATA))}), ` +
  `${RUNS} runs each, median ms (min total)`);
console.log('| where | algorithm | load (import + wasm) | read | fit | recommend | total | min total | first item |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const { where, algorithm, runs, same } of rows) {
  const m = (key) => ms(median(runs.map((r) => r[key])));
  console.log(`| ${where} | ${algorithm} | ${m('load')} | ${m('read')} | ${m('fit')} | ${m('recommend')} | ${m('total')} | ` +
    `${ms(Math.min(...runs.map((r) => r.total)))} | ${same} |`);
}
