#!/usr/bin/env node
// Builds bench/kernels.cpp natively (g++ -O3) and to WebAssembly (em++ -O3 -msimd128), runs both
// and prints one table: nanoseconds per call of each kernel against a plain loop, natively and in
// WASM (Node), with the ratios; and whether both builds compute bit-identical kernel results.
//
//   node bench/kernels.mjs [--out build/kernels-bench]
//
// Needs g++ and Emscripten (em++; NODE_PATH=/usr/share/nodejs is set for its linker here).
// Exits with status 1 if native and WASM results differ.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = resolve(root, outArg > 0 ? process.argv[outArg + 1] : join('build', 'kernels-bench'));
mkdirSync(out, { recursive: true });

const source = join(root, 'bench', 'kernels.cpp');
const native = join(out, 'kernels-native');
const wasm = join(out, 'kernels-wasm.cjs');
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { encoding: 'utf8', env, cwd: root });

run('g++', ['-O3', '-std=c++17', '-Isrc', source, '-o', native]);
run('em++', ['-O3', '-msimd128', '-std=c++17', '-Isrc', source, '-sENVIRONMENT=node', '-sSINGLE_FILE=1', '-o', wasm],
  { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs' });

const n = JSON.parse(run(native, ['--json']));
const w = JSON.parse(run(process.execPath, [wasm, '--json']));

const fmt = (x, d = 1) => x.toFixed(d);
const header = ['kernel', 'n', 'native plain ns', 'native kernel ns', 'native plain/kernel',
  'wasm plain ns', 'wasm kernel ns', 'wasm plain/kernel', 'wasm/native (kernel)'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (let r = 0; r < n.rows.length; r++) {
  const a = n.rows[r];
  const b = w.rows[r];
  console.log(`| ${a.kernel} | ${a.n} | ${fmt(a.plain_ns)} | ${fmt(a.kernel_ns)} | ${fmt(a.plain_ns / a.kernel_ns, 2)} | ` +
    `${fmt(b.plain_ns)} | ${fmt(b.kernel_ns)} | ${fmt(b.plain_ns / b.kernel_ns, 2)} | ${fmt(b.kernel_ns / a.kernel_ns, 2)} |`);
}
const same = n.checksum === w.checksum;
console.log(`\nkernel results, lengths 0..130: native ${n.checksum}, wasm ${w.checksum}: ${same ? 'bit-identical' : 'DIFFERENT'}`);
if (!same) process.exitCode = 1;
