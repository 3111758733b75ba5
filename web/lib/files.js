// What the page works out from a file before (and besides) the worker reads it: the first rows
// for the preview, a guess of delimiter, header and columns, whether it fits in memory, and the
// MovieLens 100k genre flags. Pure functions over text: no DOM, so Node tests can import them.

/** How much of a file the preview reads. */
export const PREVIEW_BYTES = 64 * 1024;

export const DELIMITERS = [
  { value: ',', name: 'comma' },
  { value: '\t', name: 'tab' },
  { value: ';', name: 'semicolon' },
  { value: '|', name: 'pipe' },
  { value: '::', name: 'double colon' },
  { value: ' ', name: 'space' },
];

export function delimiterName(delimiter) {
  return DELIMITERS.find((d) => d.value === delimiter)?.name ?? JSON.stringify(delimiter);
}

// The header names the reader itself recognises (src/io/ratings_reader.cpp), lower case.
const USER_NAMES = ['user', 'userid', 'user_id', 'users', 'uid', 'user id', 'customer', 'customer_id'];
const ITEM_NAMES = ['item', 'itemid', 'item_id', 'movieid', 'movie_id', 'movie', 'product', 'product_id', 'productid',
  'iid', 'item id', 'isbn', 'asin', 'track', 'track_id'];
const RATING_NAMES = ['rating', 'ratings', 'score', 'value', 'stars', 'preference', 'rate'];

/**
 * The text of a file's first bytes: UTF-8 when they are valid UTF-8, else latin-1 (as the reader
 * decides). `complete` is false when the bytes stop inside the file: the last, partial line is
 * then dropped.
 */
export function decodeHead(bytes, complete) {
  let end = bytes.length;
  if (!complete) {
    const lastNewline = bytes.lastIndexOf(10);
    if (lastNewline >= 0) end = lastNewline + 1;
  }
  const part = bytes.subarray(0, end);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(part).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    // TextDecoder's 'latin1' is windows-1252 (WHATWG), which is what such files mostly are.
    return { text: new TextDecoder('latin1').decode(part), encoding: 'latin-1' };
  }
}

