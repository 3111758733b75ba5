// What a compact model (model.compact(), `cofi compact`) saves and what it costs, on MovieLens
// 100k's canonical folds, through the npm package's public API (WASM, Node).
//
// For each fold uN: svd, als and ials are fitted on uN.base at their defaults. Every uN.test
// user is then treated as a visitor known only by their uN.base ratings: the model folds them in
// (recommendFor, as a static page would) and predicts their uN.test ratings, first with the full
// model and then with its compact copies (float32, float16, int8 item factors). Printed per model
// and encoding: file size and gzip size (what a static host sends), how many times smaller than
// the full model file, the visitors' RMSE (predictions clipped to 1..5) and its change against the
// full model, and for ials (a ranker) precision at 10 (relevant: test rating >= 4) and its change.
// The full model's own RMSE on uN.test (users' trained vectors, model.evaluate) is shown for scale.
// Then latency: one visitor's recommendFor over a 50k-item catalogue (the synthetic 1M-rating set
// of bench/synthetic.mjs, 64 factors), full model and int8 compact alternating in one loop.
//
//   node bench/compact.mjs [--folds 1,2,3,4,5] [--runs 30]
//
// Needs scripts/build (dist/); data from $COFI_DATA or ../shared/datasets.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { loadCofi } from '../dist/index.js';
import { syntheticCsv } from './synthetic.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(process.env.COFI_DATA ?? path.join(ROOT, '..', 'shared', 'datasets'), 'ml-100k');
const arg = (name, fallback) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : fallback;
};
const FOLDS = arg('folds', '1,2,3,4,5').split(',').map(Number);
const RUNS = Number(arg('runs', 30));
const MODELS = ['svd', 'als', 'ials'];
const ENCODINGS = ['float32', 'float16', 'int8'];
if (!existsSync(path.join(DATA, 'u1.base'))) throw new Error(`${DATA}/u1.base not found: set COFI_DATA to the datasets folder`);

const cofi = await loadCofi();

// Visitors of a fold: each test user's training ratings (the profile) and test ratings.
function visitorsOf(base, test) {
  const visitors = [];
  for (const user of test.userIds()) {
    if (!base.hasUser(user)) continue;
    const known = base.userRatings(user);
    const held = test.userRatings(user);
    visitors.push({
      profile: known.items.map((item, k) => [item, known.ratings[k]]),
      items: held.items,
      ratings: held.ratings,
    });
  }
  return visitors;
}

// Visitors' RMSE and P@10 under `model` (predictions of items the model does not know are skipped
// alike for every model: they come out of recommendFor as unknown).
function score(model, visitors) {
  let squared = 0, count = 0, hits = 0, lists = 0;
  for (const v of visitors) {
    const { items } = model.recommendFor(v.profile, { n: v.items.length, include: v.items });
    const predicted = new Map(items.map((s) => [s.item, s.score]));
    v.items.forEach((item, k) => {
      if (!predicted.has(item)) return;
      const p = Math.min(5, Math.max(1, predicted.get(item)));
      squared += (p - v.ratings[k]) ** 2;
      count += 1;
    });
    const relevant = new Set(v.items.filter((_, k) => v.ratings[k] >= 4));
    if (relevant.size === 0) continue;
    const top = model.recommendFor(v.profile, { n: 10 }).items;
    hits += top.filter((s) => relevant.has(s.item)).length / 10;
    lists += 1;
  }
  return { rmse: Math.sqrt(squared / count), precision: hits / lists, predictions: count };
}

const rows = new Map();  // "model encoding" -> accumulated figures over folds
function add(key, figures) {
  if (!rows.has(key)) rows.set(key, []);
  rows.get(key).push(figures);
}

