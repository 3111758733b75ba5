// The JS API over the WASM module: reading, models, results with the original ids, errors as
// Error subclasses, disposal; and the module keeps working after errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi, ParseError, UsageError, CofiError, Ratings, Model } from '../../dist/index.js';
import { syntheticRatings } from './helpers.mjs';

const cofi = await loadCofi();

test('readRatings: text, bytes and Blob give the same dataset with the original ids', async () => {
  const text = 'userId,movieId,rating\nalice@example.com,00042,5\n7f9c-uuid,Zoë 東京,3.5\nalice@example.com,Zoë 東京,4\n';
  for (const input of [text, new TextEncoder().encode(text), new Blob([text])]) {
    const r = await cofi.readRatings(input);
    assert.ok(r instanceof Ratings);
    assert.deepEqual(r.summary(), { ratings: 3, users: 2, items: 2, duplicates: 0, ratingMin: 3.5, ratingMax: 5, mean: 4.166666666666667, implicit: false });
    assert.deepEqual(r.userIds(), ['alice@example.com', '7f9c-uuid']);
    assert.deepEqual(r.itemIds(), ['00042', 'Zoë 東京']);
    assert.deepEqual(r.userRatings('alice@example.com'), { items: ['00042', 'Zoë 東京'], ratings: [5, 4] });
    assert.equal(r.report.header, true);
    r.dispose();
  }
});

test('a bad file is a ParseError with source, line and column; the module keeps working', async () => {
  await assert.rejects(cofi.readRatings('u,i,r\n1,a,4\n2,b,five\n', { source: 'ratings.csv' }), (e) => {
    assert.ok(e instanceof ParseError && e instanceof CofiError && e instanceof Error);
    assert.equal(e.message, 'ratings.csv:3: rating "five" is not a number');
    assert.equal(e.line, 3);
    assert.equal(e.column, 3);
    assert.equal(e.source, 'ratings.csv');
    return true;
  });
  await assert.rejects(cofi.readRatings('', { source: 'empty.csv' }), { name: 'ParseError', message: 'empty.csv: the file is empty' });
  // Many errors in a row, then a normal call still answers correctly.
  for (let k = 0; k < 200; k++) await assert.rejects(cofi.readRatings('u,i,r\n1,a,NaN\n'), ParseError);
  const r = await cofi.readRatings('1,a,4\n2,a,2\n');
  assert.equal(r.numRatings, 2);
  assert.equal(r.globalMean, 3);
});

test('skipBadRows reports how many rows were skipped and which', async () => {
  const r = await cofi.readRatings('u,i,r\n1,a,4\n2,b,x\n3,c\n4,d,5\n', { skipBadRows: true, source: 's.csv' });
  assert.equal(r.numRatings, 2);
  assert.equal(r.report.skipped, 2);
  assert.deepEqual(r.report.skippedLines, [3, 4]);
});