/** Splits one line on `delimiter`, honouring RFC 4180 quotes within the line. */
export function splitLine(line, delimiter) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < line.length; k += 1) {
    const c = line[k];
    if (quoted) {
      if (c === '"' && line[k + 1] === '"') { field += '"'; k += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (line.startsWith(delimiter, k)) {
      fields.push(field);
      field = '';
      k += delimiter.length - 1;
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

/** Non-empty lines with their 1-based line numbers. */
export function sampleLines(text, limit = 200) {
  const out = [];
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length && out.length < limit; k += 1) {
    if (lines[k].trim() !== '') out.push({ line: k + 1, text: lines[k] });
  }
  return out;
}

/** The delimiter that splits every sampled line into the same number (>= 2) of fields. */
export function detectDelimiter(lines) {
  let best = null;
  for (const { value } of DELIMITERS) {
    const counts = lines.slice(0, 50).map(({ text }) => splitLine(text, value).length);
    if (counts.length === 0 || counts[0] < 2) continue;
    const same = counts.filter((n) => n === counts[0]).length;
    const score = same / counts.length;
    if (score >= 0.9 && (!best || score > best.score)) best = { value, score };
  }
  return best?.value ?? ',';
}

const isNumber = (text) => text.trim() !== '' && Number.isFinite(Number(text.trim()));

/**
 * A guess at how the reader will take this text: { delimiter, header, columns: [names], user,
 * item, rating (0-based, rating -1 for implicit), rows: [{ line, fields }] }. `options` fixes any
 * of delimiter, header, userColumn, itemColumn, ratingColumn as the reader's options would.
 */
export function guessLayout(text, options = {}) {
  const lines = sampleLines(text);
  const delimiter = options.delimiter ?? detectDelimiter(lines);
  const rows = lines.map(({ line, text: t }) => ({ line, fields: splitLine(t, delimiter) }));
  const first = rows[0]?.fields ?? [];
  const lower = first.map((f) => f.trim().toLowerCase());
  const byName = (names) => lower.findIndex((f) => names.includes(f));
  const named = [byName(USER_NAMES), byName(ITEM_NAMES), byName(RATING_NAMES)];
  const width = Math.max(0, ...rows.slice(0, 50).map((r) => r.fields.length));
  // The reader: a first row whose rating field is not a number is a header.
  let header = options.header;
  if (header === undefined) {
    const ratingGuess = named[2] >= 0 ? named[2] : 2;
    header = named.some((k) => k >= 0) || (first.length > ratingGuess && !isNumber(first[ratingGuess]) && rows.length > 1
      && isNumber(rows[1].fields[ratingGuess] ?? ''));
  }
  const columnIndex = (option, k, fallback) => {
    if (typeof option === 'number') return option;
    if (typeof option === 'string') {
      if (option === 'none') return -1;
      const at = lower.indexOf(option.toLowerCase());
      return at >= 0 ? at : fallback;
    }
    return header && named[k] >= 0 ? named[k] : fallback;
  };
  const user = columnIndex(options.userColumn, 0, 0);
  const item = columnIndex(options.itemColumn, 1, user === 1 ? 0 : 1);
  const free = [0, 1, 2, 3].find((k) => k !== user && k !== item);
  const rating = columnIndex(options.ratingColumn, 2, width > 2 ? free : -1);
  const columns = Array.from({ length: width }, (_, k) => (header && first[k] !== undefined ? first[k] : `column ${k + 1}`));
  return { delimiter, header, columns, user, item, rating, rows: header ? rows.slice(1) : rows, headerRow: header ? rows[0] : null };
}

/** Average bytes per line of a text sample (for estimating a file's rows from its size). */
export function bytesPerLine(text) {
  const lines = sampleLines(text, 1000);
  if (lines.length === 0) return 20;
  const bytes = new TextEncoder().encode(lines.map((l) => l.text).join('\n')).length + 1; // + the last newline
  return bytes / lines.length;
}

/** The most memory the WebAssembly module can have (it is built with MAXIMUM_MEMORY=4GB). */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/**
 * Whether a ratings file of `size` bytes can be read: the module holds a copy of the file while
 * it parses and about 20 bytes per rating after (16.2 measured on ml-100k, plus id maps), with
 * room kept for the model. Returns { ok, needed, rows }.
 */
export function memoryCheck(size, sampleText, { limit = WASM_MEMORY_LIMIT, headroom = 0.75 } = {}) {
  const rows = Math.ceil(size / Math.max(4, bytesPerLine(sampleText)));
  const needed = size + rows * 20;
  return { ok: needed <= limit * headroom, needed, rows };
}

/**
 * MovieLens 100k's u.item: id|title|release date|video date|URL|19 genre flags (0/1), no header.
 * Returns the genre names for an item's fields, or null when the fields are not of that shape.
 */
export const ML100K_GENRES = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime',
  'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller',
  'War', 'Western'];

export function genreFlags(fields) {
  if (!fields || fields.length !== 5 + ML100K_GENRES.length) return null;
  const flags = fields.slice(5);
  if (!flags.every((f) => f === '0' || f === '1')) return null;
  return ML100K_GENRES.filter((_, k) => flags[k] === '1');
}

/** A column of an items table that holds genres or tags, by its header name. */
export function genreColumn(columns) {
  const index = columns.findIndex((name) => /genre|categor|tags?$/i.test(name));
  return index >= 0 ? index : null;
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Bins for a heavy-tailed count (ratings per user or per item): 1, 2-3, 4-7, 8-15... */
export function powerOfTwoBins(counts) {
  let max = 0;
  for (const n of counts) if (n > max) max = n;
  const bins = [];
  for (let lo = 1; lo <= Math.max(1, max); lo *= 2) bins.push({ lo, hi: lo * 2 - 1, count: 0 });
  for (const n of counts) {
    if (n < 1) continue;
    bins[Math.floor(Math.log2(n))].count += 1;
  }
  return bins.map((b) => ({ label: b.lo === b.hi ? String(b.lo) : `${b.lo}–${b.hi}`, tick: String(b.lo), count: b.count }));
}

/** Bars for the rating values: one per value when there are few, else 20 equal-width bins. */
export function ratingBins(values, valueCounts) {
  if (values.length <= 20) {
    return Array.from(values, (v, k) => ({ label: String(Math.round(v * 1000) / 1000), count: valueCounts[k] }));
  }
  const lo = values[0], hi = values[values.length - 1];
  const width = (hi - lo) / 20 || 1;
  const bins = Array.from({ length: 20 }, (_, k) => ({ label: (lo + k * width).toPrecision(3), count: 0 }));
  values.forEach((v, k) => { bins[Math.min(19, Math.floor((v - lo) / width))].count += valueCounts[k]; });
  return bins;
}
