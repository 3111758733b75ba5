#!/usr/bin/env node
// Accuracy and speed of the neighbourhood and baseline models (issue #2) on the five canonical
// MovieLens 100k folds (u1..u5), natively and in WebAssembly, side by side with Surprise 1.1.4's
// figures measured on this machine (issue #2).
//
//   node bench/ml100k_folds.mjs [--repeat N]      (after scripts/build; data from $COFI_DATA or ../shared/datasets)
//
// Times are the CLI's own fit and predict timers (file reading excluded), the best of N runs per
// fold (default 3), averaged over the five folds.
import { evaluateFolds, fmt, option, printTable } from './folds_runner.mjs';

const repeat = Number(option('--repeat', 3));

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

const lines = [];
for (const [name, flags, surpriseRmse, surpriseSeconds] of models) {
  const r = evaluateFolds(flags, { repeat });
  const nativeTotal = r.nativeFit + r.nativePredict;
  const wasmTotal = r.wasmFit + r.wasmPredict;
  lines.push([name, fmt(r.rmse), fmt(r.mae), fmt(surpriseRmse), fmt(r.nativeFit, 3), fmt(r.nativePredict, 3),
    fmt(r.wasmFit, 3), fmt(r.wasmPredict, 3), fmt(wasmTotal / nativeTotal, 2), fmt(surpriseSeconds, 2),
    surpriseSeconds == null ? '–' : `${(surpriseSeconds / wasmTotal).toFixed(0)}x`, r.maxDiff.toExponential(1)]);
}
console.log(`MovieLens 100k, canonical folds u1..u5 (means over folds; times: best of ${repeat} per fold)`);
printTable(['model (Surprise name, same settings)', 'RMSE', 'MAE', 'Surprise RMSE', 'native fit s', 'native pred s',
  'wasm fit s', 'wasm pred s', 'wasm/native', 'Surprise fit+test s', 'speed-up (wasm)', '|RMSE native-wasm|'], lines);
