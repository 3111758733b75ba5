// Misuse and long sessions through the public JS API: a thousand misuses each give a clear Error
// and leave the module answering exactly as before; 200 fit/dispose cycles leave the WebAssembly
// heap where it was; a cancelled or refused fit leaves the trained model byte for byte intact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi, MemoryError, ParseError, UsageError } from '../../dist/index.js';
import { syntheticRatings } from './helpers.mjs';

const cofi = await loadCofi();
const csv = syntheticRatings({ users: 60, items: 40, perUser: 12 });

// Everything a caller can observe of a fitted model, for before/after comparisons.
function answers(model, users, items) {
  return {
    recommend: users.map((u) => model.recommend(u, { n: 5 })),
    predict: users.flatMap((u) => items.map((i) => model.predict(u, i))),
    similar: items.slice(0, 5).map((i) => model.similarItems(i, { n: 3 })),
    fresh: model.recommendFor({ [items[0]]: 5, [items[1]]: 1 }, { n: 4 }),
    saved: Buffer.from(model.save()).toString('base64'),
  };
}

test('1,000 misuses each give a clear Error; the same module then answers exactly as before', async () => {
  const ratings = await cofi.readRatings(csv, { source: 'synthetic.csv' });
  const model = cofi.createModel('svd', { factors: 8, epochs: 5 });
  await model.fit(ratings, { seed: 4 });
  const users = ratings.userIds().slice(0, 6);
  const items = ratings.itemIds().slice(0, 8);
  const before = answers(model, users, items);
  const unfitted = cofi.createModel('knn-basic');
  const disposed = cofi.createModel('baseline');
  await disposed.fit(ratings);
  disposed.dispose();
  const disposedRatings = await cofi.readRatings(csv);
  disposedRatings.dispose();

  // Each misuse: what is called, the Error class and the message it must carry.
  const misuses = [
    [() => unfitted.recommend('user-1'), UsageError, 'recommend: the model is not fitted yet (call fit first)'],
    [() => unfitted.predict('user-1', 'item001'), UsageError, 'predict: the model is not fitted yet (call fit first)'],
    [() => unfitted.save(), UsageError, 'save: the model is not fitted yet (call fit first)'],
    [() => model.explain('nobody', 'item001'), RangeError, 'unknown user "nobody"'],
    [() => model.similarItems('no-such-item'), RangeError, 'unknown item "no-such-item"'],
    [() => ratings.userRatings('nobody'), RangeError, 'unknown user "nobody"'],
    [() => disposed.recommend('user-1'), UsageError, 'this Model has been disposed'],
    [() => disposedRatings.numRatings, UsageError, 'this Ratings has been disposed'],
    [() => model.recommend({}), UsageError, 'user must be a string id (or a number), got object'],
    [() => model.predict(null, 'item001'), UsageError, 'user must be a string id (or a number), got null'],
    [() => model.predict('user-1', NaN), UsageError, 'item must be a string id (or a number), got NaN'],
    [() => model.recommend('user-1', { n: NaN }), UsageError, 'n must be a whole number >= 0, got NaN'],
    [() => model.recommend('user-1', { n: 'ten' }), UsageError, 'n must be a whole number >= 0, got string'],
    [() => model.recommendFor([['item001', NaN]]), UsageError, 'rating for item item001 must be a finite number, got NaN'],
    [() => model.recommendFor([['item001']]), UsageError, 'recommendFor expects [item, rating] pairs'],
    [() => model.evaluate('test.csv'), UsageError, 'evaluate expects a Ratings object, got string'],
    [() => cofi.createModel(42), UsageError, 'createModel expects an algorithm name, got 42'],
    [() => cofi.createModel('svd', { factors: 'many' }), UsageError, 'parameter factors=many: expected a whole number'],
    [() => model.fit([1, 2, 3]), UsageError, 'fit expects a Ratings object, got an array'],
    [() => model.fit(ratings, { seed: NaN }), UsageError, 'seed must be a whole number >= 0, got NaN'],
    [() => cofi.readRatings(42), UsageError, 'expected CSV text, bytes (Uint8Array/ArrayBuffer) or a Blob/File, got 42'],
    [() => cofi.readRatings('u,i,r\n1,a,NaN\n', { source: 'nan.csv' }), ParseError, 'nan.csv:2: rating "NaN" is not a finite number'],
    [() => cofi.loadModel('not bytes'), UsageError,
      'loadModel expects the bytes of a saved model (Uint8Array, ArrayBuffer or Blob/File), got string'],
    [() => cofi.loadModel(new Uint8Array(3), { source: 'x.cofi' }), ParseError, 'x.cofi: not a cofi model file (it does not start with COFIMODL)'],
  ];
  const seen = new Map();
  for (let k = 0; k < 1000; k++) {
    const [call, kind, message] = misuses[k % misuses.length];
    let error;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof kind && error instanceof Error, `misuse ${k % misuses.length}: ${error?.name} ${error?.message}`);
    assert.equal(error.message, message);
    seen.set(kind.name, (seen.get(kind.name) ?? 0) + 1);
  }
  assert.deepEqual([...seen.keys()].sort(), ['ParseError', 'RangeError', 'UsageError']);
  // The same instance answers as before, and trains and reads as before.
  assert.deepEqual(answers(model, users, items), before);
  const again = cofi.createModel('svd', { factors: 8, epochs: 5 });
  const reread = await cofi.readRatings(csv);
  await again.fit(reread, { seed: 4 });
  assert.deepEqual(answers(again, users, items), before);
  for (const handle of [model, unfitted, again, ratings, reread]) handle.dispose();
});

