// The WASM module predicts what the native build predicts, on the same data (relative 1e-6).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// Runs a CLI and returns { status, stdout, stderr } without throwing on a non-zero exit.
function run(command, args) {
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('both command-line tools fail the same way on bad input and usage: status 2, one line', () => {
  const bad = tempFile('bad.csv', 'user,item,rating\n1,10,4\n2,11,five\n');
  const cases = [
    [['inspect', bad], `cofi: error: ${bad}:3: rating "five" is not a number\n`],
    [['inspect', '/no/such/file.csv'], 'cofi: error: cannot read /no/such/file.csv: No such file or directory\n'],
    [['inspect', tmpdir()], `cofi: error: cannot read ${tmpdir()}: Is a directory\n`],
    [['evaluate', '--train', bad], 'cofi: error: evaluate needs --test\n'],
    [['recommend', '--ratings', bad, '--user', '1', '-n', 'ten'], 'cofi: error: -n ten: expected a whole number from 0 to 1000000\n'],
    [['frobnicate'], "cofi: error: unknown command 'frobnicate' (try cofi --help)\n"],
    [['inspect', bad, '--colour'], 'cofi: error: unknown option --colour\n'],
  ];
  for (const [args, message] of cases) {
    const native = run(nativeCli, args);
    const wasm = run(process.execPath, [join(nativeCli, '..', '..', '..', 'bin', 'cofi.mjs'), ...args]);
    for (const [name, r] of [['native', native], ['wasm', wasm]]) {
      assert.equal(r.status, 2, `${name} cofi ${args.join(' ')}`);
      assert.equal(r.stdout, '');
      if (args[0] === 'evaluate' || args[0] === 'recommend') {
        // these read the bad file only after checking their flags, or fail on it: either way one line
        assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      } else {
        assert.equal(r.stderr, message, `${name} cofi ${args.join(' ')}`);
      }
    }
    assert.equal(wasm.stderr, native.stderr);
  }
});

test('cross-validation with a seed gives the same folds and numbers natively and in WASM', () => {
  const path = tempFile('all.csv', syntheticRatings());
  const args = ['evaluate', '--ratings', path, '--folds', '3', '--seed', '5', '--algo', 'knn-means', '--json'];
  const native = JSON.parse(execFileSync(nativeCli, args, { encoding: 'utf8' }));
  const wasm = JSON.parse(execFileSync(process.execPath, [join(nativeCli, '..', '..', '..', 'bin', 'cofi.mjs'), ...args], { encoding: 'utf8' }));
  assert.equal(native.per_fold.length, 3);
  assert.deepEqual(wasm.per_fold.map((f) => [f.rmse, f.mae, f.predictions]), native.per_fold.map((f) => [f.rmse, f.mae, f.predictions]));
  const other = JSON.parse(execFileSync(nativeCli, [...args.slice(0, -2), '--seed', '6', '--algo', 'knn-means', '--json'].filter((a, k, all) => !(a === '--seed' && all[k + 1] === '5') && !(a === '5' && all[k - 1] === '--seed')), { encoding: 'utf8' }));
  assert.notDeepEqual(other.per_fold.map((f) => f.rmse), native.per_fold.map((f) => f.rmse));
});
