// The package as users get it: `npm pack`, install the tarball offline into a fresh project, then
// (a) the Node example imports 'cofi' and recommends, and the `cofi` bin runs;
// (b) the Vite example (worker API) is built with Vite 7, served on 127.0.0.1 and shows
//     recommendations in headless Chromium;
// (c) `tsc --noEmit` passes on a TypeScript file that uses every entry point;
// (d) a Vite 7 build of a page using the multi-threaded core (main and worker API), served cross-
//     origin isolated, fits with 2 threads in headless Chromium.
// Run: node --test tests/package/   (after scripts/build; needs the repo's devDependencies)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, mkdir, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Debian's Chromium, headless, in a throwaway profile; close() also removes the profile.
async function launchChromium() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'cofi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  return { context, close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); } };
}
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

let work;     // temporary folder: the tarball and the consumer project
let project;  // the consumer project with cofi installed from the tarball
let packed;   // npm pack's report

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'dist/cofi-core.wasm')), 'dist/ is missing: run scripts/build first');
  work = await mkdtemp(path.join(os.tmpdir(), 'cofi-package-'));
  const { stdout } = await run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', work], { cwd: ROOT });
  [packed] = JSON.parse(stdout);
  project = path.join(work, 'consumer');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  // Offline, from the tarball alone: the package has no dependencies to fetch.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(work, packed.filename)], { cwd: project });
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the tarball holds the built modules, declarations, CLI and licence, and nothing else', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const needed of ['LICENSE', 'README.md', 'package.json', 'bin/cofi.mjs', 'dist/index.js', 'dist/index.d.ts', 'dist/errors.js',
    'dist/worker.js', 'dist/worker-client.js', 'dist/worker-client.d.ts', 'dist/cofi-core.mjs', 'dist/cofi-core.wasm',
    'dist/cofi-cli.mjs', 'dist/cofi-cli.wasm',
    // The optional multi-threaded core (loadCofi({ threads })).
    'dist/cofi-core-threads.mjs', 'dist/cofi-core-threads.wasm', 'dist/cofi-core-threads.worker.js']) {
    assert.ok(files.includes(needed), `${needed} is missing from the tarball`);
  }
  assert.deepEqual(files.filter((f) => !/^(LICENSE|README\.md|package\.json|bin\/|dist\/)/.test(f)), []);
  console.log(`# packed ${packed.filename}: ${packed.size} bytes (unpacked ${packed.unpackedSize}), ${files.length} files`);
});

