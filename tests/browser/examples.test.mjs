// The static-page example (examples/static-page) in headless Chromium: the page imports 'cofi'
// through its import map, fits on inline ratings and lists recommendations per reader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let server, context, profile;

before(async () => {
  server = await startServer({ port: 0, webDir: path.join(ROOT, 'examples') });
  profile = await mkdtemp(path.join(os.tmpdir(), 'cofi-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

test('the static-page example recommends books for the chosen reader', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}static-page/`);
  await page.waitForFunction(() => document.querySelectorAll('#recommendations li').length > 0, null, { timeout: 20_000 });
  assert.match(await page.textContent('#status'), /^21 ratings, knn-means$/);
  // ana read science fiction: her first recommendation is another of the science-fiction books.
  const ana = await page.$$eval('#recommendations li', (lis) => lis.map((li) => li.firstChild.textContent));
  assert.ok(['Neuromancer', 'Snow Crash'].includes(ana[0]), ana.join(', '));
  await page.selectOption('#reader', 'cleo');
  await page.waitForFunction(() => !['Neuromancer', 'Snow Crash'].includes(document.querySelector('#recommendations li')?.firstChild.textContent));
  const cleo = await page.$$eval('#recommendations li', (lis) => lis.map((li) => li.firstChild.textContent));
  assert.ok(['Jane Eyre'].includes(cleo[0]), cleo.join(', '));
  assert.deepEqual(errors, []);
});
