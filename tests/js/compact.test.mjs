// Compact models through the JS API and the worker: made from a fitted model, saved at a fraction
// of the size, loaded back, and answering visitors (recommendFor) as the full model does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi, Model, UsageError } from '../../dist/index.js';
import { serveCofi } from '../../dist/worker.js';
import { connectCofi } from '../../dist/worker-client.js';

const cofi = await loadCofi();

// 120 people x 60 items with two planted tastes (seeded), as CSV.
function plantedCsv() {
  let state = 2024;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = [];
  for (let u = 0; u < 120; u += 1)
    for (let i = 0; i < 60; i += 1) {
      if (next() > 0.35) continue;
      const likes = u % 2 === i % 2;
      lines.push(`u${u},i${i},${Math.min(5, Math.max(1, Math.round((likes ? 4 : 2) + 2 * (next() - 0.5))))}`);
    }
  return lines.join('\n');
}

const ratings = await cofi.readRatings(plantedCsv(), { source: 'planted.csv' });
const visitor = { i0: 5, i2: 4, i4: 5, i1: 1, i7: 2 };

for (const algorithm of ['svd', 'als', 'ials']) {
  test(`${algorithm}: compact copies are smaller and recommend as the full model does`, async () => {
    const model = cofi.createModel(algorithm, { factors: 16 });
    await model.fit(ratings, { seed: 3 });
    const full = model.save();
    const expected = model.recommendFor(visitor, { n: 10 }).items;
    let previous = Infinity;
    for (const encoding of ['float32', 'float16', 'int8']) {
      const compact = model.compact({ encoding });
      assert.equal(compact.algorithm, 'compact');
      const bytes = compact.save();
      assert.ok(bytes.length < previous, `${encoding}: ${bytes.length} bytes, not smaller than ${previous}`);
      previous = bytes.length;
      const loaded = await cofi.loadModel(bytes, { source: `${algorithm}-${encoding}.cofi` });
      const got = loaded.recommendFor(visitor, { n: 10 }).items;
      assert.equal(got.length, expected.length);
      if (algorithm !== 'ials') {
        // The planted taste wins either way: every recommendation is an even item, like the visitor's
        // likes. (ials counts every rating, low ones too, as a sign of interest: it learns no taste.)
        assert.ok(got.every(({ item }) => Number(item.slice(1)) % 2 === 0), `${encoding}: ${JSON.stringify(got)}`);
      }
      const shared = got.filter(({ item }) => expected.some((s) => s.item === item)).length;
      assert.ok(shared >= 8, `${encoding}: only ${shared} of the full model's top 10`);
      const tolerance = { float32: 1e-4, float16: 5e-3, int8: 5e-2 }[encoding];
      const byItem = new Map(expected.map((s) => [s.item, s.score]));
      for (const { item, score } of got) {
        if (byItem.has(item)) assert.ok(Math.abs(byItem.get(item) - score) <= tolerance * Math.max(1, Math.abs(score)), `${encoding} ${item}: ${score} vs ${byItem.get(item)}`);
      }
      if (encoding === 'float32') assert.deepEqual(got.map((s) => s.item), expected.map((s) => s.item));
      // No ratings, no users: a user id is unknown and gets the popular items.
      const forUser = loaded.recommend('u0', { n: 3 });
      assert.equal(forUser.known, false);
      assert.deepEqual(forUser.items.map((s) => s.item), model.popular({ n: 3 }).map((s) => s.item));
      compact.dispose();
      loaded.dispose();
    }
    assert.ok(previous * 3 < full.length, `int8: ${previous} bytes vs the full model's ${full.length}`);
    model.dispose();
  });
}

test('compact refuses models it cannot serve and encodings it does not know', async () => {
  const knn = cofi.createModel('knn-basic');
  await knn.fit(ratings);
  assert.throws(() => knn.compact(), (e) => e instanceof UsageError && /compact models are made from svd, als, ials or imported-als models .* not from knn-basic/.test(e.message));
  const svd = cofi.createModel('svd', { factors: 4, epochs: 2 });
  assert.throws(() => svd.compact(), (e) => e instanceof UsageError && e.message === 'compact: the model is not fitted yet (call fit first)');
  await svd.fit(ratings);
  assert.throws(() => svd.compact({ encoding: 'int4' }), (e) => e instanceof UsageError && e.message === 'unknown factor encoding "int4" (float32, float16 or int8)');
  assert.throws(() => svd.compact({ encoding: 8 }), UsageError);
  const compact = svd.compact();
  await assert.rejects(compact.fit(ratings), /a compact model is made from a fitted svd, als, ials or imported-als model/);
  // Model.load reads compact files like any other.
  const again = await Model.load(compact.save(), { cofi });
  assert.equal(again.algorithm, 'compact');
  assert.deepEqual(again.similarItems('i0', { n: 3 }), compact.similarItems('i0', { n: 3 }));
  for (const m of [knn, svd, compact, again]) m.dispose();
});

test('compact through the worker API', async () => {
  const { port1, port2 } = new MessageChannel();
  serveCofi(port1);
  const remote = await connectCofi(port2);
  try {
    const data = await remote.readRatings(plantedCsv(), { source: 'planted.csv' });
    const model = await remote.createModel('svd', { factors: 8 });
    await model.fit(data, { seed: 1 });
    const compact = await model.compact({ encoding: 'float16' });
    assert.equal(compact.algorithm, 'compact');
    const bytes = await compact.save();
    assert.ok(bytes.length * 3 < (await model.save()).length);
    const top = await compact.recommendFor(visitor, { n: 5 });
    assert.equal(top.items.length, 5);
  } finally {
    port1.close();
    port2.close();
  }
});
