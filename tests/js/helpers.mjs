// Shared by the Node tests: paths, the MovieLens location, a small synthetic dataset.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const nativeCli = join(root, 'build', 'native', 'cofi');
export const wasmCli = join(root, 'bin', 'cofi.mjs');

// MovieLens lives outside the repo (its licence keeps it out): $COFI_DATA or ../shared/datasets.
export function datasetDir(name) {
  const dir = join(process.env.COFI_DATA ?? join(root, '..', 'shared', 'datasets'), name);
  if (!existsSync(dir)) throw new Error(`dataset ${name} not found at ${dir}: set COFI_DATA to the datasets folder`);
  return dir;
}

// A seeded generator (mulberry32), so every run builds the same synthetic ratings.
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Users in two taste groups rating items of two kinds; ids are strings of mixed shapes.
export function syntheticRatings({ users = 120, items = 80, perUser = 18, seed = 7 } = {}) {
  const rnd = random(seed);
  const rows = ['user,item,rating'];
  for (let u = 0; u < users; u++) {
    const group = u % 2;
    const seen = new Set();
    for (let k = 0; k < perUser; k++) {
      const i = Math.floor(rnd() * items);
      if (seen.has(i)) continue;
      seen.add(i);
      const liked = (i % 2) === group;
      const r = Math.min(5, Math.max(1, Math.round((liked ? 4.2 : 2.1) + (rnd() - 0.5) * 2)));
      rows.push(`user-${u},item${String(i).padStart(3, '0')},${r}`);
    }
  }
  return rows.join('\n') + '\n';
}

export function tempFile(name, text) {
  const dir = mkdtempSync(join(tmpdir(), 'cofi-test-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
