// The JS API's remaining entry points: ratings from arrays, hold-out splits, validation during fit,
// recommend filters, bulk predictions, cross-validation with ranking metrics, Model.load, and the
// checks that keep objects of two module instances apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi, Model, Ratings, UsageError } from '../../dist/index.js';
import { syntheticRatings } from './helpers.mjs';

const cofi = await loadCofi();
const csv = syntheticRatings();

// The synthetic CSV as parallel arrays.
function arraysOf(text) {
  const users = [], items = [], values = [];
  for (const line of text.trim().split('\n').slice(1)) {
    const [u, i, r] = line.split(',');
    users.push(u);
    items.push(i);
    values.push(Number(r));
  }
  return { users, items, values };
}

test('ratingsFromArrays builds the same dataset as reading the CSV', async () => {
  const fromCsv = await cofi.readRatings(csv);
  const arrays = arraysOf(csv);
  for (const values of [arrays.values, Float32Array.from(arrays.values), Float64Array.from(arrays.values)]) {
    const fromArrays = cofi.ratingsFromArrays({ ...arrays, values });
    assert.ok(fromArrays instanceof Ratings);
    assert.deepEqual(fromArrays.summary(), fromCsv.summary());
    assert.deepEqual(fromArrays.userIds(), fromCsv.userIds());
    assert.deepEqual(fromArrays.itemIds(), fromCsv.itemIds());
    assert.equal(fromArrays.report.source, 'arrays');
    // Same data, same seed: the same model.
    const a = cofi.createModel('svd'), b = cofi.createModel('svd');
    await a.fit(fromCsv);
    await b.fit(fromArrays);
    assert.deepEqual(a.recommend('user-3'), b.recommend('user-3'));
    for (const x of [fromArrays, a, b]) x.dispose();
  }
  fromCsv.dispose();
});

test('ratingsFromArrays: numeric ids, implicit feedback, and clear errors', () => {
  const r = cofi.ratingsFromArrays({ users: [1, 2, 2], items: [10, 10, 11] });
  assert.equal(r.implicit, true);
  assert.deepEqual(r.userIds(), ['1', '2']);
  assert.equal(r.ratingMax, 1);
  r.dispose();
  assert.throws(() => cofi.ratingsFromArrays({ users: ['a', 'b'], items: ['x'] }),
    { name: 'UsageError', message: 'users, items and values must have the same length (got 2, 1 and no values)' });
  assert.throws(() => cofi.ratingsFromArrays({ users: ['a', 'b'], items: ['x', 'y'], values: [4, NaN] }),
    { name: 'UsageError', message: 'values[1] is not a finite number' });
  assert.throws(() => cofi.ratingsFromArrays({ users: ['a', null], items: ['x', 'y'] }),
    { name: 'UsageError', message: 'users[1] must be a string or a finite number, got null' });
  assert.throws(() => cofi.ratingsFromArrays({ users: ['a', ''], items: ['x', 'y'] }), { name: 'UsageError', message: 'users[1] is an empty id' });
  assert.throws(() => cofi.ratingsFromArrays({ users: 'ab', items: ['x', 'y'] }), UsageError);
  assert.throws(() => cofi.ratingsFromArrays({ users: [], items: [] }), { message: 'no ratings: the arrays are empty' });
  assert.throws(() => cofi.ratingsFromArrays({ users: ['a'], items: ['x'], values: ['5'] }), { message: 'values[0] must be a number, got string' });
});

test('split: a seeded hold-out of the stated size, evaluated and used for validation', async () => {
  const all = await cofi.readRatings(csv);
  const { train, test: held } = all.split({ testFraction: 0.25, seed: 3 });
  assert.equal(train.numRatings + held.numRatings, all.numRatings);
  assert.equal(held.numRatings, Math.ceil(all.numRatings * 0.25));
  const again = all.split({ testFraction: 0.25, seed: 3 });
  assert.deepEqual(again.test.summary(), held.summary());
  // Another seed holds out other ratings (same size).
  const other = all.split({ testFraction: 0.25, seed: 4 }).test;
  assert.equal(other.numRatings, held.numRatings);
  assert.notDeepEqual(other.userIds().map((u) => other.userRatings(u)), held.userIds().map((u) => held.userRatings(u)));
  assert.throws(() => all.split({ testFraction: 1 }), { name: 'UsageError', message: 'testFraction must be a number strictly between 0 and 1, got 1' });

  const model = cofi.createModel('svd', { epochs: 12 });
  const reports = [];
  await model.fit(train, { validation: held, onProgress: (r) => reports.push(r) });
  assert.equal(reports.length, 12);
  for (const r of reports) assert.ok(r.validationRmse > 0 && r.validationRmse < 2, `epoch ${r.epoch}: ${r.validationRmse}`);
  // The last epoch's validation RMSE is the model's RMSE on the held-out part.
  assert.ok(Math.abs(reports.at(-1).validationRmse - model.evaluate(held).rmse) < 1e-6);
  const ranking = model.rank(held, { k: 5 });
  assert.ok(ranking.precision >= 0 && ranking.precision <= 1 && ranking.users > 0);

  // Early stopping keeps the best epoch: its RMSE is the smallest reported.
  const early = cofi.createModel('svd', { epochs: 40, lr: 0.02 });
  const seen = [];
  await early.fit(train, { validation: held, patience: 2, onProgress: (r) => seen.push(r.validationRmse) });
  assert.ok(seen.length < 40, `stopped after ${seen.length} epochs`);
  assert.ok(Math.abs(early.evaluate(held).rmse - Math.min(...seen)) < 1e-6);
  await assert.rejects(early.fit(train, { patience: 2 }), { name: 'UsageError', message: 'patience needs validation ratings to watch' });
});

