// Scale benchmark: synthetic ratings at 100k, 1M and 10M (bench/synthetic.mjs, generated here,
// never committed), read and fitted natively (bench/scale_native.cpp) and in WASM under Node
// (bench/scale_wasm.mjs), each measurement in a fresh process. Prints one table: CSV read
// throughput beside PapaParse's (same Node process), fit time, peak memory, recommend latency
// for one user, and how fit time grows with the number of ratings (the exponent b of
// time ~ ratings^b, fitted on log-log over the sizes measured). Then recommend latency over a
// 50k-item catalogue.
//
//   node bench/scale.mjs [--sizes 100000,1000000,10000000] [--skip-native] [--models baseline,svd]
//
// Needs scripts/build (build/native/cofi_scale_native and dist/).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { syntheticCsv } from './synthetic.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = path.join(ROOT, 'build/native/cofi_scale_native');
const arg = (name, fallback) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : fallback;
};
const SIZES = arg('sizes', '100000,1000000,10000000').split(',').map(Number);
const SKIP_NATIVE = process.argv.includes('--skip-native');

// The models and where they run. item-kNN keeps its kept_neighbors best per item once the dense
// matrix would pass max_dense_mb, so its memory is bounded by the kept neighbours.
const MODELS = [
  { name: 'baseline', algo: 'baseline', params: [] },
  { name: 'item-kNN', algo: 'knn-baseline', params: ['user_based=false', 'similarity=pearson_baseline', 'max_dense_mb=64', 'kept_neighbors=100'], maxRatings: 1e6 },
  { name: 'svd', algo: 'svd', params: [] },
  { name: 'als', algo: 'als', params: [], maxRatings: 1e6 },
  { name: 'ials (64 f, 10 it)', algo: 'ials', params: ['factors=64', 'epochs=10'] },
].filter((m) => !arg('models') || arg('models').split(',').includes(m.algo));

async function measure(runtime, file, model, extra = []) {
  const args = [file, model.algo, ...model.params, ...extra];
  const { stdout } = runtime === 'native'
    ? await run(NATIVE, args, { maxBuffer: 1 << 20 })
    : await run('node', ['--max-old-space-size=8192', path.join(ROOT, 'bench/scale_wasm.mjs'), ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

if (!existsSync(path.join(ROOT, 'dist/index.js')) || (!SKIP_NATIVE && !existsSync(NATIVE))) {
  throw new Error('run scripts/build first (dist/ and build/native/cofi_scale_native)');
}

const results = [];  // { size, model, runtime, ...figures }
const reads = [];    // per size: cofi native, cofi wasm, PapaParse
for (const size of SIZES) {
  const data = await syntheticCsv({ ratings: size });
  process.stderr.write(`${size} ratings (${data.users} users x ${data.items} items): ${data.file}\n`);
  let readRow = null;
  for (const model of MODELS) {
    if (model.maxRatings && size > model.maxRatings) continue;
    for (const runtime of SKIP_NATIVE ? ['wasm'] : ['native', 'wasm']) {
      const papa = runtime === 'wasm' && !readRow;
      const r = await measure(runtime, data.file, model, papa ? ['--papaparse'] : []);
      process.stderr.write(`  ${model.name} ${runtime}: fit ${r.fit_s.toFixed(2)} s, peak ${r.peak_mb.toFixed(0)} MB\n`);
      results.push({ size, model: model.name, runtime, ...r });
      if (papa) readRow = { size, wasm: r.read_mb_s, papa: r.papaparse_mb_s };
    }
  }
  const native = results.find((r) => r.size === size && r.runtime === 'native');
  reads.push({ ...readRow, native: native?.read_mb_s });
}

// Fitted exponent of fit time against ratings, per model and runtime.
function exponent(model, runtime) {
  const points = results.filter((r) => r.model === model && r.runtime === runtime && r.fit_s > 0);
  if (points.length < 2) return '–';
  const xs = points.map((p) => Math.log(p.ratings)), ys = points.map((p) => Math.log(p.fit_s));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  const slope = xs.reduce((s, x, k) => s + (x - mx) * (ys[k] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return slope.toFixed(2);
}

const label = (n) => (n >= 1e6 ? `${n / 1e6} M` : `${n / 1e3} k`);
console.log('\nCSV read throughput (MB/s; cofi from bytes, PapaParse from an already decoded string)');
console.log('| ratings | cofi native | cofi WASM | PapaParse (Node) | WASM / PapaParse |');
console.log('|---|---|---|---|---|');
for (const r of reads) {
  console.log(`| ${label(r.size)} | ${r.native?.toFixed(0) ?? '–'} | ${r.wasm.toFixed(0)} | ${r.papa.toFixed(0)} | ${(r.wasm / r.papa).toFixed(2)}x |`);
}
console.log('\nFit time, peak memory and recommend latency (one user, top 10, median of 25 users)');
console.log('| model | ratings | native fit s | WASM fit s | WASM/native | native peak MB | WASM peak MB | native rec ms | WASM rec ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const model of MODELS) {
  for (const size of SIZES) {
    const n = results.find((r) => r.model === model.name && r.size === size && r.runtime === 'native');
    const w = results.find((r) => r.model === model.name && r.size === size && r.runtime === 'wasm');
    if (!w) continue;
    console.log(`| ${model.name} | ${label(size)} | ${n?.fit_s.toFixed(2) ?? '–'} | ${w.fit_s.toFixed(2)} | ${n ? (w.fit_s / n.fit_s).toFixed(2) : '–'} | ` +
      `${n?.peak_mb.toFixed(0) ?? '–'} | ${w.peak_mb.toFixed(0)} | ${n?.recommend_ms.toFixed(2) ?? '–'} | ${w.recommend_ms.toFixed(2)} |`);
  }
}
console.log('\nGrowth of fit time with ratings (exponent b in time ~ ratings^b)');
console.log('| model | native b | WASM b |');
console.log('|---|---|---|');
for (const model of MODELS) console.log(`| ${model.name} | ${exponent(model.name, 'native')} | ${exponent(model.name, 'wasm')} |`);

// Recommend latency over a 50k-item catalogue.
const catalogue = await syntheticCsv({ ratings: 1_000_000, users: 20_000, items: 50_000 });
console.log(`\nRecommend latency over a 50,000-item catalogue (${catalogue.ratings} ratings, ${catalogue.users} users; one user, top 10, median of 25)`);
console.log('| model | native ms | WASM ms |');
console.log('|---|---|---|');
for (const model of MODELS.filter((m) => ['svd', 'ials'].includes(m.algo))) {
  const n = SKIP_NATIVE ? null : await measure('native', catalogue.file, model);
  const w = await measure('wasm', catalogue.file, model);
  console.log(`| ${model.name} | ${n?.recommend_ms.toFixed(2) ?? '–'} | ${w.recommend_ms.toFixed(2)} |`);
}
