#!/usr/bin/env node
// The demo page in headless Chromium: time from choosing ml-latest-small's ratings.csv in the
// file input to the first recommendations on screen, measured inside the page (performance marks
// the page sets: cofi:file-chosen, cofi:read-done, cofi:fit-start, cofi:fit-done,
// cofi:first-recommendations). Each run opens the page afresh (the WebAssembly core starts before
// the file is chosen, as for a visitor) with the default algorithm.
//
//   node bench/page_first_recommendation.mjs [--runs 5] [--big MB]
//
// --big MB also reads a generated CSV of that size (default 100) and reports how reading went: the
// progress steps shown, the read time, and the longest gap between two animation frames while
// reading (a frozen page would show a gap as long as the read). Training is cancelled after it.
// Needs dist/ (scripts/build wasm) and MovieLens in $COFI_DATA or ../shared/datasets.
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { datasetDir } from '../tests/js/helpers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  return value === undefined || value.startsWith('--') ? fallback : Number(value);
};
const runs = option('--runs', 5);
const bigMb = args.includes('--big') ? option('--big', 100) : 0;
const ratingsCsv = path.join(datasetDir('ml-latest-small'), 'ratings.csv');
const WAIT = { timeout: 120_000 };

const server = await startServer({ port: 0 });
const profile = await mkdtemp(path.join(os.tmpdir(), 'cofi-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, viewport: { width: 1200, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  serviceWorkers: 'block', // every run fetches the page as a first visit would
});

async function freshPage() {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelectorAll('#recommendations li').length > 0, null, WAIT);
  return page;
}

const marks = (page) => page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name.replace('cofi:', ''), m.startTime])));

try {
  const rows = [];
  for (let run = 1; run <= runs; run += 1) {
    const page = await freshPage();
    await page.setInputFiles('#ratings-file', ratingsCsv);
    await page.waitForFunction(() => document.body.dataset.source === 'ratings.csv'
      && performance.getEntriesByName('cofi:first-recommendations').length > 0, null, WAIT);
    const m = await marks(page);
    const items = await page.locator('#recommendations li').count();
    rows.push({
      run, total: m['first-recommendations'] - m['file-chosen'], read: m['read-done'] - m['file-chosen'],
      prepare: m['fit-start'] - m['read-done'], fit: m['fit-done'] - m['fit-start'], recommend: m['first-recommendations'] - m['fit-done'], items,
    });
    await page.close();
  }
  const algorithm = 'svd (the page default: factors 50, epochs 30, hold-out 20%)';
  console.log(`Page: choosing ml-latest-small ratings.csv (100,836 ratings) -> first recommendations, ${algorithm}, headless Chromium`);
  console.log('| run | total ms | read ms | prepare ms | fit ms | recommend ms | items |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.run} | ${r.total.toFixed(0)} | ${r.read.toFixed(0)} | ${r.prepare.toFixed(0)} | ${r.fit.toFixed(0)} | ${r.recommend.toFixed(0)} | ${r.items} |`);
  }
  const stat = (key) => {
    const sorted = rows.map((r) => r[key]).sort((a, b) => a - b);
    return { median: sorted[Math.floor((sorted.length - 1) / 2)], min: sorted[0] };
  };
  for (const label of ['median', 'min']) {
    const cells = ['total', 'read', 'prepare', 'fit', 'recommend'].map((k) => stat(k)[label].toFixed(0));
    console.log(`| ${label} | ${cells.join(' | ')} | |`);
  }
  const median = stat('total').median;
  console.log(`\nread: the worker streams and parses the file; prepare: id lists, preview, createModel, 80/20 split;`
    + ` fit: training with validation after each epoch; recommend: the first user's top 10 on screen.`);
  console.log(`goal <= 2000 ms: ${median <= 2000 ? 'met' : 'NOT met'} (median ${median.toFixed(0)} ms)`);

  if (bigMb > 0) await bigFile(bigMb);
} finally {
  await context.close();
  await server.close();
  await rm(profile, { recursive: true, force: true });
}

// A synthetic CSV of about `mb` megabytes: 50,000 users, 20,000 items, ratings 1-5.
async function writeBigCsv(file, mb) {
  const out = createWriteStream(file);
  let written = 0;
  let k = 0;
  let state = 12345;
  const next = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state; };
  out.write('user,item,rating\n');
  while (written < mb * 1024 * 1024) {
    const lines = [];
    for (let j = 0; j < 10000; j += 1, k += 1) lines.push(`u${next() % 50000},i${next() % 20000},${1 + (next() % 5)}`);
    const chunk = `${lines.join('\n')}\n`;
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes: written, rows: k };
}

async function bigFile(mb) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cofi-big-'));
  const file = path.join(dir, `big-${mb}mb.csv`);
  try {
    const { bytes, rows } = await writeBigCsv(file, mb);
    const page = await freshPage();
    // In the page: every progress label shown, and the longest gap between animation frames.
    await page.evaluate(() => {
      window.benchLabels = [];
      window.benchMaxGap = 0;
      let last = performance.now();
      const frame = (now) => {
        window.benchMaxGap = Math.max(window.benchMaxGap, now - last);
        last = now;
        if (!window.benchStop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      new MutationObserver(() => window.benchLabels.push(document.getElementById('progress-label').textContent))
        .observe(document.getElementById('progress-label'), { childList: true, characterData: true, subtree: true });
    });
    await page.setInputFiles('#ratings-file', file);
    await page.waitForFunction(() => performance.getEntriesByName('cofi:fit-start').length > 0
      || document.body.dataset.state === 'error', null, { timeout: 600_000 });
    const result = await page.evaluate(() => {
      window.benchStop = true;
      const m = Object.fromEntries(performance.getEntriesByType('mark').map((x) => [x.name.replace('cofi:', ''), x.startTime]));
      return { read: m['read-done'] - m['file-chosen'], labels: window.benchLabels, maxGap: window.benchMaxGap, error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent };
    });
    await page.click('#cancel').catch(() => {});
    const reading = result.labels.filter((l) => l.startsWith('Reading'));
    console.log(`\nBig file: ${(bytes / 1024 / 1024).toFixed(1)} MB, ${rows.toLocaleString('en')} ratings`);
    if (result.error) console.log(`error: ${result.error}`);
    console.log(`read (stream + parse in the worker): ${result.read.toFixed(0)} ms; progress labels shown while reading: ${reading.length}`
      + ` (first "${reading[0] ?? '-'}", last "${reading.at(-1) ?? '-'}"), then ${result.labels.includes(`Parsing big-${mb}mb.csv…`) ? '"Parsing…"' : 'no parsing label'}`);
    console.log(`longest gap between two frames while reading: ${result.maxGap.toFixed(0)} ms`);
    await page.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
