// The worker API ('cofi/worker') end to end over a MessageChannel: the worker side (serveCofi) and
// the client (connectCofi) are the same code a Web Worker runs, only the transport differs.
// Covers every call, errors crossing as their classes, disposal, cancellation and queueing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi } from '../../dist/index.js';
import { serveCofi } from '../../dist/worker.js';
import { connectCofi, ParseError, UsageError, RemoteModel, RemoteRatings } from '../../dist/worker-client.js';
import { syntheticRatings } from './helpers.mjs';

const csv = syntheticRatings();

async function startWorker() {
  const { port1, port2 } = new MessageChannel();
  serveCofi(port1);
  const cofi = await connectCofi(port2);
  return { cofi, close: () => { port1.close(); port2.close(); } };
}

// The same steps through the main API, to compare answers with.
const direct = await loadCofi();

test('every call of the worker API answers as the main API does', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  assert.deepEqual(await cofi.algorithms(), direct.algorithms());

  const ratings = await cofi.readRatings(new Blob([csv]), { source: 'synthetic.csv' });
  const mine = await direct.readRatings(csv, { source: 'synthetic.csv' });
  assert.ok(ratings instanceof RemoteRatings);
  assert.deepEqual(ratings.summary(), mine.summary());
  assert.equal(ratings.numRatings, mine.numRatings);
  assert.deepEqual(ratings.report, mine.report);
  assert.deepEqual(await ratings.userIds(), mine.userIds());
  assert.deepEqual(await ratings.itemIds(), mine.itemIds());
  assert.equal(await ratings.userId(2), mine.userId(2));
  assert.equal(await ratings.itemId(1), mine.itemId(1));
  assert.equal(await ratings.hasUser('user-1'), true);
  assert.equal(await ratings.hasItem('nope'), false);
  assert.deepEqual(await ratings.userRatings('user-4'), mine.userRatings('user-4'));
  assert.equal(await ratings.itemCount('item004'), mine.itemCount('item004'));

  const { train, test: held } = await ratings.split({ testFraction: 0.2, seed: 1 });
  assert.ok(train instanceof RemoteRatings && held instanceof RemoteRatings);
  assert.equal(train.numRatings + held.numRatings, ratings.numRatings);

  const model = await cofi.createModel('svd', { epochs: 6 });
  assert.ok(model instanceof RemoteModel);
  assert.equal(model.fitted, false);
  const epochs = [];
  const seconds = await model.fit(train, { validation: held, onProgress: (r) => epochs.push(r) });
  assert.ok(seconds >= 0);
  assert.equal(model.fitted, true);
  assert.deepEqual(epochs.map((r) => r.epoch), [1, 2, 3, 4, 5, 6]);
  assert.ok(epochs.every((r) => r.validationRmse > 0));

  const split = mine.split({ testFraction: 0.2, seed: 1 });
  const same = direct.createModel('svd', { epochs: 6 });
  await same.fit(split.train);
  assert.deepEqual(await model.recommend('user-3', { n: 5 }), same.recommend('user-3', { n: 5 }));
  assert.deepEqual(await model.recommend('user-3', { n: 3, exclude: ['item001'] }), same.recommend('user-3', { n: 3, exclude: ['item001'] }));
  assert.deepEqual(await model.predict('user-3', 'item005'), same.predict('user-3', 'item005'));
  assert.deepEqual(await model.predictMany(['user-1', 'user-2'], ['item001', 'item002']), same.predictMany(['user-1', 'user-2'], ['item001', 'item002']));
  assert.deepEqual(await model.recommendFor({ item001: 5 }, { n: 4 }), same.recommendFor({ item001: 5 }, { n: 4 }));
  assert.deepEqual(await model.similarItems('item002', { n: 3 }), same.similarItems('item002', { n: 3 }));
  assert.deepEqual(await model.popular({ n: 3 }), same.popular({ n: 3 }));
  const target = same.recommend('user-3', { n: 1 }).items[0].item;
  assert.deepEqual(await model.explain('user-3', target), same.explain('user-3', target));
  assert.deepEqual(strip(await model.evaluate(held)), strip(same.evaluate(split.test)));
  assert.deepEqual(await model.rank(held, { k: 5 }), same.rank(split.test, { k: 5 }));

  const bytes = await model.save();
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual(bytes, same.save());
  const loaded = await cofi.loadModel(bytes);
  assert.equal(loaded.fitted, true);
  assert.equal(loaded.algorithm, 'svd');
  assert.deepEqual(await loaded.recommend('user-3'), same.recommend('user-3'));

  const arrays = await cofi.ratingsFromArrays({ users: ['a', 'b'], items: ['x', 'x'], values: [4, 2] });
  assert.equal(arrays.numRatings, 2);
  const cv = await cofi.crossValidate(ratings, 'baseline', {}, { folds: 3, k: 5 });
  assert.deepEqual(strip(cv), strip(await direct.crossValidate(mine, 'baseline', {}, { folds: 3, k: 5 })));

  const items = await cofi.readItems('id|title|genre\n1|One|a\n2|<b>Two</b>|b\n');
  assert.equal(items.size, 2);
  assert.deepEqual(items.columns, ['id', 'title', 'genre']);
  assert.equal(await items.title('2'), '<b>Two</b>');
  assert.deepEqual(await items.titles(['1', 'x']), ['One', null]);
  assert.deepEqual(await items.fields('1'), ['1', 'One', 'a']);
  assert.deepEqual(await items.ids(), ['1', '2']);
});

