// Saved models from JavaScript (docs/model-format.md): model.save() -> cofi.loadModel() predicts
// bit for bit for every algorithm; bad bytes are refused with a ParseError; and the file is the
// same on both builds: a model saved by the native CLI loads in WASM and one saved in WASM loads in
// the native CLI, with identical predictions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCofi, ParseError, UsageError } from '../../dist/index.js';
import { datasetDir, nativeCli, random, syntheticRatings, tempFile } from './helpers.mjs';

const cofi = await loadCofi();
const algorithms = cofi.algorithms();
const csv = syntheticRatings();
const ratings = await cofi.readRatings(csv, { source: 'synthetic.csv' });
const userIds = ratings.userIds();
const itemIds = [...ratings.itemIds(), 'no-such-item'];

// Splits CSV text into train and test files (about a fifth of the rows to test, seeded).
function splitFiles(text) {
  const rnd = random(5);
  const [header, ...rows] = text.trim().split('\n');
  const train = [header], test = [header];
  for (const row of rows) (rnd() < 0.2 ? test : train).push(row);
  return { train: tempFile('train.csv', train.join('\n') + '\n'), test: tempFile('test.csv', test.join('\n') + '\n') };
}

// `cofi predict --model FILE --test FILE`: every test pair's prediction (printed with %.9g, which
// gives back the exact float32) and fallback flag.
function nativePredictions(modelPath, testPath) {
  const out = execFileSync(nativeCli, ['predict', '--model', modelPath, '--test', testPath], { encoding: 'utf8' });
  return out.trim().split('\n').slice(1).map((line) => {
    const [user, item, , prediction, fallback] = line.split(',');
    return { user, item, value: Math.fround(Number(prediction)), fallback: fallback === '1' };
  });
}

function assertSameAsNative(model, expected, what) {
  assert.ok(expected.length > 0);
  for (const e of expected) {
    const p = model.predict(e.user, e.item);
    assert.ok(Object.is(p.value, e.value), `${what} (${e.user}, ${e.item}): wasm ${p.value}, native ${e.value}`);
    assert.equal(p.fallback, e.fallback, `${what} fallback (${e.user}, ${e.item})`);
  }
}

