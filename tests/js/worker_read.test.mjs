// The worker API's reading progress and cancellation (readRatings/readItems with onProgress and
// signal), and Ratings.counts() directly and through the worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi } from '../../dist/index.js';
import { serveCofi } from '../../dist/worker.js';
import { connectCofi } from '../../dist/worker-client.js';
import { syntheticRatings } from './helpers.mjs';

async function startWorker() {
  const { port1, port2 } = new MessageChannel();
  serveCofi(port1);
  const cofi = await connectCofi(port2);
  return { cofi, close: () => { port1.close(); port2.close(); } };
}

const direct = await loadCofi();
// About 2 MB: a Blob this size arrives in the worker in many chunks.
const bigCsv = syntheticRatings({ users: 9000, items: 400, perUser: 12, seed: 11 });

test('readRatings reports reading progress, then parsing, and reads the same data', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  const blob = new File([bigCsv], 'big.csv');
  const reports = [];
  const ratings = await cofi.readRatings(blob, { onProgress: (p) => reports.push(p) });
  assert.ok(reports.length >= 2, JSON.stringify(reports));
  const reading = reports.filter((p) => p.phase === 'reading');
  assert.ok(reading.length >= 1);
  for (const p of reading) {
    assert.equal(p.total, blob.size);
    assert.ok(p.loaded > 0 && p.loaded <= p.total);
  }
  assert.deepEqual(reading.map((p) => p.loaded), reading.map((p) => p.loaded).sort((a, b) => a - b));
  assert.deepEqual(reports.at(-1), { phase: 'parsing', loaded: blob.size, total: blob.size });
  // The File's name is still the source, as without progress.
  assert.equal(ratings.report.source, 'big.csv');
  const mine = await direct.readRatings(bigCsv, { source: 'big.csv' });
  assert.deepEqual(ratings.summary(), mine.summary());
  assert.deepEqual(ratings.report, mine.report);

  // Text has no reading phase; errors keep their line numbers.
  const text = [];
  await assert.rejects(cofi.readRatings('u,i,r\n1,a,4\n2,b,x\n', { source: 't.csv', onProgress: (p) => text.push(p.phase) }),
    { name: 'ParseError', line: 3 });
  assert.deepEqual(text, ['parsing']);
  const items = await cofi.readItems(new File(['id|title\n1|One\n'], 'items.txt'), { onProgress: (p) => text.push(p.phase) });
  assert.equal(await items.title('1'), 'One');
  await assert.rejects(cofi.readRatings(bigCsv, { onProgress: 'no' }), { name: 'UsageError' });
});

test('aborting a read rejects with the reason; the worker answers afterwards', async (t) => {
  const { cofi, close } = await startWorker();
  t.after(close);
  const controller = new AbortController();
  const reports = [];
  const reading = cofi.readRatings(new Blob([bigCsv]), {
    signal: controller.signal,
    onProgress: (p) => { reports.push(p.phase); controller.abort(new Error('not this one')); },
  });
  await assert.rejects(reading, { message: 'not this one' });
  assert.equal(reports[0], 'reading');
  // Aborted before it was sent: rejects at once.
  await assert.rejects(cofi.readRatings(bigCsv, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  const ratings = await cofi.readRatings(new Blob([bigCsv]), { onProgress: () => {} });
  assert.ok(ratings.numRatings > 100_000);
});

test('counts: ratings per user and per item, and each rating value', async (t) => {
  const csv = 'user,item,rating\na,x,4\na,y,5\nb,x,4\nc,x,1\nc,z,4.5\n';
  const mine = await direct.readRatings(csv);
  const counts = mine.counts();
  assert.ok(counts.perUser instanceof Int32Array && counts.perItem instanceof Int32Array);
  assert.deepEqual([...counts.perUser], [2, 1, 2]);        // a, b, c in order of appearance
  assert.deepEqual([...counts.perItem], [3, 1, 1]);        // x, y, z
  assert.deepEqual([...counts.values], [1, 4, 4.5, 5]);
  assert.deepEqual([...counts.valueCounts], [1, 2, 1, 1]);

  const { cofi, close } = await startWorker();
  t.after(close);
  const remote = await cofi.readRatings(bigCsv);
  const local = await direct.readRatings(bigCsv);
  const a = await remote.counts(), b = local.counts();
  assert.deepEqual(a, b);
  assert.equal(a.perUser.reduce((s, n) => s + n, 0), local.numRatings);
  assert.equal(a.perItem.reduce((s, n) => s + n, 0), local.numRatings);
  assert.equal(a.valueCounts.reduce((s, n) => s + n, 0), local.numRatings);
  assert.equal(a.perUser[7], local.userRatings(local.userId(7)).items.length);
  // Implicit feedback: every rating is 1.
  const implicit = (await direct.readRatings('a,x\na,y\nb,x\n')).counts();
  assert.deepEqual([...implicit.values], [1]);
  assert.deepEqual([...implicit.valueCounts], [3]);
});
