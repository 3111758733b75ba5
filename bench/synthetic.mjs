// Seeded synthetic ratings for the scale benchmarks: users x items with power-law popularity (a few
// items get most ratings, as in real catalogues), power-law user activity, and a planted low-rank
// taste structure (rating = a function of the user's and item's hidden vectors plus noise), so the
// learned models have something true to find. Written as CSV; generated when a benchmark runs and
// never committed (bench/out/ is ignored by git).
//
//   node bench/synthetic.mjs --ratings 1000000 [--users N] [--items N] [--rank 8] [--seed 1] [--out file.csv]
//   import { syntheticCsv } from './synthetic.mjs'   // -> path of the cached file
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');

// A seeded generator (mulberry32) and a standard normal by Box-Muller.
function rng(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

// Cumulative weights of a Zipf-like law w(k) = (k + 1)^-exponent, for sampling by binary search.
function powerLawCdf(n, exponent) {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += (k + 1) ** -exponent;
  for (let k = 0; k < n; k++) cdf[k] /= total;
  return cdf;
}

function sample(cdf, u) {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Default shape for a number of ratings: density falls as data grows, as in real data sets. */
export function defaultShape(ratings) {
  const users = Math.max(200, Math.round(Math.sqrt(ratings) * 6));
  const items = Math.max(100, Math.round(Math.sqrt(ratings) * 3));
  return { users, items };
}

/**
 * Writes `ratings` distinct (user, item, rating) rows to `file`; resolves with the counts.
 * Users' activity and items' popularity follow power laws; ratings 1-5 come from the dot product
 * of rank-`rank` hidden vectors plus noise.
 */
export async function writeSynthetic(file, { ratings, users, items, rank = 8, seed = 1, itemExponent = 0.9, userExponent = 0.7 }) {
  ({ users = defaultShape(ratings).users, items = defaultShape(ratings).items } = { users, items });
  if (ratings > users * items * 0.5) throw new Error(`${ratings} ratings are too dense for ${users} x ${items}`);
  const { uniform, normal } = rng(seed);
  const userVectors = Float32Array.from({ length: users * rank }, () => normal() / Math.sqrt(rank));
  const itemVectors = Float32Array.from({ length: items * rank }, () => normal() / Math.sqrt(rank));
  // Item k in popularity order is a random item id, so popular items are spread over the ids.
  const byPopularity = Uint32Array.from({ length: items }, (_, k) => k);
  for (let k = items - 1; k > 0; k--) {
    const j = Math.floor(uniform() * (k + 1));
    [byPopularity[k], byPopularity[j]] = [byPopularity[j], byPopularity[k]];
  }
  const itemCdf = powerLawCdf(items, itemExponent);
  // Each user's number of ratings: a power law over users scaled to the total, at least 2, at
  // most half the catalogue (so distinct items can always be drawn).
  const activity = powerLawCdf(users, userExponent);
  const counts = new Uint32Array(users);
  let assigned = 0;
  for (let u = 0; u < users; u++) {
    const share = activity[u] - (u > 0 ? activity[u - 1] : 0);
    counts[u] = Math.min(Math.floor(items / 2), Math.max(2, Math.round(share * ratings)));
    assigned += counts[u];
  }
  // Spread the rounding difference over the users with room, most active first.
  for (let u = 0; assigned !== ratings; u = (u + 1) % users) {
    if (assigned < ratings && counts[u] < Math.floor(items / 2)) { counts[u]++; assigned++; }
    else if (assigned > ratings && counts[u] > 2) { counts[u]--; assigned--; }
  }

  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const write = (text) => (out.write(text) ? null : new Promise((resolve) => out.once('drain', resolve)));
  await write('user,item,rating\n');
  let buffer = '';
  const seen = new Set();
  for (let u = 0; u < users; u++) {
    seen.clear();
    // A random user id order too: the file is not sorted by activity.
    while (seen.size < counts[u]) {
      const item = byPopularity[sample(itemCdf, uniform())];
      if (seen.has(item)) continue;
      seen.add(item);
      let dot = 0;
      for (let f = 0; f < rank; f++) dot += userVectors[u * rank + f] * itemVectors[item * rank + f];
      const rating = Math.min(5, Math.max(1, Math.round(3.4 + 2.2 * dot + 0.6 * normal())));
      buffer += `u${u},i${item},${rating}\n`;
      if (buffer.length > 1 << 16) {
        await write(buffer);
        buffer = '';
      }
    }
  }
  await write(buffer);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  renameSync(partial, file);
  return { ratings, users, items };
}

/** The cached CSV for these settings (generated on first use) and its shape. */
export async function syntheticCsv({ ratings, rank = 8, seed = 1, ...rest }) {
  const { users, items } = { ...defaultShape(ratings), ...rest };
  const file = path.join(OUT, `synthetic-${ratings}-${users}x${items}-r${rank}-s${seed}.csv`);
  if (!existsSync(file)) await writeSynthetic(file, { ratings, users, items, rank, seed });
  return { file, ratings, users, items };
}

const runDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  const arg = (name) => {
    const k = process.argv.indexOf(`--${name}`);
    return k > 0 ? process.argv[k + 1] : undefined;
  };
  const ratings = Number(arg('ratings') ?? 1e6);
  const options = { ratings, rank: Number(arg('rank') ?? 8), seed: Number(arg('seed') ?? 1) };
  if (arg('users')) options.users = Number(arg('users'));
  if (arg('items')) options.items = Number(arg('items'));
  const t = performance.now();
  if (arg('out')) {
    const shape = await writeSynthetic(arg('out'), { ...defaultShape(ratings), ...options });
    console.log(`${arg('out')}: ${JSON.stringify(shape)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else {
    const shape = await syntheticCsv(options);
    console.log(`${shape.file}: ${shape.ratings} ratings, ${shape.users} users, ${shape.items} items (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
}
