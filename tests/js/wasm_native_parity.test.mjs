// The WASM module predicts what the native build predicts, on the same data (relative 1e-6).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCofi } from '../../dist/index.js';
import { datasetDir, nativeCli, random, syntheticRatings, tempFile } from './helpers.mjs';

const cofi = await loadCofi();

// Splits CSV text into train and test parts (every fifth rating, seeded) written to files.
function splitFiles(text) {
  const rnd = random(3);
  const [header, ...rows] = text.trim().split('\n');
  const train = [header], test = [header];
  for (const row of rows) (rnd() < 0.2 ? test : train).push(row);
  return { train: tempFile('train.csv', train.join('\n') + '\n'), test: tempFile('test.csv', test.join('\n') + '\n') };
}

function nativePredictions(trainPath, testPath, args) {
  const csv = execFileSync(nativeCli, ['predict', '--train', trainPath, '--test', testPath, ...args], { encoding: 'utf8' });
  return csv.trim().split('\n').slice(1).map((line) => {
    const [user, item, rating, prediction, fallback] = line.split(',');
    return { user, item, rating: Number(rating), prediction: Number(prediction), fallback: fallback === '1' };
  });
}

async function assertSamePredictions(trainPath, testPath, algo, params) {
  const args = ['--algo', algo, ...Object.entries(params).flatMap(([k, v]) => ['--set', `${k}=${v}`]), '--seed', '11'];
  const expected = nativePredictions(trainPath, testPath, args);
  assert.ok(expected.length > 0);
  const train = await cofi.readRatings(readFileSync(trainPath), { source: 'train.csv' });
  const model = cofi.createModel(algo, params);
  await model.fit(train, { seed: 11 });
  let fallbacks = 0;
  for (const e of expected) {
    const p = model.predict(e.user, e.item);
    const tolerance = 1e-6 * Math.max(1, Math.abs(e.prediction));
    assert.ok(Math.abs(p.value - e.prediction) <= tolerance,
      `${algo} ${JSON.stringify(params)} (${e.user}, ${e.item}): wasm ${p.value}, native ${e.prediction}`);
    assert.equal(p.fallback, e.fallback, `${algo} fallback flag for (${e.user}, ${e.item})`);
    if (p.fallback) fallbacks++;
  }
  model.dispose();
  train.dispose();
  return { count: expected.length, fallbacks };
}

const synthetic = splitFiles(syntheticRatings());
const configurations = [
  ['random', {}], ['global-mean', {}], ['popular', {}],
  ['baseline', {}], ['baseline', { method: 'sgd' }],
  ['knn-basic', {}], ['knn-basic', { user_based: false, similarity: 'cosine' }],
  ['knn-means', { similarity: 'pearson' }], ['knn-zscore', { user_based: false }],
  ['knn-baseline', {}], ['knn-baseline', { user_based: false, similarity: 'pearson_baseline', k: 5, min_k: 2 }],
];

for (const [algo, params] of configurations) {
  test(`wasm = native: ${algo} ${JSON.stringify(params)} on synthetic data`, async () => {
    await assertSamePredictions(synthetic.train, synthetic.test, algo, params);
  });
}

test('wasm = native: item-based knn-baseline, pearson_baseline on MovieLens 100k u1', async () => {
  const dir = datasetDir('ml-100k');
  const { count } = await assertSamePredictions(join(dir, 'u1.base'), join(dir, 'u1.test'), 'knn-baseline',
    { user_based: false, similarity: 'pearson_baseline' });
  assert.equal(count, 20000);
});

test('the WASM command-line tool prints what the native one prints', () => {
  const dir = datasetDir('ml-100k');
  const runs = [
    ['inspect', join(dir, 'u.data'), '--json'],
    ['recommend', '--ratings', join(dir, 'u1.base'), '--user', '1', '-n', '5', '--items', join(dir, 'u.item'), '--json'],
    ['similar', '--ratings', join(dir, 'u1.base'), '--item', '50', '-n', '5', '--json'],
    ['rank', '--train', join(dir, 'u1.base'), '--test', join(dir, 'u1.test'), '--algo', 'popular', '--json'],
  ];
  for (const args of runs) {
    const native = execFileSync(nativeCli, args, { encoding: 'utf8' });
    const wasm = execFileSync(process.execPath, [join(nativeCli, '..', '..', '..', 'bin', 'cofi.mjs'), ...args], { encoding: 'utf8' });
    assert.equal(wasm, native, `cofi ${args.join(' ')}`);
  }
});
