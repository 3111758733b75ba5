#!/usr/bin/env node
// The multi-threaded core against the single-threaded one, side by side in one headless Chromium
// page served cross-origin isolated: the fit time of als and ials (64 factors, 10 epochs) and of
// item-based kNN on seeded synthetic ratings (bench/synthetic.mjs), with the speed-up ratio, and
// whether both cores saved byte-identical models that predict the same. Prints a Markdown table;
// nothing is asserted.
//
//   node bench/threads.mjs [--ratings 1000000] [--threads 2] [--runs 1]
//
// Each fit runs --runs times per core, alternating, and the best time counts (the machine is
// shared, so single runs are noisy). Needs dist/ (scripts/build wasm).
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { syntheticCsv } from './synthetic.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 || args[at + 1] === undefined ? fallback : Number(args[at + 1]);
};
const ratingsWanted = option('--ratings', 1_000_000);
const threads = option('--threads', 2);
const runs = option('--runs', 1);

const MODELS = [
  ['als', { factors: 64, epochs: 10 }],
  ['ials', { factors: 64, epochs: 10 }],
  ['knn-basic', { user_based: false }],
];

const data = await syntheticCsv({ ratings: ratingsWanted });
const webDir = await mkdtemp(path.join(os.tmpdir(), 'cofi-bench-threads-'));
await writeFile(path.join(webDir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>threads</title>\n');
await copyFile(data.file, path.join(webDir, 'ratings.csv'));
const server = await startServer({ port: 0, webDir, crossOriginIsolated: true });
const profile = await mkdtemp(path.join(os.tmpdir(), 'cofi-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(server.url);
  const result = await page.evaluate(async ({ models, threads, runs }) => {
    const { loadCofi } = await import('/dist/index.js');
    const bytes = new Uint8Array(await (await fetch('/ratings.csv')).arrayBuffer());
    const cores = { single: await loadCofi(), threaded: await loadCofi({ threads }) };
    // Pairs to predict, from the first rows of the file: kNN saves no state (its similarities are
    // rebuilt on load), so its predictions, not its bytes, show that both cores learned the same.
    const head = new TextDecoder().decode(bytes.subarray(0, 2_000_000)).split('\n').slice(1, -1).map((l) => l.split(','));
    const pairs = { users: head.map((r) => r[0]), items: head.map((r) => r[1]) };
    const equal = (a, b) => a.length === b.length && a.every((x, k) => Object.is(x, b[k]));
    const ratings = {};
    for (const [name, cofi] of Object.entries(cores)) ratings[name] = await cofi.readRatings(bytes, { source: 'synthetic.csv' });
    const rows = [];
    for (const [algorithm, params] of models) {
      const best = { single: Infinity, threaded: Infinity };
      const saved = {};
      for (let run = 0; run < runs; run++) {
        for (const name of ['single', 'threaded']) {
          const model = cores[name].createModel(algorithm, params);
          const start = performance.now();
          await model.fit(ratings[name], { seed: 1 });
          best[name] = Math.min(best[name], performance.now() - start);
          if (run === 0) saved[name] = { bytes: model.save(), predicted: model.predictMany(pairs.users, pairs.items).values };
          model.dispose();
        }
      }
      const same = equal(saved.single.bytes, saved.threaded.bytes) && equal(saved.single.predicted, saved.threaded.predicted);
      rows.push({ algorithm, params, single: best.single, threaded: best.threaded, same });
    }
    return {
      isolated: crossOriginIsolated, threads: cores.threaded.threads, cores: navigator.hardwareConcurrency,
      numRatings: ratings.single.numRatings, numUsers: ratings.single.numUsers, numItems: ratings.single.numItems,
      pairs: pairs.users.length, rows,
    };
  }, { models: MODELS, threads, runs });

  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`Chromium ${context.browser()?.version() ?? ''}, cross-origin isolated: ${result.isolated}, ` +
    `navigator.hardwareConcurrency ${result.cores}; threaded core with ${result.threads} threads; best of ${runs} run(s)`);
  console.log(`${result.numRatings.toLocaleString('en')} synthetic ratings, ${result.numUsers} users x ${result.numItems} items\n`);
  console.log(`same results: identical saved model bytes and predictions of ${result.pairs.toLocaleString('en')} pairs\n`);
  console.log('| model | single-threaded | threaded (' + result.threads + ' threads) | speed-up | same results |');
  console.log('|---|---|---|---|---|');
  for (const r of result.rows) {
    const params = Object.entries(r.params).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`| ${r.algorithm} (${params}) | ${s(r.single)} | ${s(r.threaded)} | ${(r.single / r.threaded).toFixed(2)}x | ${r.same ? 'yes' : 'NO'} |`);
  }
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
  await rm(webDir, { recursive: true, force: true });
}
