// Writes tests/corpus/models/*.cofi: small valid model files fitted on invented ratings (and a compact copy), and
// damaged or hostile variants of the layout in docs/model-format.md (cut, wrong version, bad
// checksum, huge declared sizes with a correct checksum, ...). The files are committed; rerun this
// after a format change (node tests/corpus/make-models.mjs, after scripts/build wasm) and update
// the expected messages in tests/corpus/cases.tsv.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCofi } from '../../dist/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), 'models');
mkdirSync(out, { recursive: true });
const write = (name, bytes) => writeFileSync(join(out, name), bytes);

// Little-endian fields of the payload, and the file around it.
class Writer {
  parts = [];
  u8(v) { this.parts.push(Uint8Array.of(v)); return this; }
  u32(v) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); this.parts.push(b); return this; }
  u64(v) { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); this.parts.push(b); return this; }
  i32(v) { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); this.parts.push(b); return this; }
  f32(v) { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, v, true); this.parts.push(b); return this; }
  str(s) { const b = new TextEncoder().encode(s); this.u64(b.length); this.parts.push(b); return this; }
  raw(b) { this.parts.push(b); return this; }
  bytes() { return Buffer.concat(this.parts); }
}

function checksum(payload) {  // FNV-1a, 64-bit
  let h = 0xcbf29ce484222325n;
  for (const c of payload) h = ((h ^ BigInt(c)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

function file(payload, { version = 1, length = payload.length, sum = checksum(payload) } = {}) {
  return new Writer().raw(Buffer.from('COFIMODL')).u32(version).u64(length).raw(payload).u64(sum).bytes();
}

// A payload field by field: two users, three items, four ratings, a state of `state` bytes.
function payload({ algorithm = 'baseline', params = [], users = ['u1', 'u2'], items = ['a', 'b', 'c'],
  rows = [[[0, 4], [1, 2]], [[0, 3], [2, 5]]], userCount, ratingCount, state = new Writer().u64(0).bytes(),
  stateLength } = {}) {
  const w = new Writer().str(algorithm).u64(params.length);
  for (const [k, v] of params) w.str(k).str(v);
  w.u8(0).u64(userCount ?? users.length);
  for (const id of users) w.str(id);
  w.u64(items.length);
  for (const id of items) w.str(id);
  w.u64(ratingCount ?? rows.reduce((n, r) => n + r.length, 0));
  for (const row of rows) {
    w.u32(row.length);
    for (const [item, value] of row) w.i32(item).f32(value);
  }
  return w.u64(stateLength ?? state.length).raw(state).bytes();
}

const cofi = await loadCofi();
const ratings = await cofi.readRatings('user,item,rating\nann,m1,4\nann,m2,2\nbob,m1,5\nbob,m3,3\ncyd,m2,1\ncyd,m3,4\ncyd,m4,5\ndee,m4,2\ndee,m1,3\n');
const svd = cofi.createModel('svd', { factors: 2, epochs: 3 });
await svd.fit(ratings, { seed: 1 });
const valid = Buffer.from(svd.save());
write('valid-svd.cofi', valid);
const knn = cofi.createModel('knn-basic', { k: 2 });
await knn.fit(ratings);
write('valid-knn-basic.cofi', Buffer.from(knn.save()));

// Damaged files.
write('empty.cofi', Buffer.alloc(0));
write('text-not-a-model.cofi', Buffer.from('user,item,rating\n1,a,4\n'));
write('magic-cut.cofi', Buffer.from('COFIM'));
write('header-only.cofi', valid.subarray(0, 20));
write('truncated-half.cofi', valid.subarray(0, valid.length >> 1));
write('truncated-last-byte.cofi', valid.subarray(0, valid.length - 1));
write('trailing-bytes.cofi', Buffer.concat([valid, Buffer.from('xyz')]));
const flipped = Buffer.from(valid);
flipped[valid.length >> 1] ^= 0x40;
write('one-byte-changed.cofi', flipped);
const body = valid.subarray(20, valid.length - 8);
write('newer-version.cofi', file(body, { version: 2 }));
write('version-zero.cofi', file(body, { version: 0 }));
write('huge-payload-length.cofi', file(body, { length: 2n ** 63n }));

// Hostile payloads with a correct checksum: huge declared sizes and inconsistent contents.
write('reference-payload.cofi', file(payload()));
write('huge-algorithm-name.cofi', file(new Writer().u64(2n ** 62n).raw(Buffer.from('svd')).bytes()));
write('unknown-algorithm.cofi', file(payload({ algorithm: 'svd-nope' })));
write('huge-parameter-count.cofi', file(new Writer().str('svd').u64(2n ** 60n).str('factors').str('2').bytes()));
write('huge-user-count.cofi', file(payload({ userCount: 2n ** 40n })));
write('huge-rating-count.cofi', file(payload({ ratingCount: 2n ** 61n })));
write('huge-state-length.cofi', file(payload({ stateLength: 2n ** 50n })));
write('rating-of-unknown-item.cofi', file(payload({ rows: [[[0, 4], [7, 2]], [[0, 3]]] })));
write('nan-rating.cofi', file(payload({ rows: [[[0, 4], [1, NaN]], [[0, 3]]] })));
write('repeated-user-id.cofi', file(payload({ users: ['u1', 'u1'] })));
const svdParams = [['epochs', '3'], ['factors', '2']];
write('svd-huge-array.cofi', file(payload({ algorithm: 'svd', params: svdParams,
  state: new Writer().u64(1).u64(2n ** 40n).f32(0).bytes() })));
write('svd-factors-wrong-size.cofi', file(payload({ algorithm: 'svd', params: svdParams,
  state: new Writer().u64(1).u64(2).f32(0).f32(0).u64(3).f32(0).f32(0).f32(0)
    .u64(3).f32(0).f32(0).f32(0).u64(6).raw(Buffer.alloc(24)).bytes() })));

// Compact models (items only, encoded factors): a valid one, and states a reader must refuse.
write('valid-compact-int8.cofi', Buffer.from(svd.compact({ encoding: 'int8' }).save()));
function compactState({ encoding = 2, scales = [0.5, 0.25, 1] } = {}) {
  const w = new Writer().u64(0).i32(2).u64(3).u32(3).u32(1).u32(2).f32(3.5).u64(3).f32(0.1).f32(-0.1).f32(0).u8(encoding);
  w.u64(scales.length);
  for (const s of scales) w.f32(s);
  return w.u64(6).raw(Uint8Array.of(1, 255, 127, 0, 3, 4)).bytes();
}
const compactPayload = (state) => payload({ algorithm: 'compact', params: [['encoding', 'int8'], ['factors', '2'], ['source', 'svd']],
  users: [], rows: [], state });
write('compact-nan-scale.cofi', file(compactPayload(compactState({ scales: [0.5, NaN, 1] }))));
write('compact-encoding-mismatch.cofi', file(compactPayload(compactState({ encoding: 1 }))));
console.log('wrote', out);
