// Runs `cofi evaluate` on the five canonical MovieLens 100k folds, natively (build/native/cofi)
// and in WebAssembly (dist/cofi-cli.mjs in this Node process), alternating so both see the same
// machine load, and returns the means over folds. Shared by the fold benchmarks.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import createCofiCli from '../dist/cofi-cli.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ml100k = join(process.env.COFI_DATA ?? join(root, '..', 'shared', 'datasets'), 'ml-100k');
if (!existsSync(join(ml100k, 'u1.base'))) {
  console.error(`ml-100k folds not found in ${ml100k} (set COFI_DATA)`);
  process.exit(2);
}

const cli = await createCofiCli();
const files = new Map();
const readFile = (path) => {
  if (!files.has(path)) files.set(path, readFileSync(path));
  return files.get(path);
};
export function runWasm(args) {
  const r = cli.runCli(args, readFile, () => ({ error: 'no writes' }));
  if (r.status !== 0) throw new Error(`wasm cofi ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const native = join(root, 'build', 'native', 'cofi');
export function runNative(args) {
  return JSON.parse(execFileSync(native, args, { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

export const option = (name, fallback) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : fallback;
};

// Means over the five folds of RMSE, MAE and the best-of-`repeat` fit and predict seconds.
// `wasm: false` skips the WebAssembly runs (for slow reference models).
export function evaluateFolds(flags, { repeat = 3, wasm = true, folds = [1, 2, 3, 4, 5] } = {}) {
  const acc = { rmse: 0, mae: 0, nativeFit: 0, nativePredict: 0, wasmFit: NaN, wasmPredict: NaN, maxDiff: 0, perFold: [] };
  if (wasm) acc.wasmFit = acc.wasmPredict = 0;
  for (const fold of folds) {
    const args = ['evaluate', '--train', join(ml100k, `u${fold}.base`), '--test', join(ml100k, `u${fold}.test`), ...flags, '--json'];
    const best = { nativeFit: Infinity, nativePredict: Infinity, wasmFit: Infinity, wasmPredict: Infinity };
    let n, w;
    for (let r = 0; r < repeat; r++) {
      n = runNative(args);
      best.nativeFit = Math.min(best.nativeFit, n.fit_seconds);
      best.nativePredict = Math.min(best.nativePredict, n.predict_seconds);
      if (wasm) {
        w = runWasm(args);
        best.wasmFit = Math.min(best.wasmFit, w.fit_seconds);
        best.wasmPredict = Math.min(best.wasmPredict, w.predict_seconds);
        acc.maxDiff = Math.max(acc.maxDiff, Math.abs(n.rmse - w.rmse));
      }
    }
    acc.perFold.push(n.rmse);
    acc.rmse += n.rmse / folds.length;
    acc.mae += n.mae / folds.length;
    acc.nativeFit += best.nativeFit / folds.length;
    acc.nativePredict += best.nativePredict / folds.length;
    if (wasm) {
      acc.wasmFit += best.wasmFit / folds.length;
      acc.wasmPredict += best.wasmPredict / folds.length;
    }
  }
  return acc;
}

export const fmt = (x, d = 4) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(d));

export function printTable(header, lines) {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const l of lines) console.log(`| ${l.join(' | ')} |`);
}
