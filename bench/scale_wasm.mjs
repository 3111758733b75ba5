// One scale measurement in WASM (Node), the twin of bench/scale_native.cpp: read a ratings CSV
// with cofi and, in the same process, with PapaParse; fit one model; time recommendations.
// Prints one JSON line. Peak memory is the WebAssembly memory's size at the end (it never
// shrinks, so this is its peak).
//
//   node bench/scale_wasm.mjs FILE ALGO [KEY=VALUE...] [--papaparse]
import { readFileSync } from 'node:fs';
import { loadCofi } from '../dist/index.js';

const [file, algorithm, ...rest] = process.argv.slice(2);
const withPapa = rest.includes('--papaparse');
const params = Object.fromEntries(rest.filter((a) => a.includes('=')).map((kv) => {
  const [k, v] = kv.split('=');
  return [k, Number.isNaN(Number(v)) ? (v === 'true' ? true : v === 'false' ? false : v) : Number(v)];
}));

const cofi = await loadCofi();
const bytes = readFileSync(file);
let t0 = performance.now();
const ratings = await cofi.readRatings(bytes, { source: file });
const readS = (performance.now() - t0) / 1000;

const out = { read_s: readS, read_mb_s: bytes.length / 1e6 / readS };
if (withPapa) {
  const { default: Papa } = await import('papaparse');
  // PapaParse takes text: decoding is not counted (to its advantage).
  const text = new TextDecoder().decode(bytes);
  t0 = performance.now();
  const parsed = Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
  const papaS = (performance.now() - t0) / 1000;
  if (parsed.data.length !== ratings.numRatings + ratings.duplicates) throw new Error(`PapaParse read ${parsed.data.length} rows`);
  out.papaparse_s = papaS;
  out.papaparse_mb_s = bytes.length / 1e6 / papaS;
}

const model = cofi.createModel(algorithm, params);
t0 = performance.now();
await model.fit(ratings);
out.fit_s = (performance.now() - t0) / 1000;

const users = ratings.userIds();
const times = [];
for (let k = 0; k < 25; k++) {
  const user = users[Math.floor((k * users.length) / 25)];
  t0 = performance.now();
  const { items } = model.recommend(user, { n: 10 });
  times.push(performance.now() - t0);
  if (items.length === 0) throw new Error('no recommendations');
}
times.sort((a, b) => a - b);
out.recommend_ms = times[Math.floor(times.length / 2)];
const memory = cofi.memory?.();
out.peak_mb = (memory?.heapBytes ?? memory?.heapSize ?? process.memoryUsage().arrayBuffers) / 2 ** 20;
out.ratings = ratings.numRatings;
out.users = ratings.numUsers;
out.items = ratings.numItems;
console.log(JSON.stringify(out));
