// Browser tests of the demo page (web/): Debian's Chromium driven by playwright-core against
// scripts/serve.mjs started in-process on a free port. Run: node --test tests/browser/
// Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT = { timeout: 20_000 };

let server;
let context;
let profileDir;
const requests = []; // every URL the browser asked for, across all tests

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'dist/index.js')), 'dist/ is missing: run scripts/build wasm first');
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer({ port: 0 });
  profileDir = await mkdtemp(path.join(os.tmpdir(), 'cofi-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.on('request', (request) => requests.push(request.url()));
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

/** A fresh page with its console errors, page errors, failed requests and HTTP errors collected. */
async function openPage() {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(server.url);
  await waitReady(page);
  return { page, problems };
}

/** Waits until the page has finished its queued work (body[data-state] is ready or error). */
async function waitReady(page, source) {
  await page.waitForFunction((expected) => {
    const { state, source: shown } = document.body.dataset;
    return (state === 'ready' || state === 'error') && (!expected || shown === expected);
  }, source, WAIT);
}

async function listItems(page, selector) {
  return page.$$eval(`${selector} li`, (nodes) => nodes.map((li) => ({
    item: li.dataset.item,
    title: li.querySelector('.item-title')?.textContent ?? '',
    tags: [...li.querySelectorAll('.tag')].map((t) => t.textContent),
    score: li.querySelector('.score')?.textContent ?? '',
  })));
}

// A small two-taste dataset with ids that cannot come from the sample: people who like x1-x10
// and dislike x11-x20, and the reverse. Each rates 12 of the 20 items.
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy'];
function tinyDataset() {
  const rated = new Map();
  const rows = ['user,item,rating'];
  PEOPLE.forEach((person, p) => {
    const likesLow = p % 2 === 0;
    const mine = [];
    for (let k = 0; k < 12; k += 1) {
      const n = ((p * 5 + k * 7) % 20) + 1; // 12 distinct items per person
      const low = n <= 10;
      const rating = low === likesLow ? 4 + ((p + n) % 2) : 1 + ((p + n) % 2);
      rows.push(`${person},x${n},${rating}`);
      mine.push(`x${n}`);
    }
    rated.set(person, new Set(mine));
  });
  const items = ['id,title,genres'];
  for (let n = 1; n <= 20; n += 1) items.push(`x${n},Uploaded Title ${n},${n <= 10 ? 'Lowband' : 'Highband'}`);
  return { ratingsCsv: `${rows.join('\n')}\n`, itemsCsv: `${items.join('\n')}\n`, rated };
}

test('(a) the start page shows 10 sample recommendations with titles and no errors', { timeout: 30_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    assert.equal(await page.getAttribute('body', 'data-state'), 'ready', await page.textContent('#error'));
    assert.equal(await page.isHidden('#error'), true);
    assert.equal(await page.inputValue('#user'), 'u001');
    assert.equal(await page.inputValue('#algorithm'), 'knn-baseline');

    const recommendations = await listItems(page, '#recommendations');
    assert.equal(recommendations.length, 10);
    for (const { item, title, tags, score } of recommendations) {
      assert.match(item, /^m\d{3}$/);
      assert.ok(title.length > 3 && title !== item, `item ${item} has no title`);
      assert.ok(tags.length >= 1, `item ${item} shows no genre`);
      assert.match(score, /^\d\.\d\d$/);
    }
    // u001 belongs to the planted sci-fi group: its top 10 should be mostly sci-fi (or animation).
    const fitting = recommendations.filter(({ tags }) => tags.includes('Sci-Fi') || tags.includes('Animation'));
    assert.ok(fitting.length >= 7, `only ${fitting.length}/10 sci-fi or animation picks: ${JSON.stringify(recommendations)}`);

    const rated = await listItems(page, '#rated');
    assert.ok(rated.length >= 10, 'the user\'s own ratings are listed');
    const recommendedIds = new Set(recommendations.map((r) => r.item));
    assert.ok(rated.every(({ item }) => !recommendedIds.has(item)), 'an already rated item was recommended');

    const summary = await page.textContent('#summary');
    assert.match(summary, /Users\s*360/);
    assert.match(summary, /Items\s*90/);
    assert.match(summary, /Delimiter\s*comma/);

    await page.screenshot({ path: path.join(ARTIFACTS, 'start.png'), fullPage: true });

    // Clicking a recommendation lists similar items.
    await page.click('#recommendations li:first-child button.item-title');
    await page.waitForSelector('#similar-section:not([hidden]) #similar li', WAIT);
    assert.match(await page.textContent('#similar-heading'), new RegExp(`Similar to ${recommendations[0].title}`));
    const similar = await listItems(page, '#similar');
    assert.ok(similar.length >= 5 && similar.every(({ item }) => item !== recommendations[0].item));
    await page.screenshot({ path: path.join(ARTIFACTS, 'similar.png'), fullPage: true });

    // Another user from another planted group gets different recommendations.
    await page.fill('#user', 'u003');
    await page.waitForFunction(() => document.getElementById('recommendations-heading').textContent.endsWith('u003'), null, WAIT);
    const horror = await listItems(page, '#recommendations');
    assert.ok(horror.filter(({ tags }) => tags.includes('Horror')).length >= 6, JSON.stringify(horror));
    await page.fill('#user', 'u001');
    await page.waitForFunction(() => document.getElementById('recommendations-heading').textContent.endsWith('u001'), null, WAIT);

    // Narrow screens: nothing wider than the viewport.
    await page.setViewportSize({ width: 380, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a 380px screen`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'start-narrow.png'), fullPage: true });

    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(b) a ratings file and an items file chosen in the page give recommendations from that data', { timeout: 30_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const data = tinyDataset();
    await page.setInputFiles('#ratings-file', { name: 'tiny-ratings.csv', mimeType: 'text/csv', buffer: Buffer.from(data.ratingsCsv) });
    await waitReady(page, 'tiny-ratings.csv');
    assert.equal(await page.isHidden('#error'), true, await page.textContent('#error'));
    const summary = await page.textContent('#summary');
    assert.match(summary, /tiny-ratings\.csv/);
    assert.match(summary, /Users\s*14/);
    assert.match(summary, /Items\s*20/);

    await page.setInputFiles('#items-file', { name: 'tiny-items.csv', mimeType: 'text/csv', buffer: Buffer.from(data.itemsCsv) });
    await page.waitForFunction(() => document.getElementById('summary').textContent.includes('tiny-items.csv'), null, WAIT);
    await waitReady(page);

    const check = async (person, algorithm) => {
      const recommendations = await listItems(page, '#recommendations');
      assert.ok(recommendations.length >= 3, `${algorithm}: ${recommendations.length} recommendations for ${person}`);
      for (const { item, title } of recommendations) {
        assert.match(item, /^x([1-9]|1\d|20)$/, `${algorithm}: ${item} is not in the uploaded data`);
        assert.ok(!data.rated.get(person).has(item), `${algorithm}: ${person} already rated ${item}`);
        assert.equal(title, `Uploaded Title ${item.slice(1)}`);
      }
      const rated = await listItems(page, '#rated');
      assert.equal(rated.length, 10);
      assert.ok(rated.every(({ item }) => data.rated.get(person).has(item)));
      return recommendations;
    };

    assert.equal(await page.inputValue('#user'), 'alice');
    const alice = await check('alice', 'knn-baseline');
    // alice likes x1-x10: the first pick comes from that band.
    assert.deepEqual(alice[0].tags, ['Lowband'], JSON.stringify(alice));

    await page.fill('#user', 'bob');
    await page.waitForFunction(() => document.getElementById('recommendations-heading').textContent.endsWith('bob'), null, WAIT);
    const bob = await check('bob', 'knn-baseline');
    assert.deepEqual(bob[0].tags, ['Highband'], JSON.stringify(bob));

    await page.selectOption('#algorithm', 'baseline');
    await page.waitForFunction(() => /Model\s*baseline,/.test(document.getElementById('summary').textContent), null, WAIT);
    await waitReady(page);
    assert.equal(await page.inputValue('#user'), 'bob', 'the chosen user survives a model change');
    await check('bob', 'baseline');

    await page.screenshot({ path: path.join(ARTIFACTS, 'upload.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(c) a malformed ratings file shows an error naming its line', { timeout: 30_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const bad = 'user,item,rating\nalice,x1,5\nbob,x2,4\nbob,x3,five\ncarol,x1,3\ncarol,x2,2\n';
    await page.setInputFiles('#ratings-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.waitForSelector('#error:not([hidden])', WAIT);
    await waitReady(page);
    const message = await page.textContent('#error');
    assert.match(message, /bad\.csv:4\b/);
    assert.match(message, /five/);
    assert.equal(await page.getAttribute('#error', 'data-line'), '4');
    assert.equal(await page.getAttribute('#error', 'role'), 'alert');
    // The previous (sample) data stays on screen.
    assert.equal(await page.locator('#recommendations li').count(), 10);
    await page.screenshot({ path: path.join(ARTIFACTS, 'error.png'), fullPage: true });

    // Skipping malformed rows reads the rest and lists what was skipped.
    await page.check('#skip-bad-rows');
    await waitReady(page, 'bad.csv');
    assert.equal(await page.isHidden('#error'), true);
    assert.match(await page.textContent('#warnings'), /bad\.csv:4/);
    assert.match(await page.textContent('#summary'), /Skipped rows\s*1/);

    // An unreadable items file is reported too, and the ratings stay loaded.
    await page.setInputFiles('#items-file', { name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from('id,title\nx1,One\nx1,Again\n') });
    await page.waitForSelector('#error:not([hidden])', WAIT);
    assert.match(await page.textContent('#error'), /items\.csv:3\b/);

    // Only the console message a failing read produces would be acceptable; expect none at all.
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(f) every algorithm in the list trains on the sample and recommends sample items', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const algorithms = await page.$$eval('#algorithm option', (options) => options.map((o) => o.value));
    assert.ok(algorithms.includes('svd') && algorithms.includes('ease') && algorithms.length >= 15, algorithms.join(','));
    for (const algorithm of algorithms) {
      await page.selectOption('#algorithm', algorithm);
      await page.waitForFunction((name) => new RegExp(`Model\\s*${name}\\b`).test(document.getElementById('summary').textContent), algorithm, WAIT);
      await waitReady(page);
      const items = await listItems(page, '#recommendations');
      assert.ok(items.length > 0, `${algorithm} recommends something`);
      assert.ok(items.every(({ item }) => /^m\d{3}$/.test(item)), `${algorithm}: ${JSON.stringify(items.map((i) => i.item))}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(d) no request leaves the local server', () => {
  const origin = new URL(server.url).origin;
  assert.ok(requests.some((url) => url === `${origin}/dist/cofi-core.wasm`), 'the wasm core was fetched from the server');
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`));
  assert.deepEqual(foreign, []);
});

// The static server itself: MIME types and no way out of web/ and dist/.
function rawGet(urlPath) {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    http.get({ hostname, port, path: urlPath }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, type: response.headers['content-type'] }));
    }).on('error', reject);
  });
}

test('(e) the server sends the right types and refuses paths outside its roots', async () => {
  assert.deepEqual(await rawGet('/'), { status: 200, type: 'text/html; charset=utf-8' });
  assert.deepEqual(await rawGet('/dist/cofi-core.wasm'), { status: 200, type: 'application/wasm' });
  assert.deepEqual(await rawGet('/dist/index.js'), { status: 200, type: 'text/javascript; charset=utf-8' });
  assert.deepEqual(await rawGet('/style.css?v=1'), { status: 200, type: 'text/css; charset=utf-8' });
  for (const escape of ['/../package.json', '/dist/../package.json', '/%2e%2e/package.json', '/dist/%2e%2e/%2e%2e/package.json',
    '/..%2fscripts%2fserve.mjs', '/%2e%2e%5cpackage.json', '/nope.html', '/dist/', '/%E0%A4%A']) {
    assert.equal((await rawGet(escape)).status, 404, escape);
  }
});