// Timings differ run to run; everything else must match exactly.
function strip(value) {
  return JSON.parse(JSON.stringify(value, (key, v) => (/Seconds$/.test(key) ? undefined : v)));
}

test('errors cross the worker as their classes, with line numbers', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  await assert.rejects(cofi.readRatings('u,i,r\n1,a,4\n2,b,oops\n', { source: 'bad.csv' }), (e) => {
    assert.ok(e instanceof ParseError);
    assert.equal(e.line, 3);
    assert.equal(e.column, 3);
    assert.equal(e.source, 'bad.csv');
    assert.equal(e.message, 'bad.csv:3: rating "oops" is not a number');
    return true;
  });
  const model = await cofi.createModel('svd');
  await assert.rejects(model.recommend('u'), { name: 'UsageError', message: 'recommend: the model is not fitted yet (call fit first)' });
  await assert.rejects(cofi.createModel('nope'), UsageError);
  await assert.rejects(model.fit('not ratings'), { name: 'UsageError', message: 'fit expects a Ratings object from this worker, got string' });
  await assert.rejects(model.recommend('u', { n: () => 1 }), { name: 'UsageError' });
  await assert.rejects(cofi.loadModel(new Uint8Array([1, 2, 3])), ParseError);
  // The worker still answers.
  const r = await cofi.readRatings(csv);
  await model.fit(r);
  assert.equal((await model.recommend('user-1', { n: 2 })).items.length, 2);
});

test('disposed objects reject with a UsageError; the worker frees them', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  const ratings = await cofi.readRatings(csv);
  const model = await cofi.createModel('baseline');
  await model.fit(ratings);
  ratings.dispose();
  ratings.dispose();  // twice is fine
  assert.equal(ratings.disposed, true);
  await assert.rejects(ratings.userIds(), { name: 'UsageError', message: 'this Ratings has been disposed' });
  await assert.rejects(model.fit(ratings), { name: 'UsageError', message: 'this Ratings has been disposed' });
  // The model keeps its training data alive in the worker.
  assert.equal((await model.recommend('user-2', { n: 1 })).items.length, 1);
  model.dispose();
  await assert.rejects(model.recommend('user-2'), { name: 'UsageError', message: 'this Model has been disposed' });
});

test('aborting a fit in the worker keeps the previous model; a queued fit can be aborted before it starts', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  const ratings = await cofi.readRatings(csv);
  const model = await cofi.createModel('svd', { epochs: 200 });
  await model.fit(ratings, { seed: 1 });
  const before = await model.recommend('user-8');

  const controller = new AbortController();
  let epochs = 0;
  const cancelled = model.fit(ratings, { seed: 2, signal: controller.signal, onProgress: () => { if (++epochs === 3) controller.abort(); } });
  await assert.rejects(cancelled, { name: 'AbortError' });
  assert.ok(epochs < 200, `stopped after ${epochs} epochs`);
  assert.equal(model.fitted, true);
  assert.deepEqual(await model.recommend('user-8'), before);

  // Queued behind a running fit, aborted before its turn: it never starts.
  const slow = model.fit(ratings, { seed: 3 });
  const queued = new AbortController();
  let queuedEpochs = 0;
  const never = model.fit(ratings, { seed: 4, signal: queued.signal, onProgress: () => { queuedEpochs++; } });
  queued.abort(new Error('changed my mind'));
  await assert.rejects(never, { message: 'changed my mind' });
  await slow;
  assert.equal(queuedEpochs, 0);
});

test('concurrent calls are queued in order, never interleaved', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  const ratings = await cofi.readRatings(csv);
  const model = await cofi.createModel('svd', { epochs: 15 });
  // Fired together: fit seed 1, a recommendation, fit seed 2, a recommendation.
  const calls = [
    model.fit(ratings, { seed: 1 }),
    model.recommend('user-6'),
    model.fit(ratings, { seed: 2 }),
    model.recommend('user-6'),
  ];
  const [, afterFirst, , afterSecond] = await Promise.all(calls);

  const mine = await direct.readRatings(csv);
  const expected = direct.createModel('svd', { epochs: 15 });
  await expected.fit(mine, { seed: 1 });
  assert.deepEqual(afterFirst, expected.recommend('user-6'));
  await expected.fit(mine, { seed: 2 });
  assert.deepEqual(afterSecond, expected.recommend('user-6'));
});

test('terminate rejects pending and later calls', async () => {
  const { cofi, close } = await startWorker();
  const ratings = await cofi.readRatings(csv);
  const model = await cofi.createModel('svd', { epochs: 100 });
  const pending = model.fit(ratings);
  cofi.terminate();
  await assert.rejects(pending, { name: 'UsageError', message: 'the cofi worker was terminated' });
  await assert.rejects(cofi.algorithms(), { name: 'UsageError', message: 'the cofi worker was terminated' });
  close();
});
