// Browser tests of the demo page (web/): Debian's Chromium driven by playwright-core against
// scripts/serve.mjs started in-process on a free port. Run: node --test tests/browser/
// Screenshots go to test-artifacts/ (start, trained model with its chart, user view, ...).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { datasetDir } from '../js/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT = { timeout: 30_000 };

let server;
let context;
let profileDir;
let scratch;
const requests = []; // every URL the browser asked for, across all tests
const isLocal = (url) => { try { return new URL(url).hostname === '127.0.0.1'; } catch { return false; } };

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'dist/worker-client.js')), 'dist/ is missing: run scripts/build wasm first');
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer({ port: 0 });
  profileDir = await mkdtemp(path.join(os.tmpdir(), 'cofi-chromium-'));
  scratch = await mkdtemp(path.join(os.tmpdir(), 'cofi-page-test-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Every request is recorded (pages, the worker, the service worker); one to anywhere but
  // 127.0.0.1 is refused as well, so a leak fails test (l) instead of reaching the network.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (isLocal(url)) route.continue();
    else route.abort('blockedbyclient');
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A fresh page with its console errors, page errors, failed requests and HTTP errors collected. */
async function openPage(query = '') {
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
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  await page.goto(`${server.url}${query}`);
  await waitReady(page);
  await page.waitForFunction(() => document.querySelectorAll('#recommendations li').length > 0, null, WAIT);
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
  return page.$$eval(`${selector} li[data-item]`, (nodes) => nodes.map((li) => ({
    item: li.dataset.item,
    title: li.querySelector('.item-title')?.textContent ?? '',
    tags: [...li.querySelectorAll('.tag')].map((t) => t.textContent),
    score: li.querySelector('.score')?.textContent ?? '',
    because: li.querySelector('.because')?.textContent ?? '',
  })));
}

// Tags arrive from the worker after the list: wait until every entry has its tags.
async function waitTags(page, selector) {
  await page.waitForFunction((s) => {
    const items = [...document.querySelectorAll(`${s} li[data-item]`)];
    return items.length > 0 && items.every((li) => li.querySelector('.tag'));
  }, selector, WAIT);
}

async function showUser(page, user) {
  await page.fill('#user', user);
  await page.press('#user', 'Enter');
  await page.waitForFunction((u) => document.getElementById('recommendations-heading').textContent === `Recommended for ${u}`, user, WAIT);
  await waitReady(page);
}

// A small two-taste dataset: people who like x1-x10 and dislike x11-x20, and the reverse.
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy'];
function tinyDataset({ title = (n) => `Uploaded Title ${n}` } = {}) {
  const rows = ['user,item,rating'];
  PEOPLE.forEach((person, p) => {
    const likesLow = p % 2 === 0;
    for (let k = 0; k < 12; k += 1) {
      const n = ((p * 5 + k * 7) % 20) + 1;
      const rating = (n <= 10) === likesLow ? 4 + ((p + n) % 2) : 1 + ((p + n) % 2);
      rows.push(`${person},x${n},${rating}`);
    }
  });
  const items = ['id,title,genres'];
  for (let n = 1; n <= 20; n += 1) items.push(`x${n},"${title(n).replace(/"/g, '""')}",${n <= 10 ? 'Lowband' : 'Highband'}`);
  return { ratingsCsv: `${rows.join('\n')}\n`, itemsCsv: `${items.join('\n')}\n` };
}

const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('(a) the start page trains on the sample and shows recommendations, scores, charts, labelled controls', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    assert.equal(await page.getAttribute('body', 'data-state'), 'ready', await page.textContent('#error'));
    assert.equal(await page.inputValue('#user'), 'u001');
    assert.equal(await page.inputValue('#algorithm'), 'svd');
    await waitTags(page, '#recommendations');
    const recommendations = await listItems(page, '#recommendations');
    assert.equal(recommendations.length, 10);
    for (const { item, title, score } of recommendations) {
      assert.match(item, /^m\d{3}$/);
      assert.ok(title.length > 3 && title !== item, `item ${item} has no title`);
      assert.match(score, /^\d\.\d\d$/);
    }
    // u001 belongs to the planted sci-fi group: its top 10 should be mostly sci-fi or animation.
    const fitting = recommendations.filter(({ tags }) => tags.includes('Sci-Fi') || tags.includes('Animation'));
    assert.ok(fitting.length >= 7, `only ${fitting.length}/10 sci-fi or animation picks: ${JSON.stringify(recommendations)}`);
    // "Because u001 rated …": explanations name rated items by title.
    await page.waitForFunction(() => document.querySelectorAll('#recommendations .because').length >= 5, null, WAIT);
    const rated = await listItems(page, '#rated');
    assert.equal(rated.length, 10);
    const because = (await listItems(page, '#recommendations')).map((r) => r.because).filter(Boolean);
    assert.ok(because.every((text) => /^Because u001 rated .+ \(★ [1-5]\)$/.test(text)), because.join('\n'));
    const recommendedIds = new Set(recommendations.map((r) => r.item));
    assert.ok(rated.every(({ item }) => !recommendedIds.has(item)), 'an already rated item was recommended');

    // Evaluation on the hold-out: figures, the training curve (30 epochs) and the histograms.
    await page.waitForSelector('#metrics .metric', WAIT);
    const metrics = await page.$$eval('#metrics .metric', (nodes) => Object.fromEntries(nodes.map((n) => [n.querySelector('dt').textContent, Number(n.querySelector('dd').textContent)])));
    assert.deepEqual(Object.keys(metrics), ['RMSE', 'MAE', 'Precision@10', 'Recall@10', 'NDCG@10']);
    assert.ok(metrics.RMSE > 0.6 && metrics.RMSE < 0.85, `RMSE ${metrics.RMSE}`);
    assert.ok(metrics['Precision@10'] > 0.1, JSON.stringify(metrics));
    assert.equal(await page.locator('#chart-loss circle').count(), 30);
    assert.equal(await page.locator('#chart-rmse circle').count(), 30);
    await page.waitForSelector('#hist-items svg rect.bar', { state: 'attached', ...WAIT });
    assert.equal(await page.locator('#hist-ratings rect.bar').count(), 5); // ratings 1..5
    assert.match(await page.getAttribute('#hist-users svg', 'aria-label'), /Users by number of ratings: .* 360 in all/);
    const summary = await page.textContent('#summary');
    assert.match(summary, /Users\s*360/);
    assert.match(summary, /Items\s*90/);
    assert.match(summary, /80% of the ratings/);

    // Every control has a label a screen reader can read.
    const unlabelled = await page.$$eval('input, select, textarea, button', (controls) => controls
      .filter((c) => c.type !== 'hidden' && !(c.labels?.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') || c.textContent.trim()))
      .map((c) => c.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);

    await page.screenshot({ path: path.join(ARTIFACTS, 'start.png'), fullPage: true });

    // A recommendation's title leads to similar items, by keyboard too.
    await page.focus('#recommendations li:first-child button.item-title');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#similar-section:not([hidden]) #similar li', WAIT);
    assert.equal(await page.textContent('#similar-heading'), `Similar to ${recommendations[0].title}`);
    const similar = await listItems(page, '#similar');
    assert.ok(similar.length >= 5 && similar.every(({ item }) => item !== recommendations[0].item));

    // Another user from another planted group gets other recommendations.
    await showUser(page, 'u003');
    await waitTags(page, '#recommendations');
    const horror = await listItems(page, '#recommendations');
    assert.ok(horror.filter(({ tags }) => tags.includes('Horror')).length >= 6, JSON.stringify(horror));

    // Phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 380, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a 380px screen`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'start-narrow.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(b) MovieLens 100k u.data + u.item through the file inputs: titled recommendations for user 1', { timeout: 60_000 }, async () => {
  const dir = datasetDir('ml-100k');
  const { page, problems } = await openPage();
  try {
    await page.setInputFiles('#ratings-file', path.join(dir, 'u.data'));
    await page.setInputFiles('#items-file', path.join(dir, 'u.item'));
    await waitReady(page, 'u.data');
    await page.waitForFunction(() => /u\.item: 1,682 items/.test(document.getElementById('summary').textContent), null, WAIT);
    await waitReady(page);
    assert.equal(await page.isHidden('#error'), true, await page.textContent('#error'));
    const summary = await page.textContent('#summary');
    assert.match(summary, /Ratings\s*100,000, from 1 to 5/);
    assert.match(summary, /Delimiter\s*tab/);
    assert.match(summary, /Header\s*no/);
    assert.match(summary, /latin-1/);
    assert.match(summary, /19 MovieLens flag columns/);
    // The preview shows what was detected, without a setting touched.
    assert.match(await page.textContent('#opt-delimiter option[value="auto"]'), /detected: tab/);
    assert.equal(await page.locator('#preview-table tbody tr').count(), 8);

    await showUser(page, '1');
    await waitTags(page, '#recommendations');
    const recommendations = await listItems(page, '#recommendations');
    assert.equal(recommendations.length, 10);
    for (const { item, title, tags } of recommendations) {
      assert.match(title, /\(\d{4}\)$/, `item ${item}: "${title}" is not a MovieLens title`);
      assert.ok(tags.length >= 1 && tags.every((t) => /^[A-Z][\w'-]+$/.test(t)), `item ${item} genres ${tags}`);
    }
    const rated = await listItems(page, '#rated');
    assert.match(await page.textContent('#rated-note'), /of 272 ratings/);
    assert.ok(rated.every(({ score }) => score === '★ 5'), 'user 1 has more than ten 5-star ratings');
    // A latin-1 title arrives intact: u.item line 1193 holds "Misérables".
    await page.fill('#catalogue-search', 'misérables');
    await page.waitForFunction(() => document.querySelector('#search-results li[data-item]')?.textContent.includes('Misérables'), null, WAIT);
    await page.waitForSelector('#metrics .metric', WAIT);
    const rmse = Number(await page.textContent('#metrics .metric:first-child dd'));
    assert.ok(rmse > 0.85 && rmse < 1.0, `RMSE on the ml-100k hold-out: ${rmse}`);
    await page.locator('#eval-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'trained.png'), fullPage: true });
    await page.locator('#eval-section').screenshot({ path: path.join(ARTIFACTS, 'trained-chart.png') });
    await page.locator('#explore-section').screenshot({ path: path.join(ARTIFACTS, 'user.png') });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(c) a malformed ratings file shows its line; skipping bad rows or fixing the columns reads it', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const bad = 'user,item,rating\nalice,x1,5\nbob,x2,4\nbob,x3,five\ncarol,x1,3\ncarol,x2,2\n';
    await page.setInputFiles('#ratings-file', file('bad.csv', bad));
    await page.waitForSelector('#error:not([hidden])', WAIT);
    await waitReady(page);
    const message = await page.textContent('#error');
    assert.match(message, /bad\.csv:4\b/);
    assert.match(message, /five/);
    assert.equal(await page.getAttribute('#error', 'data-line'), '4');
    assert.equal(await page.getAttribute('#error', 'role'), 'alert');
    assert.equal(await page.locator('#preview-table tr.bad-row[data-line="4"]').count(), 1, 'the bad line is marked in the preview');
    // The sample stays on screen.
    assert.equal(await page.locator('#recommendations li').count(), 10);
    await page.screenshot({ path: path.join(ARTIFACTS, 'error.png'), fullPage: true });

    await page.check('#skip-bad-rows');
    await page.click('#reread');
    await waitReady(page, 'bad.csv');
    assert.equal(await page.isHidden('#error'), true);
    assert.match(await page.textContent('#warnings'), /bad\.csv:4/);
    assert.match(await page.textContent('#summary'), /Skipped rows\s*1/);

    // No header, a timestamp in the third column: the visitor points the rating at column 4.
    const rows = [];
    for (let u = 1; u <= 30; u += 1) for (let i = 1; i <= 8; i += 1) rows.push(`${u},${(u * 3 + i) % 12},${1700000000 + u * 100 + i},${1 + ((u + i) % 5)}`);
    await page.setInputFiles('#ratings-file', file('stamped.csv', `${rows.join('\n')}\n`));
    await waitReady(page, 'stamped.csv');
    assert.match(await page.textContent('#summary'), /from 1700000\d+/, 'the third column was taken as the rating');
    await page.selectOption('#opt-rating', '3');
    assert.equal(await page.getAttribute('#preview-table th[data-role="rating"]', 'data-role'), 'rating');
    assert.match(await page.textContent('#preview-table th[data-role="rating"]'), /column 4/);
    await page.click('#reread');
    await page.waitForFunction(() => /Ratings\s*240, from 1 to 5/.test(document.getElementById('summary').textContent), null, WAIT);
    await waitReady(page);

    // An unreadable items file is reported with its line, and the ratings stay.
    await page.setInputFiles('#items-file', file('items.csv', 'id,title\nx1,One\nx1,Again\n'));
    await page.waitForSelector('#error:not([hidden])', WAIT);
    assert.match(await page.textContent('#error'), /items\.csv:3\b/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(d) text from files is shown as text: an HTML title renders literally', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const html = '<img src=x onerror=alert(1)>';
    const data = tinyDataset({ title: (n) => `${html} ${n}` });
    const ratings = data.ratingsCsv.replace(/^alice,/gm, '<b>alice</b>,');
    await page.setInputFiles('#ratings-file', file('html.csv', ratings));
    await page.setInputFiles('#items-file', file('html-items.csv', data.itemsCsv));
    await waitReady(page, 'html.csv');
    await page.waitForFunction(() => document.getElementById('summary').textContent.includes('html-items.csv'), null, WAIT);
    await waitReady(page);
    await page.waitForFunction(() => document.querySelector('#recommendations .item-title')?.textContent.startsWith('<img'), null, WAIT);
    const titles = (await listItems(page, '#recommendations')).map((r) => r.title);
    assert.ok(titles.length > 0 && titles.every((t) => /^<img src=x onerror=alert\(1\)> \d+$/.test(t)), titles.join(' | '));
    assert.equal(await page.textContent('#recommendations-heading'), 'Recommended for <b>alice</b>');
    assert.match(await page.textContent('#preview-table'), /<b>alice<\/b>/);
    assert.equal(await page.locator('main img, main b').count(), 0, 'markup from a file became elements');
    await page.waitForTimeout(300); // an onerror handler would have fired by now
    assert.deepEqual(problems, []); // includes: no alert dialog
  } finally {
    await page.close();
  }
});

test('(e) training shows a progress bar with each epoch and its loss; Cancel stops it and keeps the model', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const before = await listItems(page, '#recommendations');
    await page.fill('#param-epochs', '100000');
    await page.click('#train');
    await page.waitForSelector('#progress-box:not([hidden])', WAIT);
    await page.waitForFunction(() => {
      const m = /^Training svd: Epoch (\d+) of 100000, loss [\d.]+, validation RMSE [\d.]+$/.exec(document.getElementById('progress-label').textContent);
      return m && Number(m[1]) >= 3;
    }, null, WAIT);
    assert.ok(await page.locator('#chart-loss circle').count() >= 3, 'the curve is drawn while training');
    // The page answers while the worker trains.
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    assert.ok(Date.now() - started < 1000, 'a frame took over a second during training');
    await page.screenshot({ path: path.join(ARTIFACTS, 'training.png') });

    await page.click('#cancel');
    await page.waitForSelector('#progress-box', { state: 'hidden', ...WAIT });
    await waitReady(page);
    assert.match(await page.textContent('#status'), /^Training cancelled\. Still showing the previous svd model\./);
    const epochs = Number(/Epoch (\d+)/.exec(await page.textContent('#progress-label'))[1]);
    assert.ok(epochs < 100000);
    assert.deepEqual(await listItems(page, '#recommendations'), before);
    // The worker is free again: another user's recommendations come at once.
    const asked = Date.now();
    await showUser(page, 'u002');
    assert.ok(Date.now() - asked < 5000, 'the worker was still busy after Cancel');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(f) be the user: popular items first, then recommendations from a few stars, without retraining', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    await page.waitForSelector('#for-me li', WAIT);
    assert.match(await page.textContent('#for-me-note'), /most rated items/);
    const popular = await listItems(page, '#for-me');
    assert.match(popular[0].score, /^\d+ ratings$/);
    // Items are searched by title or id; m001, m007, m013 are sci-fi, m003 horror (the sample's
    // genres go round-robin). The first search is by m001's title when the page shows it.
    const rate = async (query, id, stars) => {
      await page.fill('#catalogue-search', query);
      await page.waitForSelector(`#search-results li[data-item="${id}"]`, WAIT);
      const count = Number(await page.getAttribute('body', 'data-for-me'));
      await page.click(`#search-results li[data-item="${id}"] button[aria-label^="${stars} star"]`);
      await page.waitForFunction((n) => document.body.dataset.forMe === String(n), count + 1, WAIT);
    };
    const fitCount = await page.evaluate(() => performance.getEntriesByName('cofi:fit-done').length);
    const firstTitle = await page.evaluate(() => {
      const entry = [...document.querySelectorAll('#rated li[data-item], #recommendations li[data-item]')].find((li) => li.dataset.item === 'm001');
      return entry?.querySelector('.item-title').textContent ?? null;
    });
    await rate(firstTitle ?? 'm001', 'm001', 5);
    await rate('m007', 'm007', 5);
    await rate('m013', 'm013', 5);
    await rate('m003', 'm003', 1);
    assert.match(await page.textContent('#for-me-note'), /From your 4 ratings, without retraining/);
    assert.equal(await page.locator('#mine li[data-item]').count(), 4);
    await waitTags(page, '#for-me');
    const mine = await listItems(page, '#for-me');
    assert.equal(mine.length, 10);
    const scifi = mine.filter(({ tags }) => tags.includes('Sci-Fi') || tags.includes('Animation'));
    assert.ok(scifi.length >= 6, JSON.stringify(mine));
    assert.equal(await page.evaluate(() => performance.getEntriesByName('cofi:fit-done').length), fitCount, 'a model was retrained');
    await page.locator('#me-section').screenshot({ path: path.join(ARTIFACTS, 'be-the-user.png') });

    // Removing every rating brings the popular items back.
    await page.click('#clear-mine');
    await page.waitForFunction(() => document.body.dataset.forMe === '0', null, WAIT);
    assert.deepEqual((await listItems(page, '#for-me')).map((i) => i.item), popular.map((i) => i.item));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(g) keep: the model downloads and loads back with the same recommendations; every user\'s top-N exports as CSV', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    await waitReady(page);
    const before = await listItems(page, '#recommendations');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')]);
    assert.equal(saved.suggestedFilename(), 'cofi-svd.cofi');
    const modelPath = path.join(scratch, 'cofi-svd.cofi');
    await saved.saveAs(modelPath);
    const bytes = await readFile(modelPath);
    assert.ok(bytes.length > 1000);
    const [small] = await Promise.all([page.waitForEvent('download'), page.click('#download-compact')]);
    assert.equal(small.suggestedFilename(), 'cofi-svd-compact.cofi');
    const smallPath = path.join(scratch, 'cofi-svd-compact.cofi');
    await small.saveAs(smallPath);
    const smallBytes = await readFile(smallPath);
    assert.ok(smallBytes.length * 3 < bytes.length, `compact ${smallBytes.length} bytes vs ${bytes.length}`);
    await page.waitForFunction(() => /cofi-svd-compact\.cofi .* smaller than the full model/.test(document.getElementById('keep-note').textContent), null, WAIT);

    // Retrain something else, then load the saved model back.
    await page.selectOption('#algorithm', 'popular');
    await page.waitForFunction(() => /Model\s*popular/.test(document.getElementById('summary').textContent), null, WAIT);
    await waitReady(page);
    await page.setInputFiles('#model-file', modelPath);
    await page.waitForFunction(() => /svd, loaded from cofi-svd\.cofi/.test(document.getElementById('summary').textContent), null, WAIT);
    await waitReady(page);
    const after = await listItems(page, '#recommendations');
    assert.deepEqual(after.map(({ item, score }) => [item, score]), before.map(({ item, score }) => [item, score]));

    await page.fill('#export-n', '3');
    const [exported] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.equal(exported.suggestedFilename(), 'top-3-per-user.csv');
    const csvPath = path.join(scratch, 'top.csv');
    await exported.saveAs(csvPath);
    const lines = (await readFile(csvPath, 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], 'user,rank,item,score,title');
    assert.equal(lines.length, 1 + 360 * 3);
    const first = lines.slice(1, 4).map((line) => line.split(','));
    assert.deepEqual(first.map((f) => [f[0], f[1], f[2]]), before.slice(0, 3).map(({ item }, k) => ['u001', String(k + 1), item]));
    assert.equal(first[0][4], before[0].title);

    // Not a model: a clear error, and the loaded model stays.
    await page.setInputFiles('#model-file', file('notes.cofi', 'just some text'));
    await page.waitForSelector('#error:not([hidden])', WAIT);
    assert.match(await page.textContent('#error'), /notes\.cofi/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(h) every algorithm in the list trains on the sample and recommends sample items', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    const algorithms = await page.$$eval('#algorithm option', (options) => options.map((o) => o.value));
    assert.ok(algorithms.includes('svd') && algorithms.includes('ease') && algorithms.length >= 15, algorithms.join(','));
    for (const algorithm of algorithms) {
      await page.selectOption('#algorithm', algorithm);
      await page.waitForFunction((name) => new RegExp(`Model\\s*${name}\\b`).test(document.getElementById('summary').textContent), algorithm, WAIT);
      await waitReady(page);
      assert.equal(await page.isHidden('#error'), true, `${algorithm}: ${await page.textContent('#error')}`);
      const items = await listItems(page, '#recommendations');
      assert.ok(items.length > 0, `${algorithm} recommends something`);
      assert.ok(items.every(({ item }) => /^m\d{3}$/.test(item)), `${algorithm}: ${JSON.stringify(items.map((i) => i.item))}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(i) a file too large for memory gets a clear message; pasted text and dropped files are read', { timeout: 60_000 }, async () => {
  // The page's memory limit, lowered to 1 MB for this test: a 2 MB file is then "too large".
  const { page, problems } = await openPage('?memory-limit=1');
  try {
    const rows = [];
    for (let k = 0; rows.length < 100_000; k += 1) rows.push(`user${k % 5000},item${k % 777},${1 + (k % 5)}`);
    await page.setInputFiles('#ratings-file', file('huge.csv', `${rows.join('\n')}\n`));
    await page.waitForSelector('#error:not([hidden])', WAIT);
    await waitReady(page);
    assert.match(await page.textContent('#error'), /^huge\.csv is \d\.\d MB, about [\d,]+ ratings: reading it would need about .* of WebAssembly memory, more than the 768 KB this page can use/);
    assert.match(await page.textContent('#status'), /Still showing the sample data/);

    await page.click('#paste summary');
    await page.fill('#paste-text', tinyDataset().ratingsCsv);
    await page.click('#use-paste');
    await waitReady(page, 'pasted text');
    assert.match(await page.textContent('#summary'), /Users\s*14/);
    assert.equal(await page.inputValue('#user'), 'alice');

    // Two files dropped together: the items file is told apart by its name.
    const data = tinyDataset();
    await page.evaluate(({ ratingsCsv, itemsCsv }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([itemsCsv], 'tiny-items.csv', { type: 'text/csv' }));
      transfer.items.add(new File([ratingsCsv], 'tiny.csv', { type: 'text/csv' }));
      const zone = document.getElementById('drop-zone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, data);
    await waitReady(page, 'tiny.csv');
    await page.waitForFunction(() => document.getElementById('summary').textContent.includes('tiny-items.csv: 20 items'), null, WAIT);
    await waitReady(page);
    const titles = (await listItems(page, '#recommendations')).map((r) => r.title);
    assert.ok(titles.length > 0 && titles.every((t) => /^Uploaded Title \d+$/.test(t)), titles.join(', '));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('(j) once loaded, the page works offline', { timeout: 60_000 }, async () => {
  const { page, problems } = await openPage();
  try {
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, WAIT);
    await context.setOffline(true);
    await page.reload();
    await waitReady(page);
    await page.waitForFunction(() => document.querySelectorAll('#recommendations li').length === 10, null, WAIT);
    assert.match(await page.textContent('#status'), /Showing the sample data/);
    // Offline requests fail by design before the service worker answers them from its copy.
    assert.ok(problems.every((p) => /ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(p)), problems.join('\n'));
  } finally {
    await context.setOffline(false);
    await page.close();
  }
});

test('(k) the embed template shows recommendations from a saved model', { timeout: 60_000 }, async () => {
  // A model and titles made here with the JS API, served beside a copy of web/embed/.
  const { loadCofi } = await import('../../dist/index.js');
  const { generateSampleData } = await import('../../web/sample-data.js');
  const cofi = await loadCofi();
  const sample = generateSampleData();
  const model = cofi.createModel('svd', { factors: 50, epochs: 30, lr: 0.01, reg: 0.05 });
  await model.fit(await cofi.readRatings(sample.ratingsCsv));
  const items = await cofi.readItems(sample.itemsCsv);
  const site = path.join(scratch, 'site');
  await cp(path.join(ROOT, 'web/embed'), path.join(site, 'embed'), { recursive: true });
  await writeFile(path.join(site, 'embed/model.cofi'), model.save());
  await writeFile(path.join(site, 'embed/items.csv'), sample.itemsCsv);
  const embedServer = await startServer({ port: 0, webDir: site });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    await page.goto(`${embedServer.url}embed/?user=u001`);
    await page.waitForFunction(() => document.querySelectorAll('#recommendations li').length === 10, null, WAIT);
    assert.equal(await page.textContent('#status'), 'Recommended for u001:');
    const shown = await page.$$eval('#recommendations li', (lis) => lis.map((li) => li.textContent));
    assert.deepEqual(shown, model.recommend('u001').items.map(({ item }) => items.title(item)));
    await page.fill('#user', 'nobody');
    await page.press('#user', 'Enter');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('nobody is unknown'), null, WAIT);
    // A compact model (no users, no ratings) serves a visitor from ?rate=.
    const compact = model.compact({ encoding: 'int8' });
    await writeFile(path.join(site, 'embed/model.cofi'), compact.save());
    const [first, second] = items.ids();
    await page.goto(`${embedServer.url}embed/?rate=${first}:5,${second}:1`);
    await page.waitForFunction(() => document.querySelectorAll('#recommendations li').length === 10, null, WAIT);
    assert.equal(await page.textContent('#status'), 'Recommended from your 2 ratings:');
    const forVisitor = await page.$$eval('#recommendations li', (lis) => lis.map((li) => li.textContent));
    assert.deepEqual(forVisitor, compact.recommendFor([[first, 5], [second, 1]]).items.map(({ item }) => items.title(item)));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await embedServer.close();
  }
});

test('(l) nothing leaves the browser: every request went to the local server, and the CSP blocks others', { timeout: 30_000 }, async () => {
  const page = await context.newPage();
  try {
    await page.goto(server.url);
    await waitReady(page);
    const result = await page.evaluate(async () => {
      const violation = new Promise((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }));
      let outcome;
      try {
        await fetch('https://example.com/collect');
        outcome = 'sent';
      } catch {
        outcome = 'blocked';
      }
      return { outcome, directive: await violation };
    });
    assert.deepEqual(result, { outcome: 'blocked', directive: 'connect-src' });
  } finally {
    await page.close();
  }
  const origin = new URL(server.url).origin;
  assert.ok(requests.includes(`${origin}/dist/cofi-core.wasm`), 'the wasm core was fetched from the server');
  assert.ok(requests.includes(`${origin}/dist/worker.js`), 'the worker was loaded from the server');
  assert.ok(requests.length > 20, `only ${requests.length} requests were seen`);
  assert.deepEqual(requests.filter((url) => !isLocal(url)), []);
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

test('(m) the server sends the right types and refuses paths outside its roots', async () => {
  assert.deepEqual(await rawGet('/'), { status: 200, type: 'text/html; charset=utf-8' });
  assert.deepEqual(await rawGet('/dist/cofi-core.wasm'), { status: 200, type: 'application/wasm' });
  assert.deepEqual(await rawGet('/dist/index.js'), { status: 200, type: 'text/javascript; charset=utf-8' });
  assert.deepEqual(await rawGet('/style.css?v=1'), { status: 200, type: 'text/css; charset=utf-8' });
  for (const escape of ['/../package.json', '/dist/../package.json', '/%2e%2e/package.json', '/dist/%2e%2e/%2e%2e/package.json',
    '/..%2fscripts%2fserve.mjs', '/%2e%2e%5cpackage.json', '/nope.html', '/dist/', '/%E0%A4%A']) {
    assert.equal((await rawGet(escape)).status, 404, escape);
  }
});
