// Item factors trained by Spark (the fixture in Spark's output layout) or implicit (.npy + ids),
// imported through the JS API and the worker, saved and loaded, and folded in for a visitor.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCofi, Model, ParseError, UsageError } from '../../dist/index.js';
import { serveCofi } from '../../dist/worker.js';
import { connectCofi } from '../../dist/worker-client.js';
import { root } from './helpers.mjs';

const cofi = await loadCofi();
const fixture = join(root, 'tests/fixtures/spark-als');
const parts = readdirSync(join(fixture, 'itemFactors')).filter((f) => f.startsWith('part-')).sort()
  .map((f) => readFileSync(join(fixture, 'itemFactors', f)));
const metadata = readFileSync(join(fixture, 'metadata/part-00000'));

// The item factors as a matrix, for checking scores by hand.
const rows = parts.flatMap((p) => p.toString().trim().split('\n')).map((line) => JSON.parse(line));

test('Spark parts and metadata import into a model that folds a visitor in', async () => {
  const model = await cofi.importFactors({ itemFactors: parts, settings: metadata });
  assert.equal(model.algorithm, 'imported-als');
  assert.equal(model.fitted, true);
  const visitor = { 10: 5, 40: 1, 50: 3.5, 80: 4 };
  const { items, unknownItems } = model.recommendFor(visitor, { n: 9 });
  assert.deepEqual(unknownItems, []);
  assert.equal(items.length, 5);  // the 9 items less the 4 rated
  assert.ok(items.every(({ item }) => !(item in visitor)));
  // Scores are x . y for one x: they are a linear function of the factors. Recover x from three
  // items by solving, then check every other score against it.
  const byId = new Map(rows.map((r) => [String(r.id), r.features]));
  const [a, b, c] = items.slice(0, 3).map(({ item }) => byId.get(item));
  const s = items.slice(0, 3).map(({ score }) => score);
  const x = solve3([a, b, c], s);
  for (const { item, score } of items) {
    const y = byId.get(item);
    assert.ok(Math.abs(y[0] * x[0] + y[1] * x[1] + y[2] * x[2] - score) < 1e-4, `item ${item}`);
  }
  // An unknown user gets the catalogue order (no popularity is known); similar items by factors.
  assert.equal(model.recommend('nobody', { n: 3 }).known, false);
  assert.equal(model.similarItems('10', { n: 2 }).length, 2);

  const again = await Model.load(model.save());
  assert.deepEqual(again.recommendFor(visitor, { n: 9 }), model.recommendFor(visitor, { n: 9 }));
});

function solve3(m, v) {
  const det = (a) => a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  return [0, 1, 2].map((col) => det(m.map((row, r) => row.map((x, c) => (c === col ? v[r] : x)))) / d);
}

test('settings as an object, params overriding them, and the implicit convention differ as they should', async () => {
  const explicit = await cofi.importFactors({ itemFactors: parts, settings: { rank: 3, regParam: 0.05 } });
  const fromMetadata = await cofi.importFactors({ itemFactors: parts, settings: metadata });
  const visitor = { 20: 4, 30: 2 };
  assert.deepEqual(explicit.recommendFor(visitor), fromMetadata.recommendFor(visitor));
  const stronger = await cofi.importFactors({ itemFactors: parts, settings: metadata, params: { reg: 5 } });
  assert.notDeepEqual(stronger.recommendFor(visitor).items.map((s) => s.score), explicit.recommendFor(visitor).items.map((s) => s.score));
  const implicit = await cofi.importFactors({ itemFactors: parts, settings: { implicitPrefs: true, alpha: 10, regParam: 0.1 } });
  assert.notDeepEqual(implicit.recommendFor(visitor).items.map((s) => s.score), explicit.recommendFor(visitor).items.map((s) => s.score));
});

test('implicit: a .npy of item factors and the id list', async () => {
  // numpy.save layout, float32, C order, 3 items x 2 factors.
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
  const header = dict.padEnd(64 - 10 - 1, ' ') + '\n';
  const head = new Uint8Array([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length, 0, ...new TextEncoder().encode(header)]);
  const data = new Uint8Array(new Float32Array([1, 0, 0, 1, 0.9, 0.1]).buffer);
  const npy = new Uint8Array([...head, ...data]);
  const model = await cofi.importFactors({ npy, ids: 'apple\nbanana\ncherry\n', settings: { regularization: 0.01, alpha: 2 } });
  assert.equal(model.recommendFor({ apple: 1 }, { n: 1 }).items[0].item, 'cherry');
  await assert.rejects(cofi.importFactors({ npy, ids: 'apple\nbanana\n' }), { name: 'ParseError', message: 'ids: 2 ids for 3 rows of factors in item_factors.npy' });
});

test('bad exports are ParseErrors with lines; misuse is a UsageError', async () => {
  await assert.rejects(cofi.importFactors({ itemFactors: '{"id":1,"features":[1,2]}\n{"id":2,"features":[1]}\n' }), (e) => {
    assert.ok(e instanceof ParseError);
    assert.equal(e.line, 2);
    assert.equal(e.message, 'itemFactors:2: item "2" has 1 factors; the first item had 2');
    return true;
  });
  await assert.rejects(cofi.importFactors({ itemFactors: [parts[0], parts[0]] }), { message: 'itemFactors part 2: item "10" also appears in an earlier part' });
  await assert.rejects(cofi.importFactors({ itemFactors: parts, settings: { rank: 4 } }), { message: 'settings gives rank 4 but the factors have rank 3' });
  await assert.rejects(cofi.importFactors({}), UsageError);
  await assert.rejects(cofi.importFactors({ npy: new Uint8Array(4) }), { name: 'UsageError', message: 'importFactors: npy needs ids (the item ids, one per line in row order)' });
  const model = await cofi.importFactors({ itemFactors: parts });
  await assert.rejects(model.fit(await cofi.readRatings('u,i,r\n1,10,4\n')), { message: 'imported-als is trained elsewhere (Spark, implicit): import its item factors instead of fitting it' });
});

test('the worker API imports too', async (t) => {
  const { port1, port2 } = new MessageChannel();
  serveCofi(port1);
  const remote = await connectCofi(port2);
  t.after(() => { port1.close(); port2.close(); });
  const model = await remote.importFactors({ itemFactors: parts.map((p) => new Blob([p])), settings: new Blob([metadata]) });
  const direct = await cofi.importFactors({ itemFactors: parts, settings: metadata });
  assert.deepEqual(await model.recommendFor({ 10: 5 }), direct.recommendFor({ 10: 5 }));
});