for (const fold of FOLDS) {
  const read = async (name) => cofi.readRatings(await readFile(path.join(DATA, name)), { source: name });
  const base = await read(`u${fold}.base`);
  const test = await read(`u${fold}.test`);
  const visitors = visitorsOf(base, test);
  for (const algorithm of MODELS) {
    const model = cofi.createModel(algorithm);
    await model.fit(base, { seed: 0 });
    const full = model.save();
    const fullScore = score(model, visitors);
    add(`${algorithm} full`, { bytes: full.length, gzip: gzipSync(full).length, ...fullScore, trained: model.evaluate(test).rmse, full: full.length, fullScore });
    let float32Bytes = 0;  // ENCODINGS starts with float32: the other encodings are compared with it
    for (const encoding of ENCODINGS) {
      const compact = model.compact({ encoding });
      const bytes = compact.save();
      if (encoding === 'float32') float32Bytes = bytes.length;
      add(`${algorithm} ${encoding}`, { bytes: bytes.length, gzip: gzipSync(bytes).length, ...score(compact, visitors), full: full.length, float32: float32Bytes, fullScore });
      compact.dispose();
    }
    model.dispose();
    process.stderr.write(`u${fold} ${algorithm} done\n`);
  }
  base.dispose();
  test.dispose();
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const maxAbs = (values) => Math.max(...values.map(Math.abs));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`MovieLens 100k, folds ${FOLDS.map((f) => `u${f}`).join(' ')} (means over folds; Δ = compact − full, mean and largest |Δ| of a fold)\n`);
console.log('| model | factors stored as | file | gzip | smaller than full | than float32 compact | visitors\' RMSE | ΔRMSE mean | ΔRMSE max | P@10 | ΔP@10 max |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [key, figures] of rows) {
  const [algorithm, encoding] = key.split(' ');
  const dRmse = figures.map((f) => f.rmse - f.fullScore.rmse);
  const dPrecision = figures.map((f) => f.precision - f.fullScore.precision);
  const isFull = encoding === 'full';
  const ranker = algorithm === 'ials';  // its scores are preferences, not ratings: RMSE says nothing
  console.log(`| ${algorithm} | ${isFull ? 'full model file (float32, with ratings and users)' : encoding} | ${kb(mean(figures.map((f) => f.bytes)))} | ${kb(mean(figures.map((f) => f.gzip)))} | ` +
    `${isFull ? '1×' : `${mean(figures.map((f) => f.full / f.bytes)).toFixed(1)}×`} | ` +
    `${isFull ? '–' : `${mean(figures.map((f) => f.float32 / f.bytes)).toFixed(2)}×`} | ` +
    (ranker ? '– | – | – |' : `${mean(figures.map((f) => f.rmse)).toFixed(4)}${isFull ? ` (trained users: ${mean(figures.map((f) => f.trained)).toFixed(4)})` : ''} | ` +
    `${isFull ? '–' : mean(dRmse).toFixed(5)} | ${isFull ? '–' : maxAbs(dRmse).toFixed(5)} |`) +
    ` ${mean(figures.map((f) => f.precision)).toFixed(4)} | ${isFull ? '–' : maxAbs(dPrecision).toFixed(4)} |`);
}

// Latency over a large catalogue: the same visitors, full and compact asked in turn, so that both
// see the same machine load. Visitors: the training rows of the 1st, 1,000th and 10,000th most active users
// (profiles from thousands of ratings down to a handful), as new people.
const catalogue = await syntheticCsv({ ratings: 1_000_000, users: 20_000, items: 50_000 });
const big = await cofi.readRatings(await readFile(catalogue.file), { source: path.basename(catalogue.file) });
const perUser = big.counts().perUser;
const order = Array.from(perUser.keys()).sort((a, b) => perUser[b] - perUser[a]);
const profiles = [0, 999, 9999].map((rank) => {
  const r = big.userRatings(big.userId(order[rank]));
  return r.items.map((item, k) => [item, r.ratings[k]]);
});
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\nrecommendFor over ${big.summary().items} items (${catalogue.ratings} ratings, 64 factors; median of ${RUNS} calls, ms)\n`);
console.log(`| model | visitor's ratings | full | int8 compact | compact / full |`);
console.log('|---|---|---|---|---|');
for (const algorithm of ['svd', 'als', 'ials']) {
  // One epoch is enough: latency does not depend on how well the factors fit.
  const model = cofi.createModel(algorithm, { factors: 64, epochs: 1 });
  await model.fit(big, { seed: 0 });
  const compact = model.compact({ encoding: 'int8' });
  for (const profile of profiles) {
    const times = { full: [], compact: [] };
    for (let run = 0; run < RUNS; run += 1) {
      for (const [name, m] of [['full', model], ['compact', compact]]) {
        const t0 = performance.now();
        m.recommendFor(profile, { n: 10 });
        times[name].push(performance.now() - t0);
      }
    }
    const full = median(times.full), small = median(times.compact);
    console.log(`| ${algorithm} | ${profile.length} | ${full.toFixed(2)} | ${small.toFixed(2)} | ${(small / full).toFixed(2)} |`);
  }
  compact.dispose();
  model.dispose();
}
