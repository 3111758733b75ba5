// fit with progress and cancellation, and explanations, through the JS API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi } from '../../dist/index.js';
import { syntheticRatings } from './helpers.mjs';

const cofi = await loadCofi();
const data = await cofi.readRatings(syntheticRatings({ users: 150, items: 60, perUser: 25 }));

test('fit reports every epoch with its loss', async () => {
  const model = cofi.createModel('svd', { epochs: 7, factors: 10 });
  const reports = [];
  await model.fit(data, { onProgress: (r) => reports.push(r) });
  assert.deepEqual(reports.map((r) => r.epoch), [1, 2, 3, 4, 5, 6, 7]);
  assert.ok(reports.every((r) => r.epochs === 7 && typeof r.loss === 'number' && r.validationRmse === null));
  assert.ok(reports[6].loss < reports[0].loss, 'the training loss falls');
  assert.ok(model.fitted);
  // One-shot models report a single step.
  const knn = cofi.createModel('knn-basic');
  const steps = [];
  await knn.fit(data, { onProgress: (r) => steps.push(r) });
  assert.equal(steps.length, 1);
  model.dispose();
  knn.dispose();
});

test('aborting a fit rejects with the reason and keeps the previous model intact', async () => {
  const model = cofi.createModel('svd', { epochs: 50, factors: 10 });
  await model.fit(data, { seed: 1 });
  const before = model.predict('user-3', 'item007').value;
  const controller = new AbortController();
  let epochs = 0;
  await assert.rejects(
    model.fit(data, { seed: 2, signal: controller.signal, onProgress: () => { if (++epochs === 3) controller.abort(new Error('stop')); } }),
    { message: 'stop' },
  );
  assert.equal(epochs, 3);
  assert.ok(model.fitted);
  assert.equal(model.predict('user-3', 'item007').value, before);
  // An unfitted model stays unfitted after a cancelled first fit.
  const fresh = cofi.createModel('svd', { epochs: 50 });
  const c2 = new AbortController();
  c2.abort();
  await assert.rejects(fresh.fit(data, { signal: c2.signal }), { name: 'AbortError' });
  assert.equal(fresh.fitted, false);
  model.dispose();
  fresh.dispose();
});

test('explain lists the rated items behind a recommendation', async () => {
  const model = cofi.createModel('knn-basic', { user_based: false, similarity: 'cosine' });
  await model.fit(data);
  const top = model.recommend('user-0', { n: 1 }).items[0];
  const why = model.explain('user-0', top.item, { n: 3 });
  assert.ok(why.length > 0 && why.length <= 3);
  const rated = new Set(data.userRatings('user-0').items);
  for (const { item, weight } of why) {
    assert.ok(rated.has(item), `${item} is one of user-0's ratings`);
    assert.ok(weight > 0);
  }
  for (let k = 1; k < why.length; k++) assert.ok(why[k - 1].weight >= why[k].weight);
  assert.throws(() => model.explain('nobody', top.item), { name: 'RangeError' });
  model.dispose();
});
