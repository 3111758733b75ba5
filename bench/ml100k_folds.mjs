#!/usr/bin/env node
// Accuracy and speed of the models of issue #2 on the five canonical MovieLens 100k folds
// (u1..u5), natively (build/native/cofi) and in WebAssembly (dist/cofi-cli.mjs in this Node
// process), side by side with Surprise 1.1.4's figures measured on this machine (issue #2).
//
//   node bench/ml100k_folds.mjs [--repeat N]      (after scripts/build; data from $COFI_DATA or ../shared/datasets)
//
// Times are the CLI's own fit and predict timers (file reading excluded), the best of N runs per fold
// (default 3), summed over the five folds and divided by five. Native and WASM runs alternate, so
// both see the same machine load.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import createCofiCli from '../dist/cofi-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(process.env.COFI_DATA ?? join(root, '..', 'shared', 'datasets'), 'ml-100k');
if (!existsSync(join(data, 'u1.base'))) {
  console.error(`ml-100k folds not found in ${data} (set COFI_DATA)`);
  process.exit(2);
}
const repeatArg = process.argv.indexOf('--repeat');
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;

// name, cofi flags, Surprise 1.1.4 mean RMSE and fit + test seconds per fold (issue #2)
const models = [
  ['BaselineOnly', ['--algo', 'baseline'], 0.9457, 0.12],
  ['KNNBasic, user, msd', ['--algo', 'knn-basic'], 0.9801, 2.1],
  ['KNNWithMeans, user, msd', ['--algo', 'knn-means'], 0.9527, 2.0],
  ['KNNBaseline, user, msd', ['--algo', 'knn-baseline'], 0.9323, 2.1],
  ['KNNBasic, item, cosine', ['--algo', 'knn-basic', '--set', 'user_based=false', '--set', 'similarity=cosine'], 1.0300, 1.7],
  ['KNNWithMeans, item, pearson', ['--algo', 'knn-means', '--set', 'user_based=false', '--set', 'similarity=pearson'], 0.9425, 1.8],
  ['KNNBaseline, item, pearson_baseline', ['--algo', 'knn-baseline', '--set', 'user_based=false', '--set', 'similarity=pearson_baseline'], 0.9204, 2.2],
  ['KNNWithZScore, user, msd', ['--algo', 'knn-zscore'], null, null],
  ['NormalPredictor', ['--algo', 'random'], null, null],
];

const cli = await createCofiCli();
const files = new Map();
const readFile = (path) => {
  if (!files.has(path)) files.set(path, readFileSync(path));
  return files.get(path);
};
const runWasm = (args) => {
  const r = cli.runCli(args, readFile, () => ({ error: 'no writes' }));
  if (r.status !== 0) throw new Error(`wasm cofi ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const native = join(root, 'build', 'native', 'cofi');
const runNative = (args) => JSON.parse(execFileSync(native, args, { encoding: 'utf8' }));

const fmt = (x, d = 4) => (x == null ? '–' : x.toFixed(d));
const rows = [];
for (const [name, flags, surpriseRmse, surpriseSeconds] of models) {
  const acc = { rmse: 0, mae: 0, nativeFit: 0, nativePredict: 0, wasmFit: 0, wasmPredict: 0, maxDiff: 0 };
  for (let fold = 1; fold <= 5; fold++) {
    const args = ['evaluate', '--train', join(data, `u${fold}.base`), '--test', join(data, `u${fold}.test`), ...flags, '--json'];
    let best = { nativeFit: Infinity, nativePredict: Infinity, wasmFit: Infinity, wasmPredict: Infinity };
    let n, w;
    for (let r = 0; r < repeat; r++) {
      n = runNative(args);
      w = runWasm(args);
      best = {
        nativeFit: Math.min(best.nativeFit, n.fit_seconds), nativePredict: Math.min(best.nativePredict, n.predict_seconds),
        wasmFit: Math.min(best.wasmFit, w.fit_seconds), wasmPredict: Math.min(best.wasmPredict, w.predict_seconds),
      };
    }
    acc.rmse += n.rmse / 5;
    acc.mae += n.mae / 5;
    acc.maxDiff = Math.max(acc.maxDiff, Math.abs(n.rmse - w.rmse));
    for (const k of Object.keys(best)) acc[k] += best[k] / 5;
  }
  rows.push({ name, surpriseRmse, surpriseSeconds, ...acc });
}

const header = ['model (Surprise name, same settings)', 'RMSE', 'MAE', 'Surprise RMSE', 'native fit s', 'native pred s',
  'wasm fit s', 'wasm pred s', 'wasm/native', 'Surprise fit+test s', 'speed-up (wasm)', '|RMSE native-wasm|'];
const lines = rows.map((r) => {
  const nativeTotal = r.nativeFit + r.nativePredict;
  const wasmTotal = r.wasmFit + r.wasmPredict;
  return [r.name, fmt(r.rmse), fmt(r.mae), fmt(r.surpriseRmse), fmt(r.nativeFit, 3), fmt(r.nativePredict, 3),
    fmt(r.wasmFit, 3), fmt(r.wasmPredict, 3), fmt(wasmTotal / nativeTotal, 2),
    fmt(r.surpriseSeconds, 2), r.surpriseSeconds == null ? '–' : `${(r.surpriseSeconds / wasmTotal).toFixed(0)}x`,
    r.maxDiff.toExponential(1)];
});
console.log(`MovieLens 100k, canonical folds u1..u5 (means over folds; times: best of ${repeat} per fold)`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const l of lines) console.log(`| ${l.join(' | ')} |`);
