// loadCofi's `threads` option in Node: the threaded core runs only in cross-origin isolated
// browsers (tests/browser/threads.test.mjs), so Node refuses threads > 1 with a UsageError that
// says so, 'auto' falls back to the single-threaded core, and bad values are refused. The
// single-threaded core itself refuses a thread count above 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi, UsageError } from '../../dist/index.js';
import createCofiCore from '../../dist/cofi-core.mjs';

test('threads: 1 (the default) and threads: auto load the single-threaded core in Node', async () => {
  for (const options of [undefined, {}, { threads: 1 }, { threads: 'auto' }]) {
    const cofi = await loadCofi(options);
    assert.equal(cofi.threads, 1, JSON.stringify(options));
    // A working core: a tiny model fits.
    const ratings = cofi.ratingsFromArrays({ users: ['a', 'a', 'b'], items: ['x', 'y', 'x'], values: [5, 3, 4] });
    const model = cofi.createModel('als', { factors: 2, epochs: 2 });
    await model.fit(ratings);
    assert.ok(Number.isFinite(model.predict('b', 'y').value));
  }
});

test('threads above 1 reject in Node with a UsageError saying the threaded core is for browsers', async () => {
  await assert.rejects(loadCofi({ threads: 2 }), (error) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /threads: 2 needs the multi-threaded build/);
    assert.match(error.message, /browsers only/);
    assert.match(error.message, /use threads: 1 in Node/);
    return true;
  });
});

test('threads must be 1, auto or a whole number from 1 to 64', async () => {
  for (const threads of [0, -1, 1.5, 65, '2', 'all', null, Number.NaN]) {
    await assert.rejects(loadCofi({ threads }), (error) => {
      assert.ok(error instanceof UsageError, String(threads));
      assert.match(error.message, /^threads must be 1, 'auto' or a whole number from 1 to 64, got /);
      return true;
    });
  }
});

test('the single-threaded core keeps one thread when asked for more', async () => {
  const core = await createCofiCore();
  // setThreads answers the count in effect.
  assert.equal(core.setThreads(2), 1);
  assert.equal(core.setThreads(1), 1);
});
