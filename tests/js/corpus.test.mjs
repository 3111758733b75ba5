// The corpus of bad and awkward inputs (tests/corpus/cases.tsv) through the public JS API on the
// WebAssembly build: every case must load with the stated counts or fail with the stated error,
// word for word what the native readers give (tests/unit/test_corpus.cpp checks those).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCofi, ParseError } from '../../dist/index.js';
import { root } from './helpers.mjs';

const corpus = join(root, 'tests', 'corpus');

// One case per manifest line: kind, name, options, outcome and an optional template.
function cases() {
  const lines = readFileSync(join(corpus, 'cases.tsv'), 'utf8').split('\n');
  const out = [];
  lines.forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    const columns = line.split('\t');
    assert.ok(columns.length === 4 || columns.length === 5, `cases.tsv:${index + 1}: ${columns.length} columns`);
    const [kind, name, options, expected, template] = columns;
    out.push({ line: index + 1, kind, name, options: options === '-' ? [] : options.split(','), expected, template });
  });
  return out;
}

// A template expanded as test_corpus.cpp does: \n \r \t \\ escapes, {c*N} = c repeated N times.
function expand(template) {
  return template.replace(/\\(.)|\{(.)\*(\d+)\}/g, (_, escape, c, n) => {
    if (escape !== undefined) return { n: '\n', r: '\r', t: '\t' }[escape] ?? escape;
    return c.repeat(Number(n));
  });
}

function input(c) {
  if (c.template !== undefined) return new TextEncoder().encode(expand(c.template));
  return new Uint8Array(readFileSync(join(corpus, c.kind, c.name)));
}

const cofi = await loadCofi();

async function outcome(c) {
  const bytes = input(c);
  try {
    if (c.kind === 'ratings') {
      const options = { source: c.name, skipBadRows: c.options.includes('skipBadRows') };
      if (c.options.includes('header=true')) options.header = true;
      if (c.options.includes('header=false')) options.header = false;
      const r = await cofi.readRatings(bytes, options);
      try {
        return `loads ratings=${r.numRatings} users=${r.numUsers} items=${r.numItems} duplicates=${r.duplicates} ` +
          `skipped=${r.report.skipped} encoding=${r.report.encoding}`;
      } finally {
        r.dispose();
      }
    }
    if (c.kind === 'items') {
      const t = await cofi.readItems(bytes, { source: c.name });
      try {
        return `loads items=${t.size} columns=${t.columns.length} encoding=${t.encoding}`;
      } finally {
        t.dispose();
      }
    }
    assert.equal(c.kind, 'models');
    const m = await cofi.loadModel(bytes, { source: c.name });
    try {
      return `loads algorithm=${m.algorithm} fitted=${m.fitted}`;
    } finally {
      m.dispose();
    }
  } catch (e) {
    if (e instanceof ParseError) {
      // The error's fields agree with its message: the source, and the line where there is one.
      assert.equal(e.source, c.name);
      const line = e.message.slice(c.name.length).match(/^:(\d+): /);
      assert.equal(e.line, line ? Number(line[1]) : undefined);
    }
    return `${e.name}: ${e.message}`;
  }
}

const all = cases();
test('the manifest lists every committed corpus file', () => {
  assert.ok(all.length >= 50);
  for (const kind of ['ratings', 'items', 'models']) {
    const listed = new Set(all.filter((c) => c.kind === kind && c.template === undefined).map((c) => c.name));
    for (const file of readdirSync(join(corpus, kind))) assert.ok(listed.has(file), `${kind}/${file} is not in cases.tsv`);
  }
});

for (const c of all) {
  test(`cases.tsv:${c.line} ${c.kind}/${c.name}${c.options.length ? ` (${c.options})` : ''}`, async () => {
    assert.equal(await outcome(c), c.expected);
  });
}