test('(a) a Node ESM script imports cofi from the installed package and recommends; the bin runs', async () => {
  await copyFile(path.join(ROOT, 'examples/node/recommend.mjs'), path.join(project, 'recommend.mjs'));
  const { stdout } = await run('node', ['recommend.mjs'], { cwd: project });
  assert.match(stdout, /^360 ratings by 40 users of 24 items$/m);
  const top = stdout.split('\n').filter((line) => /^ {2}\S+\t\d/.test(line));
  assert.equal(top.length, 5, stdout);
  assert.match(stdout, /reloaded model agrees: true/);
  // The installed package resolves from the project, not from the checkout.
  const { stdout: where } = await run('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('cofi'))"], { cwd: project });
  assert.ok(where.trim().startsWith(`file://${project}/node_modules/cofi/`), where);
  const { stdout: algorithms } = await run(path.join(project, 'node_modules/.bin/cofi'), ['algorithms'], { cwd: project });
  assert.match(algorithms, /knn-baseline/);
});

test('(b) a Vite 7 build of the worker example shows recommendations in headless Chromium', async () => {
  const app = path.join(work, 'vite-app');
  await cp(path.join(ROOT, 'examples/vite-app'), app, { recursive: true, filter: (p) => !p.includes('node_modules') });
  await cp(path.join(project, 'node_modules'), path.join(app, 'node_modules'), { recursive: true });
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const { stdout: version } = await run('node', [vite, '--version']);
  assert.match(version, /^vite\/7\./);
  await run('node', [vite, 'build', '--logLevel', 'warn'], { cwd: app });
  const assets = await readdir(path.join(app, 'dist/assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `no .wasm among ${assets.join(', ')}`);
  assert.ok(assets.some((f) => /worker/i.test(f)), `no worker bundle among ${assets.join(', ')}`);

  const server = await startServer({ port: 0, webDir: path.join(app, 'dist'), distDir: path.join(app, 'dist') });
  const { context, close } = await launchChromium();
  try {
    const page = await context.newPage();
    const problems = [];
    const foreign = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text()); });
    // The example ships no favicon; any other missing file is a failure.
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.url()}`); });
    context.on('request', (r) => { if (!r.url().startsWith(server.url)) foreign.push(r.url()); });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('#recommendations li').length === 5, null, { timeout: 30_000 });
    assert.match(await page.textContent('#status'), /Trained in [\d.]+ s in a Web Worker\./);
    assert.equal(page.workers().length, 1, 'the model runs in one worker');
    const first = await page.textContent('#recommendations li');
    assert.match(first, /^film-\d+ \(\d\.\d\d\)$/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'package-vite-app.png') });
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign, []);
  } finally {
    await close();
    await server.close();
  }
});

test('(c) tsc --noEmit passes on a TypeScript file using every entry point', async () => {
  await copyFile(path.join(ROOT, 'tests/package/usage.ts'), path.join(project, 'usage.ts'));
  await copyFile(path.join(ROOT, 'tests/package/tsconfig.json'), path.join(project, 'tsconfig.json'));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    await run('node', [tsc, '-p', path.join(project, 'tsconfig.json')], { cwd: project });
  } catch (error) {
    assert.fail(`tsc reported:\n${error.stdout}${error.stderr}`);
  }
  // And a misuse is caught: the declarations are not just `any`.
  await writeFile(path.join(project, 'usage.ts'), "import { loadCofi } from 'cofi';\nconst c = await loadCofi();\nc.createModel('svd').recommend('1', { n: '5' });\n");
  await assert.rejects(run('node', [tsc, '-p', path.join(project, 'tsconfig.json')], { cwd: project }),
    (error) => /Type 'string' is not assignable to type 'number'/.test(error.stdout));
});

test('(d) a Vite 7 build of a page using the threaded core fits with 2 threads when served isolated', async () => {
  const app = path.join(work, 'vite-threads');
  await mkdir(app);
  await cp(path.join(project, 'node_modules'), path.join(app, 'node_modules'), { recursive: true });
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'vite-threads', private: true, type: 'module' }));
  await writeFile(path.join(app, 'vite.config.js'), "export default { worker: { format: 'es' } };\n");
  await writeFile(path.join(app, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>threads</title><p id="out">...</p>\n' +
    '<script type="module" src="./main.js"></script>\n');
  // The same ratings fitted by the threaded core on the page and in the worker, and by the default core.
  await writeFile(path.join(app, 'main.js'), `import { loadCofi } from 'cofi';
import { loadCofiWorker } from 'cofi/worker';
const out = document.getElementById('out');
try {
  const users = [], items = [], values = [];
  for (let u = 0; u < 200; u++) for (let k = 0; k < 20; k++) { users.push('u' + u); items.push('i' + ((u * 7 + k * 13) % 150)); values.push(1 + (u + k) % 5); }
  const results = [];
  for (const cofi of [await loadCofi(), await loadCofi({ threads: 2 }), await loadCofiWorker({ threads: 2 })]) {
    const model = await cofi.createModel('ials', { factors: 8, epochs: 3 });
    await model.fit(await cofi.ratingsFromArrays({ users, items, values }));
    results.push({ threads: cofi.threads, saved: Array.from(await model.save()).join() });
  }
  out.textContent = JSON.stringify({ threads: results.map((r) => r.threads), same: results.every((r) => r.saved === results[0].saved) });
} catch (error) {
  out.textContent = 'error ' + error.name + ': ' + error.message;
}
`);
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  await run('node', [vite, 'build', '--logLevel', 'warn'], { cwd: app });
  const assets = await readdir(path.join(app, 'dist/assets'));
  assert.ok(assets.some((f) => /^cofi-core-threads.*\.wasm$/.test(f)), `no threaded .wasm among ${assets.join(', ')}`);

  const dist = path.join(app, 'dist');
  const server = await startServer({ port: 0, webDir: dist, distDir: dist, crossOriginIsolated: true });
  const { context, close } = await launchChromium();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('out').textContent !== '...', null, { timeout: 60_000 });
    const text = await page.textContent('#out');
    assert.ok(text.startsWith('{'), text);
    assert.deepEqual(JSON.parse(text), { threads: [1, 2, 2], same: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await server.close();
  }
});