test('200 fit/dispose cycles leave the WebAssembly heap in use where it was', async () => {
  const cycle = async (k) => {
    const ratings = await cofi.readRatings(csv);
    const model = cofi.createModel(k % 2 ? 'svd' : 'knn-baseline', { ...(k % 2 ? { factors: 16, epochs: 3 } : {}) });
    await model.fit(ratings, { seed: k });
    assert.equal(model.recommend('user-1', { n: 3 }).items.length, 3);
    const saved = model.save();
    const loaded = await cofi.loadModel(saved);
    loaded.dispose();
    model.dispose();
    ratings.dispose();
  };
  // One cycle first: the first use of each code path allocates for good (Embind's type tables,
  // static caches), which is not a leak.
  await cycle(0);
  await cycle(1);
  const before = cofi.memory();
  for (let k = 0; k < 200; k++) await cycle(k);
  const after = cofi.memory();
  console.log(`heap in use before: ${before.usedBytes} bytes, after 200 fit/dispose cycles: ${after.usedBytes} bytes ` +
    `(module memory ${before.heapBytes} -> ${after.heapBytes} bytes, at most ${after.maxBytes})`);
  assert.ok(before.usedBytes > 0 && before.maxBytes >= before.heapBytes);
  // Flat: within 16 KB, where one leaked data set or model per cycle would be over 200 times that.
  assert.ok(Math.abs(after.usedBytes - before.usedBytes) <= 16 * 1024,
    `heap in use grew from ${before.usedBytes} to ${after.usedBytes} bytes`);
});

test('a fit cancelled midway leaves the trained model answering and saving byte for byte as before', async () => {
  const ratings = await cofi.readRatings(csv);
  const users = ratings.userIds().slice(0, 5);
  const items = ratings.itemIds().slice(0, 6);
  for (const algorithm of ['svd', 'svdpp', 'nmf', 'als', 'ials', 'bpr', 'co-clustering']) {
    const model = cofi.createModel(algorithm, { epochs: 12 });
    await model.fit(ratings, { seed: 1 });
    const before = answers(model, users, items);
    const controller = new AbortController();
    let epochs = 0;
    await assert.rejects(
      model.fit(ratings, { seed: 2, signal: controller.signal, onProgress: () => { if (++epochs === 5) controller.abort(); } }),
      { name: 'AbortError' },
    );
    assert.equal(epochs, 5, algorithm);
    assert.ok(model.fitted);
    assert.deepEqual(answers(model, users, items), before, `${algorithm} changed after a cancelled fit`);
    model.dispose();
  }
  ratings.dispose();
});

test('a model too large for WebAssembly memory is refused up front with a MemoryError; the trained one is kept', async () => {
  const ratings = await cofi.readRatings(csv);
  const model = cofi.createModel('bpmf', { factors: 4, burnin: 2, samples: 3 });
  await model.fit(ratings, { seed: 1 });
  const before = answers(model, ratings.userIds().slice(0, 3), ratings.itemIds().slice(0, 4));
  const { maxBytes } = cofi.memory();
  // The largest settings: 100,000 kept samples of 501 floats per user and item.
  const huge = cofi.createModel('bpmf', { factors: 500, burnin: 0, samples: 100000 });
  await assert.rejects(huge.fit(ratings), (e) => {
    assert.ok(e instanceof MemoryError);
    // Every kept sample holds (bias, 500 factors) in float32 for each user and item.
    const people = ratings.numUsers + ratings.numItems;
    const needed = ((100000 + 1) * people * 501 * 4 / 2 ** 30).toFixed(1);
    const most = (maxBytes / 2 ** 30).toFixed(1);
    assert.match(e.message, new RegExp(`^bpmf: needs about ${needed} GB of memory for its parameters on ${ratings.numUsers} users and ${ratings.numItems} items; ` +
      `cofi can use at most ${most} GB \\([\\d.]+ [KMG]B free\\)$`));
    return true;
  });
  assert.equal(huge.fitted, false);
  assert.deepEqual(answers(model, ratings.userIds().slice(0, 3), ratings.itemIds().slice(0, 4)), before);
  huge.dispose();
  model.dispose();
  ratings.dispose();
});