test('recommend and recommendFor honour exclude, include and excludeRated', async () => {
  const ratings = await cofi.readRatings(csv);
  const model = cofi.createModel('knn-baseline', { user_based: false });
  await model.fit(ratings);
  const user = 'user-5';
  const rated = new Set(ratings.userRatings(user).items);
  const top = model.recommend(user, { n: 5 }).items.map((s) => s.item);
  assert.equal(top.length, 5);
  for (const item of top) assert.ok(!rated.has(item));

  const withoutFirst = model.recommend(user, { n: 4, exclude: [top[0]] }).items.map((s) => s.item);
  assert.deepEqual(withoutFirst, top.slice(1));
  const onlyTwo = model.recommend(user, { include: [top[3], top[1], 'no-such-item'] }).items.map((s) => s.item);
  assert.deepEqual(onlyTwo, [top[1], top[3]]);
  assert.deepEqual(model.recommend(user, { include: ['no-such-item'] }).items, []);
  const everything = model.recommend(user, { n: 1000, excludeRated: false }).items.map((s) => s.item);
  assert.ok([...rated].every((item) => everything.includes(item)));
  // Unknown users get popular items, filtered too.
  const popular = model.popular({ n: 3 }).map((s) => s.item);
  assert.deepEqual(model.recommend('stranger', { n: 2, exclude: [popular[0]] }).items.map((s) => s.item), popular.slice(1, 3));

  const person = { item001: 5, item003: 5, item002: 1 };
  const fresh = model.recommendFor(person, { n: 3 }).items.map((s) => s.item);
  assert.equal(fresh.length, 3);
  assert.deepEqual(model.recommendFor(person, { n: 2, exclude: [fresh[0]] }).items.map((s) => s.item), fresh.slice(1));
  assert.throws(() => model.recommend(user, { exclude: 'item001' }), { name: 'UsageError', message: 'exclude must be an array of ids (strings or numbers), got string' });
  assert.throws(() => model.recommend(user, { excludeRated: 'no' }), UsageError);
});

test('predictMany returns typed arrays equal to predict, pair by pair', async () => {
  const ratings = await cofi.readRatings(csv);
  const model = cofi.createModel('svd');
  await model.fit(ratings);
  const users = ['user-1', 'user-2', 'stranger', 'user-7'];
  const items = ['item004', 'item010', 'item004', 'nothing'];
  const { values, fallback } = model.predictMany(users, items);
  assert.ok(values instanceof Float32Array && fallback instanceof Uint8Array);
  assert.equal(values.length, 4);
  users.forEach((u, k) => {
    const p = model.predict(u, items[k]);
    assert.equal(values[k], Math.fround(p.value));
    assert.equal(fallback[k], p.fallback ? 1 : 0);
  });
  assert.throws(() => model.predictMany(['a'], ['x', 'y']), { name: 'UsageError', message: 'predictMany needs as many items as users (got 1 and 2)' });
});

test('crossValidate reports ranking metrics per fold when asked', async () => {
  const ratings = await cofi.readRatings(csv);
  const plain = await cofi.crossValidate(ratings, 'baseline', {}, { folds: 3 });
  assert.equal(plain.precision, undefined);
  const ranked = await cofi.crossValidate(ratings, 'baseline', {}, { folds: 3, k: 5, threshold: 4 });
  assert.equal(ranked.folds.length, 3);
  assert.equal(ranked.rmse, plain.rmse);
  for (const key of ['precision', 'recall', 'ndcg', 'hitRate']) {
    const mean = ranked.folds.reduce((s, f) => s + f[key], 0) / 3;
    assert.ok(ranked[key] >= 0 && ranked[key] <= 1);
    assert.ok(Math.abs(ranked[key] - mean) < 1e-12);
  }
});

test('Model.load uses the latest instance, or the one given; objects of two instances do not mix', async () => {
  const ratings = await cofi.readRatings(csv);
  const model = cofi.createModel('als');
  await model.fit(ratings);
  const bytes = model.save();
  const other = await loadCofi();
  const inOther = await Model.load(bytes);  // `other` is now the latest instance
  assert.deepEqual(inOther.recommend('user-1'), model.recommend('user-1'));
  const inFirst = await Model.load(bytes, { cofi });
  assert.deepEqual(inFirst.recommend('user-1'), model.recommend('user-1'));
  await assert.rejects(inOther.fit(ratings), {
    name: 'UsageError', message: 'fit: the Ratings object belongs to another cofi instance (loadCofi was called twice)',
  });
  const otherRatings = await other.readRatings(csv);
  await inOther.fit(otherRatings);
  assert.deepEqual(inOther.recommend('user-1'), model.recommend('user-1'));
});

test('a second fit while one runs is refused; after it, fitting again works', async () => {
  const ratings = await cofi.readRatings(csv);
  const model = cofi.createModel('svd', { epochs: 5 });
  const first = model.fit(ratings);
  await assert.rejects(model.fit(ratings), { name: 'UsageError', message: 'this model is already fitting; await that fit (or abort it) first' });
  await first;
  await model.fit(ratings, { seed: 1 });
  assert.ok(model.fitted);
});

test('items.titles answers many ids at once', async () => {
  const items = await cofi.readItems('id,title\n1,One\n2,Two\n');
  assert.deepEqual(items.titles(['2', 1, 'x']), ['Two', 'One', null]);
  assert.throws(() => items.titles('12'), UsageError);
});