function recommendOrRefusal(model, profile) {
  try {
    return model.recommendFor(profile, { n: 10 });
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

test('every algorithm: save -> loadModel predicts and recommends bit for bit', async () => {
  assert.ok(algorithms.length >= 8);
  for (const algo of algorithms) {
    const model = cofi.createModel(algo);
    await model.fit(ratings, { seed: 3 });
    const bytes = model.save();
    assert.ok(bytes instanceof Uint8Array, algo);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'COFIMODL');
    const loaded = await cofi.loadModel(bytes, { source: `${algo}.cofi` });
    assert.equal(loaded.algorithm, algo);
    assert.equal(loaded.fitted, true);
    for (const user of [...userIds, 'no-such-user']) {
      for (const item of itemIds) {
        assert.deepEqual(loaded.predict(user, item), model.predict(user, item), `${algo} (${user}, ${item})`);
      }
    }
    for (const user of userIds) assert.deepEqual(loaded.recommend(user), model.recommend(user), `${algo} recommend ${user}`);
    const profile = { item003: 5, item010: 1, item041: 4 };
    assert.deepEqual(recommendOrRefusal(loaded, profile), recommendOrRefusal(model, profile), `${algo} recommendFor`);
    assert.deepEqual(loaded.similarItems('item003', { n: 5 }), model.similarItems('item003', { n: 5 }), `${algo} similar`);
    // The loaded model saves to the same bytes: its state survived whole.
    assert.deepEqual(loaded.save(), bytes, `${algo} saved again`);
    model.dispose();
    loaded.dispose();
  }
});

test('loadModel takes a Uint8Array, an ArrayBuffer, a Node Buffer or a Blob', async () => {
  const model = cofi.createModel('baseline');
  await model.fit(ratings);
  const bytes = model.save();
  const copy = bytes.slice();  // save() returns a copy, detached from WebAssembly memory
  const expected = model.predict(userIds[0], itemIds[0]);
  for (const input of [bytes, copy.buffer, Buffer.from(copy), new Blob([copy]), new DataView(copy.buffer)]) {
    const loaded = await cofi.loadModel(input);
    assert.deepEqual(loaded.predict(userIds[0], itemIds[0]), expected);
    loaded.dispose();
  }
  model.dispose();
});

test('bad bytes are refused with a ParseError naming the source; the module keeps working', async () => {
  const model = cofi.createModel('knn-means', { k: 5 });
  await model.fit(ratings);
  const bytes = model.save();
  const corrupted = bytes.slice();
  corrupted[100] ^= 1;
  const cases = [
    [corrupted, /^bad\.cofi: checksum mismatch: the file is corrupted$/],
    [bytes.slice(0, bytes.length - 3), /^bad\.cofi: the file is truncated/],
    [new TextEncoder().encode('user,item,rating\n1,2,3\n'), /^bad\.cofi: not a cofi model file/],
    [new Uint8Array(0), /^bad\.cofi: the file is empty/],
  ];
  const newer = bytes.slice();
  newer[8] = 9;
  cases.push([newer, /^bad\.cofi: model format version 9 was written by a newer cofi/]);
  for (const [input, message] of cases) {
    await assert.rejects(cofi.loadModel(input, { source: 'bad.cofi' }), (e) => {
      assert.ok(e instanceof ParseError, e.name);
      assert.equal(e.source, 'bad.cofi');
      assert.match(e.message, message);
      return true;
    });
  }
  await assert.rejects(cofi.loadModel('COFIMODL...'), UsageError);
  await assert.rejects(cofi.loadModel(corrupted), { name: 'ParseError', source: 'model' });
  assert.throws(() => cofi.createModel('baseline').save(), UsageError);
  // Still working after the errors.
  const loaded = await cofi.loadModel(bytes);
  assert.deepEqual(loaded.predict(userIds[1], itemIds[1]), model.predict(userIds[1], itemIds[1]));
  loaded.dispose();
  model.dispose();
});

const files = splitFiles(csv);

test('a model saved by the native CLI predicts identically in WASM, every algorithm', async () => {
  for (const algo of algorithms) {
    const path = tempFile(`${algo}.cofi`, '');
    execFileSync(nativeCli, ['fit', '--ratings', files.train, '--algo', algo, '--seed', '11', '--save', path]);
    const model = await cofi.loadModel(readFileSync(path), { source: path });
    assertSameAsNative(model, nativePredictions(path, files.test), `native-saved ${algo} in wasm`);
    model.dispose();
  }
});

test('a model saved in WASM predicts identically in the native CLI, every algorithm', async () => {
  const train = await cofi.readRatings(readFileSync(files.train), { source: 'train.csv' });
  for (const algo of algorithms) {
    const model = cofi.createModel(algo);
    await model.fit(train, { seed: 11 });
    const path = tempFile(`${algo}-wasm.cofi`, '');
    writeFileSync(path, model.save());
    assertSameAsNative(model, nativePredictions(path, files.test), `wasm-saved ${algo} natively`);
    model.dispose();
  }
  train.dispose();
});

test('MovieLens u1: svd saved natively, loaded in WASM: the same 20,000 test predictions', async () => {
  const dir = datasetDir('ml-100k');
  const algo = algorithms.includes('svd') ? 'svd' : 'knn-baseline';
  const path = tempFile(`u1-${algo}.cofi`, '');
  const fit = JSON.parse(execFileSync(nativeCli, ['fit', '--ratings', join(dir, 'u1.base'), '--algo', algo, '--seed', '1',
    '--save', path, '--json'], { encoding: 'utf8' }));
  assert.equal(fit.ratings, 80000);
  const bytes = readFileSync(path);
  assert.equal(fit.model_bytes, bytes.length);
  const model = await cofi.loadModel(bytes, { source: path });
  const expected = nativePredictions(path, join(dir, 'u1.test'));
  assert.equal(expected.length, 20000);
  assertSameAsNative(model, expected, `u1 ${algo}`);
  model.dispose();
});
