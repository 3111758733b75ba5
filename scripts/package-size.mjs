// Prints the npm package's packed size and the gzip size of what a page loads (the core .wasm and
// the JS modules), against the budget (250 KB gzip; goal 150 KB). Run after `scripts/build wasm`.
//   node scripts/package-size.mjs [--json]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const KB = 1000;
const BUDGET = 250 * KB, GOAL = 150 * KB;

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8' }));

// A page using the main API loads these; the worker API adds its two small modules.
const pageFiles = ['cofi-core.wasm', 'cofi-core.mjs', 'index.js', 'errors.js'];
const workerFiles = ['worker.js', 'worker-client.js'];
const sizes = (files) => files.map((name) => {
  const bytes = readFileSync(`${root}/dist/${name}`);
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
// The optional multi-threaded core (loadCofi({ threads })) replaces cofi-core.* when a page asks
// for it; it is reported on its own, outside the page budget.
const threadFiles = ['cofi-core-threads.wasm', 'cofi-core-threads.mjs', 'cofi-core-threads.worker.js'];
const page = sizes(pageFiles), worker = sizes(workerFiles), threaded = sizes(threadFiles);
const sum = (list, key) => list.reduce((s, f) => s + f[key], 0);
const pageGzip = sum(page, 'gzip'), allGzip = pageGzip + sum(worker, 'gzip'), threadedGzip = sum(threaded, 'gzip');

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ packed: pack.size, unpacked: pack.unpackedSize, files: pack.entryCount, page, worker, pageGzip, allGzip,
    threaded, threadedGzip }));
} else {
  const kb = (n) => `${(n / KB).toFixed(1)} KB`;
  console.log(`package: ${pack.filename} packed ${kb(pack.size)}, unpacked ${kb(pack.unpackedSize)}, ${pack.entryCount} files`);
  for (const f of [...page, ...worker]) console.log(`  ${f.name.padEnd(18)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip`);
  console.log(`page (.wasm + JS) gzip: ${kb(pageGzip)}; with the worker modules ${kb(allGzip)} ` +
    `(budget ${kb(BUDGET)}, goal ${kb(GOAL)}): ${allGzip <= GOAL ? 'within the goal' : allGzip <= BUDGET ? 'within budget' : 'OVER BUDGET'}`);
  console.log(`threaded core (optional, instead of cofi-core.*; not in the page budget) gzip: ${kb(threadedGzip)} ` +
    `(${threaded.map((f) => `${f.name} ${kb(f.gzip)}`).join(', ')})`);
}
if (allGzip > BUDGET) process.exitCode = 1;