test('models: fit, predict, recommend, recommendFor, similarItems, popular, evaluate, rank', async () => {
  const data = await cofi.readRatings(syntheticRatings());
  const model = cofi.createModel('knn-baseline', { user_based: false, similarity: 'pearson_baseline', shrinkage: 10 });
  assert.ok(model instanceof Model);
  assert.equal(model.fitted, false);
  const seconds = await model.fit(data);
  assert.ok(seconds >= 0 && model.fitted);

  const p = model.predict('user-0', 'item000');
  assert.ok(p.value >= 1 && p.value <= 5 && typeof p.fallback === 'boolean');

  const rec = model.recommend('user-0', { n: 5 });
  assert.equal(rec.known, true);
  assert.equal(rec.items.length, 5);
  const rated = new Set(data.userRatings('user-0').items);
  for (const { item, score } of rec.items) {
    assert.ok(!rated.has(item), `${item} was rated`);
    assert.match(item, /^item\d{3}$/);
    assert.equal(typeof score, 'number');
  }
  for (let k = 1; k < rec.items.length; k++) assert.ok(rec.items[k - 1].score >= rec.items[k].score);
  // user-0 is in the group that likes even items: most recommendations are even items.
  assert.ok(rec.items.filter(({ item }) => Number(item.slice(4)) % 2 === 0).length >= 4);

  // A new person who loves odd items gets odd items, without retraining; unknown items are reported.
  const fresh = model.recommendFor({ item001: 5, item003: 5, item005: 5, item002: 1, nope: 4 }, { n: 5 });
  assert.deepEqual(fresh.unknownItems, ['nope']);
  assert.ok(fresh.items.filter(({ item }) => Number(item.slice(4)) % 2 === 1).length >= 4);
  assert.ok(!fresh.items.some(({ item }) => ['item001', 'item003', 'item005', 'item002'].includes(item)));

  const unknown = model.recommend('nobody', { n: 3 });
  assert.equal(unknown.known, false);
  assert.deepEqual(unknown.items, model.popular({ n: 3 }));

  const similar = model.similarItems('item004', { n: 4 });
  assert.equal(similar.length, 4);
  assert.ok(similar.every(({ item }) => item !== 'item004'));

  const cv = await cofi.crossValidate(data, 'baseline', {}, { folds: 3, seed: 1 });
  assert.equal(cv.folds.length, 3);
  assert.ok(cv.rmse > 0.3 && cv.rmse < 1.5);

  const testSet = await cofi.readRatings('user,item,rating\nuser-0,item010,5\nuser-1,item011,4\nuser-1,item010,1\n');
  const acc = model.evaluate(testSet);
  assert.equal(acc.predictions, 3);
  const rank = model.rank(testSet, { k: 10 });
  assert.equal(rank.users, 2);
  model.dispose();
  data.dispose();
  testSet.dispose();
});

test('misuse gives clear Errors, never numbers or aborts; the module answers afterwards', async () => {
  assert.throws(() => cofi.createModel('svd-nope'), { name: 'UsageError', message: /unknown algorithm 'svd-nope' \(known: random, / });
  assert.throws(() => cofi.createModel('knn-basic', { K: 40 }), { name: 'UsageError', message: /unknown parameter 'K' for knn-basic/ });
  assert.throws(() => cofi.createModel('knn-basic', { k: 'many' }), { name: 'UsageError', message: 'parameter k=many: expected a whole number' });
  assert.throws(() => cofi.createModel('knn-basic', { similarity: 'jaccard' }), UsageError);
  const model = cofi.createModel('knn-basic');
  assert.throws(() => model.recommend('1'), { name: 'UsageError', message: 'recommend: the model is not fitted yet (call fit first)' });
  await assert.rejects(model.fit('not ratings'), { name: 'UsageError', message: /fit expects a Ratings object/ });
  const data = await cofi.readRatings(syntheticRatings({ users: 20, items: 40 }));
  await model.fit(data);
  assert.throws(() => model.similarItems('no-such-item'), { name: 'RangeError', message: 'unknown item "no-such-item"' });
  assert.throws(() => model.recommend({}), { name: 'UsageError', message: 'user must be a string id (or a number), got object' });
  assert.throws(() => model.recommend('user-1', { n: -1 }), UsageError);
  assert.throws(() => model.recommendFor([['item001', NaN]]), { name: 'UsageError', message: /finite number/ });
  for (let k = 0; k < 500; k++) assert.throws(() => model.similarItems('x'), RangeError);
  assert.equal(model.recommend('user-1', { n: 3 }).items.length, 3);
  model.dispose();
  model.dispose();  // twice is fine
  assert.throws(() => model.predict('user-1', 'item001'), { name: 'UsageError', message: 'this Model has been disposed' });
  // The model shares the ratings: disposing the Ratings first keeps a fitted model working.
  const other = cofi.createModel('baseline');
  await other.fit(data);
  data.dispose();
  assert.equal(other.recommend('user-1', { n: 2 }).items.length, 2);
  other.dispose();
});

test('loadCofi accepts the .wasm bytes explicitly', async () => {
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(new URL('../../dist/cofi-core.wasm', import.meta.url));
  const second = await loadCofi({ wasmBinary: bytes });
  assert.deepEqual(second.algorithms(), cofi.algorithms());
});
