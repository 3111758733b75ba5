// The multi-threaded core (loadCofi({ threads }), dist/cofi-core-threads.*) in Debian's Chromium:
// with a cross-origin isolated server it fits als, ials and item kNN to exactly the same model bytes as the
// single-threaded core, on the page and inside the module worker (whose pthread Workers are then
// nested workers); without isolation threads: 2 is refused with a UsageError that names the
// headers, and threads: 'auto' falls back to one thread. Run: node --test tests/browser/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let isolated;    // server with COOP/COEP
let plain;       // the same files without them
let context;
let profileDir;
let webDir;

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'dist/cofi-core-threads.worker.js')), 'dist/ is missing the threaded core: run scripts/build wasm');
  // An empty page: the tests import dist/ modules into it.
  webDir = await mkdtemp(path.join(os.tmpdir(), 'cofi-threads-web-'));
  await writeFile(path.join(webDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>threads</title><p>threads</p>\n');
  isolated = await startServer({ port: 0, webDir, crossOriginIsolated: true });
  plain = await startServer({ port: 0, webDir });
  profileDir = await mkdtemp(path.join(os.tmpdir(), 'cofi-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  await isolated?.close();
  await plain?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

/** A fresh page on `server`, failing the test on any page error or console error. */
async function openPage(server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.goto(server.url);
  return { page, errors };
}

// Runs in the page: a seeded data set (uneven users and items) as parallel arrays, then als and
// ials fitted on `cofi` (the main API or the worker API: same calls, awaited). Returns the saved
// model bytes and the predictions of every training pair, as arrays of numbers (they cross back
// into Node).
const FIT_IN_PAGE = async (cofi) => {
  let seed = 12345;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const users = [], items = [], values = [];
  const seen = new Set();
  for (let u = 0; u < 400; u++) {
    const n = 3 + Math.floor(next() * (u % 7 === 0 ? 120 : 25));
    for (let k = 0; k < n; k++) {
      const i = Math.floor(next() ** 2 * 300);
      if (seen.has(u * 1000 + i)) continue;
      seen.add(u * 1000 + i);
      users.push(`u${u}`);
      items.push(`i${i}`);
      values.push(1 + ((u * 7 + i * 3) % 5));
    }
  }
  const ratings = await cofi.ratingsFromArrays({ users, items, values });
  const out = {};
  for (const [algorithm, params] of [['als', { factors: 16, epochs: 4 }], ['ials', { factors: 16, epochs: 4 }],
    ['knn-basic', { user_based: false, similarity: 'cosine' }]]) {
    const model = await cofi.createModel(algorithm, params);
    await model.fit(ratings, { seed: 3 });
    // kNN saves no state (similarities are rebuilt on load): its predictions show them.
    const { values: predicted } = await model.predictMany(users, items);
    out[algorithm] = { saved: Array.from(await model.save()), predicted: Array.from(predicted) };
  }
  return out;
};

test('threads: 2 on an isolated page fits als, ials and item kNN exactly as the single-threaded core', async () => {
  const { page, errors } = await openPage(isolated);
  const result = await page.evaluate(async (fitSource) => {
    const fit = eval(`(${fitSource})`);
    const { loadCofi } = await import('/dist/index.js');
    const single = await loadCofi();
    const threaded = await loadCofi({ threads: 2 });
    // With wasmUrl the .worker.js is still found next to the module.
    const viaUrl = await loadCofi({ threads: 2, wasmUrl: new URL('/dist/cofi-core-threads.wasm', location.href) });
    return {
      isolated: globalThis.crossOriginIsolated,
      singleThreads: single.threads,
      threads: threaded.threads,
      single: await fit(single),
      threaded: await fit(threaded),
      viaUrl: await fit(viaUrl),
    };
  }, FIT_IN_PAGE.toString());
  assert.equal(result.isolated, true);
  assert.equal(result.singleThreads, 1);
  assert.equal(result.threads, 2);
  for (const algorithm of ['als', 'ials', 'knn-basic']) {
    const { saved, predicted } = result.single[algorithm];
    assert.ok(saved.length > 10_000, `${algorithm}: a model file`);
    assert.ok(predicted.length > 5000 && predicted.every(Number.isFinite), `${algorithm}: predictions`);
    assert.deepEqual(result.threaded[algorithm].saved, saved, `${algorithm}: the same model bytes`);
    assert.deepEqual(result.threaded[algorithm].predicted, predicted, `${algorithm}: the same predictions`);
    assert.deepEqual(result.viaUrl[algorithm].saved, saved, `${algorithm}: the same model bytes (wasmUrl)`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('loadCofiWorker({ threads: 2 }) runs the threaded core inside the module worker, same models', async () => {
  const { page, errors } = await openPage(isolated);
  const result = await page.evaluate(async (fitSource) => {
    const fit = eval(`(${fitSource})`);
    const { loadCofi } = await import('/dist/index.js');
    const { loadCofiWorker } = await import('/dist/worker-client.js');
    const worker = await loadCofiWorker({ threads: 2 });
    try {
      return { threads: worker.threads, single: await fit(await loadCofi()), threaded: await fit(worker) };
    } finally {
      worker.terminate();
    }
  }, FIT_IN_PAGE.toString());
  assert.equal(result.threads, 2);
  for (const algorithm of ['als', 'ials', 'knn-basic']) assert.deepEqual(result.threaded[algorithm], result.single[algorithm], algorithm);
  assert.deepEqual(errors, []);
  await page.close();
});

test('without isolation threads: 2 is refused with a UsageError naming the headers; auto uses 1 thread', async () => {
  const { page, errors } = await openPage(plain);
  const result = await page.evaluate(async () => {
    const { loadCofi } = await import('/dist/index.js');
    const { loadCofiWorker } = await import('/dist/worker-client.js');
    const refused = async (load) => {
      try {
        await load();
        return null;
      } catch (error) {
        return { name: error.name, message: error.message };
      }
    };
    const auto = await loadCofi({ threads: 'auto' });
    const autoWorker = await loadCofiWorker({ threads: 'auto' });
    const workerThreads = autoWorker.threads;
    autoWorker.terminate();
    return {
      isolated: globalThis.crossOriginIsolated,
      page: await refused(() => loadCofi({ threads: 2 })),
      worker: await refused(() => loadCofiWorker({ threads: 2 })),
      bad: await refused(() => loadCofi({ threads: 0 })),
      autoThreads: auto.threads,
      workerThreads,
      // The fallback is the working single-threaded core.
      algorithms: auto.algorithms().length,
    };
  });
  assert.equal(result.isolated, false);
  for (const error of [result.page, result.worker]) {
    assert.equal(error?.name, 'UsageError');
    assert.match(error.message, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(error.message, /Cross-Origin-Embedder-Policy: require-corp/);
  }
  assert.equal(result.bad?.name, 'UsageError');
  assert.match(result.bad.message, /threads must be 1, 'auto' or a whole number/);
  assert.equal(result.autoThreads, 1);
  assert.equal(result.workerThreads, 1);
  assert.ok(result.algorithms > 5);
  assert.deepEqual(errors, []);
  await page.close();
});
