#!/usr/bin/env node
// The learned models (issue #3) on the five canonical MovieLens 100k folds with Surprise's
// defaults, natively and in WebAssembly, beside Surprise 1.1.4 measured on this machine; then the
// top-10 ranking metrics on u1 for every ranking model, and the saved size and load time of svd.
//
//   node bench/ml100k_learned.mjs [--repeat N]     (after scripts/build; data from $COFI_DATA or ../shared/datasets)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCofi } from '../dist/index.js';
import { evaluateFolds, fmt, ml100k, option, printTable, root, runNative } from './folds_runner.mjs';

const repeat = Number(option('--repeat', 3));

// name, cofi flags, Surprise 1.1.4 mean RMSE and fit seconds per fold (issue #3)
const models = [
  ['SVD', ['--algo', 'svd'], 0.9380, 0.41],
  ['SVDpp', ['--algo', 'svdpp'], 0.9218, 17.5],
  ['NMF', ['--algo', 'nmf'], 0.9689, 0.55],
  ['SlopeOne', ['--algo', 'slope-one'], 0.9470, 0.42],
  ['CoClustering', ['--algo', 'co-clustering'], 0.9629, 0.66],
  ['(als, ALS-WR with biases)', ['--algo', 'als'], null, null],
  ['(bpmf)', ['--algo', 'bpmf'], null, null],
];
const lines = [];
for (const [name, flags, surpriseRmse, surpriseFit] of models) {
  const r = evaluateFolds(flags, { repeat });
  lines.push([name, fmt(r.rmse), fmt(surpriseRmse), fmt(r.nativeFit, 3), fmt(r.wasmFit, 3), fmt(r.wasmFit / r.nativeFit, 2),
    fmt(surpriseFit, 2), surpriseFit == null ? '–' : `${(surpriseFit / r.wasmFit).toFixed(1)}x`, r.maxDiff.toExponential(1)]);
}
console.log(`Rating prediction, canonical folds u1..u5, Surprise's defaults (means over folds; fit: best of ${repeat} per fold)`);
printTable(['model', 'RMSE', 'Surprise RMSE', 'native fit s', 'wasm fit s', 'wasm/native', 'Surprise fit s', 'wasm speed-up', '|RMSE native-wasm|'], lines);

console.log('\nTop-10 on u1 (users with a u1.test rating >= 4; candidates: u1.base items they did not rate; macro-averaged)');
const ranking = [];
for (const algo of ['popular', 'svd', 'knn-baseline', 'als', 'bpr', 'ials', 'ease']) {
  const args = ['rank', '--train', join(ml100k, 'u1.base'), '--test', join(ml100k, 'u1.test'), '--algo', algo, '-k', '10', '--json'];
  if (algo === 'knn-baseline') args.push('--set', 'user_based=false', '--set', 'similarity=pearson_baseline');
  const r = runNative(args);
  ranking.push([algo, fmt(r.precision), fmt(r.recall), fmt(r.ndcg), fmt(r.hit_rate)]);
}
printTable(['model', 'P@10', 'R@10', 'NDCG@10', 'hit rate'], ranking);

// Saved model: svd on u1.base, natively; load time natively (the CLI's own timer) and in WASM.
const dir = mkdtempSync(join(tmpdir(), 'cofi-bench-'));
const file = join(dir, 'u1-svd.cofi');
execFileSync(join(root, 'build', 'native', 'cofi'), ['fit', '--ratings', join(ml100k, 'u1.base'), '--algo', 'svd', '--save', file, '--json']);
const bytes = readFileSync(file);
const cofi = await loadCofi();
const times = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const m = await cofi.loadModel(bytes, { source: 'u1-svd.cofi' });
  times.push(performance.now() - t0);
  m.dispose();
}
console.log(`\nsvd saved on u1.base: ${statSync(file).size} bytes; WASM load (loadModel) first ${times[0].toFixed(1)} ms, best of 5 ${Math.min(...times).toFixed(1)} ms`);
