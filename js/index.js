// cofi's public JavaScript API: a thin, JS-shaped layer over the WebAssembly core.
//
//   import { loadCofi } from 'cofi';
//   const cofi = await loadCofi();
//   const ratings = await cofi.readRatings(csvTextOrBytesOrFile, { source: 'ratings.csv' });
//   const model = cofi.createModel('knn-baseline', { user_based: false, similarity: 'pearson_baseline' });
//   await model.fit(ratings);
//   model.recommend('42', { n: 10 });  // { known: true, items: [{ item: '50', score: 4.61 }, ...] }
//   const bytes = model.save();        // a Uint8Array: store it, then Model.load(bytes)
//
// The same API runs in a Web Worker behind Promises: see js/worker-client.js ('cofi/worker').
import createCofiCore from './cofi-core.mjs';

import { CofiError, ParseError, UsageError, MemoryError, errorFromRecord, describe } from './errors.js';

export { CofiError, ParseError, UsageError, MemoryError };

// Turns the core's error records into Errors; passes every other value through.
function unwrap(result) {
  if (result !== null && typeof result === 'object' && typeof result.cofiError === 'string') throw errorFromRecord(result);
  return result;
}

// Native handles are freed by dispose(); the registry frees those a program forgot.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { handle.delete(); } catch { /* already freed */ } })
  : null;

class Handle {
  #handle;
  #what;
  constructor(handle, what, core) {
    this.#handle = handle;
    this.#what = what;
    /** The module instance the handle lives in (objects of two instances cannot meet). */
    this._core = core;
    registry?.register(this, handle, this);
  }
  /** The native object; throws once disposed. */
  get _native() {
    if (!this.#handle) throw new UsageError(`this ${this.#what} has been disposed`);
    return this.#handle;
  }
  get disposed() { return this.#handle === null; }
  /** Frees the WebAssembly memory behind this object. Safe to call twice. */
  dispose() {
    if (!this.#handle) return;
    registry?.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }
  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() { this.dispose(); }
}

function requireString(value, what) {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new UsageError(`${what} must be a string id (or a number), got ${describe(value)}`);
  return value;
}

function requireCount(value, what) {
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${what} must be a whole number >= 0, got ${describe(value)}`);
  return value;
}

// The argument as a handle of the same module instance as `owner`, or a UsageError.
function sameCore(owner, value, Class, call) {
  if (!(value instanceof Class)) throw new UsageError(`${call} expects a ${Class.name} object, got ${describe(value)}`);
  if (value._core !== owner._core) throw new UsageError(`${call}: the ${Class.name} object belongs to another cofi instance (loadCofi was called twice)`);
  return value._native;
}

const encoder = new TextEncoder();

// A list of ids as one UTF-8 buffer with a NUL after each id: the core copies it in one go
// (an Embind string conversion per id would dominate the time for a million ratings).
function joinIds(list, what) {
  if (list == null || typeof list === 'string' || typeof list[Symbol.iterator] !== 'function') {
    throw new UsageError(`${what} must be an array of ids (strings or numbers), got ${describe(list)}`);
  }
  const parts = [];
  let k = 0;
  for (const value of list) {
    let id;
    if (typeof value === 'string') id = value;
    else if (typeof value === 'number' && Number.isFinite(value)) id = String(value);
    else if (typeof value === 'bigint') id = String(value);
    else throw new UsageError(`${what}[${k}] must be a string or a finite number, got ${describe(value)}`);
    if (id.includes('\0')) throw new UsageError(`${what}[${k}] contains a NUL character`);
    parts.push(id);
    ++k;
  }
  return { bytes: encoder.encode(parts.length ? parts.join('\0') + '\0' : ''), count: k };
}

// recommend's filter options as the core takes them.
function filterOptions({ exclude, include, excludeRated = true }) {
  if (typeof excludeRated !== 'boolean') throw new UsageError(`excludeRated must be true or false, got ${describe(excludeRated)}`);
  const out = { excludeRated };
  if (exclude !== undefined) out.exclude = joinIds(exclude, 'exclude').bytes;
  if (include !== undefined) out.include = joinIds(include, 'include').bytes;
  return out;
}

// Text, bytes or a Blob/File as something the core takes (a string or a Uint8Array).
async function toInput(input) {
  if (typeof input === 'string' || input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new UsageError(`expected CSV text, bytes (Uint8Array/ArrayBuffer) or a Blob/File, got ${describe(input)}`);
}

// A saved model's bytes, from bytes or a Blob/File. Text is refused: a model file is binary, and
// a string would have been decoded (and damaged) on its way here.
async function toModelBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new UsageError(`loadModel expects the bytes of a saved model (Uint8Array, ArrayBuffer or Blob/File), got ${describe(input)}`);
}

/** A ratings dataset held in WebAssembly memory. */
export class Ratings extends Handle {
  constructor(native, core) {
    super(native, 'Ratings', core);
    const n = this._native;
    /** How the file was read: delimiter, header, columns, skipped rows and their lines. */
    this.report = n.report();
  }
  get numRatings() { return this._native.numRatings(); }
  get numUsers() { return this._native.numUsers(); }
  get numItems() { return this._native.numItems(); }
  get duplicates() { return this._native.duplicates(); }
  get implicit() { return this._native.implicit(); }
  get ratingMin() { return this._native.ratingMin(); }
  get ratingMax() { return this._native.ratingMax(); }
  get globalMean() { return this._native.globalMean(); }
  get bytesPerRating() { return this._native.bytesPerRating(); }
  /** Summary statistics as a plain object. */
  summary() {
    return {
      ratings: this.numRatings, users: this.numUsers, items: this.numItems, duplicates: this.duplicates,
      ratingMin: this.ratingMin, ratingMax: this.ratingMax, mean: this.globalMean, implicit: this.implicit,
    };
  }
  /** The user id at dense index `index` (0 = the first user in the file). */
  userId(index) { return unwrap(this._native.userId(requireCount(index, 'index'))); }
  itemId(index) { return unwrap(this._native.itemId(requireCount(index, 'index'))); }
  /** Every user id, in order of first appearance (index k = userId(k)). */
  userIds() { return this._native.userIds(); }
  /** Every item id, in order of first appearance. */
  itemIds() { return this._native.itemIds(); }
  hasUser(id) { return this._native.hasUser(requireString(id, 'user')); }
  hasItem(id) { return this._native.hasItem(requireString(id, 'item')); }
  /** A user's ratings: { items: string[], ratings: number[] } in file order. */
  userRatings(id) { return unwrap(this._native.userRatings(requireString(id, 'user'))); }
  /** How many ratings an item has (0 for an unknown item). */
  itemCount(id) { return this._native.itemCount(requireString(id, 'item')); }
  /**
   * Ratings per user and per item, by index (perUser[k] belongs to userId(k)), and how often each
   * distinct rating value occurs: { perUser: Int32Array, perItem: Int32Array, values, valueCounts }
   * (values ascending, Float64Arrays).
   */
  counts() { return unwrap(this._native.counts()); }
  /**
   * A random hold-out: { train, test }, with `testFraction` of the ratings (rounded up) in test.
   * Both keep this dataset's ids; dispose them when done.
   */
  split({ testFraction = 0.2, seed = 0 } = {}) {
    if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
      throw new UsageError(`testFraction must be a number strictly between 0 and 1, got ${describe(testFraction)}`);
    }
    const [train, test] = unwrap(this._native.split(testFraction, requireCount(seed, 'seed')));
    return { train: new Ratings(train, this._core), test: new Ratings(test, this._core) };
  }
}

/** An items table: titles and further columns by item id. */
export class Items extends Handle {
  constructor(native, core) {
    super(native, 'Items', core);
    const info = this._native.info();
    /** Every column's name (header names, or "column 1"...). */
    this.columns = this._native.columns();
    this.encoding = info.encoding;
    this.delimiter = info.delimiter;
    this.header = info.header;
    /** 0-based indices of the id and title columns. */
    this.idColumn = info.idColumn;
    this.titleColumn = info.titleColumn;
  }
  get size() { return this._native.size(); }
  /** The title of an item id, or null. */
  title(id) { return this._native.title(requireString(id, 'item')); }
  /** Every column's text for an item id, or null. */
  fields(id) { return this._native.fields(requireString(id, 'item')); }
  /** Titles of many ids at once (null where an id is unknown). */
  titles(ids) {
    if (ids == null || typeof ids[Symbol.iterator] !== 'function' || typeof ids === 'string') throw new UsageError(`titles expects an array of ids, got ${describe(ids)}`);
    return Array.from(ids, (id) => this.title(id));
  }
  /** Every item id, in file order. */
  ids() { return this._native.ids(); }
}

/** A recommender model: create with an algorithm name, fit, then ask. */
export class Model extends Handle {
  #ratings = null;
  #fitting = false;
  constructor(native, core) {
    super(native, 'Model', core);
    this.algorithm = this._native.algorithm();
  }
  /**
   * A fitted model from saved bytes (`model.save()` or `cofi fit --save`), in the instance
   * `options.cofi` or else the most recently loaded one (loading the default one if none is).
   */
  static async load(input, { cofi, source } = {}) {
    const instance = cofi ?? lastInstance ?? await loadCofi();
    return instance.loadModel(input, { source });
  }
  get fitted() { return this._native.fitted(); }
  /**
   * Trains on `ratings`. Resolves with the fit time in seconds. The model shares the ratings' memory:
   * the Ratings object may be disposed afterwards.
   */
  async fit(ratings, { seed = 0, signal, onProgress, validation, patience = 0 } = {}) {
    const data = sameCore(this, ratings, Ratings, 'fit');
    requireCount(seed, 'seed');
    requireCount(patience, 'patience');
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new UsageError('onProgress must be a function');
    const held = validation === undefined ? null : sameCore(this, validation, Ratings, 'fit (validation)');
    if (patience > 0 && !held) throw new UsageError('patience needs validation ratings to watch');
    if (this.#fitting) throw new UsageError('this model is already fitting; await that fit (or abort it) first');
    signal?.throwIfAborted();
    // Epoch by epoch, yielding to the event loop in between so that `signal` can cancel. A fresh
    // model is trained and swapped in at the end: a cancelled fit leaves the previous model intact.
    const training = unwrap(this._native.startFit(data, seed, held, patience));
    this.#fitting = true;
    try {
      while (!training.done()) {
        const report = unwrap(training.step());
        onProgress?.(report);
        await new Promise((resolve) => setTimeout(resolve, 0));
        signal?.throwIfAborted();
        if (this.disposed) throw new UsageError('the model was disposed during fit');
      }
      const seconds = unwrap(training.finish());
      this.#ratings = ratings;
      return seconds;
    } finally {
      this.#fitting = false;
      training.delete();
    }
  }
  /**
   * Why `item` is recommended to `user`: their rated items that contributed most,
   * [{ item, weight }], largest first.
   */
  explain(user, item, { n = 5 } = {}) {
    return unwrap(this._native.explain(requireString(user, 'user'), requireString(item, 'item'), requireCount(n, 'n')));
  }
  /** Predicted rating: { value, fallback, neighbors? } (fallback: the model could not personalise). */
  predict(user, item) {
    return unwrap(this._native.predict(requireString(user, 'user'), requireString(item, 'item')));
  }
  /**
   * Top-n items the user has not rated: { known, items: [{ item, score }] }; unknown users get
   * popular items. `exclude` hides items, `include` restricts the candidates, and
   * `excludeRated: false` lets already-rated items back in.
   */
  recommend(user, { n = 10, ...filter } = {}) {
    return unwrap(this._native.recommend(requireString(user, 'user'), requireCount(n, 'n'), filterOptions(filter)));
  }
  /**
   * Recommendations for a new person from a few ratings, without retraining. `ratings` is an object
   * { itemId: rating } or an array of [itemId, rating] pairs. Returns { items, unknownItems }.
   */
  recommendFor(ratings, { n = 10, ...filter } = {}) {
    const pairs = Array.isArray(ratings) ? ratings : Object.entries(ratings ?? {});
    const items = [], values = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new UsageError('recommendFor expects [item, rating] pairs');
      const value = Number(pair[1]);
      if (!Number.isFinite(value)) throw new UsageError(`rating for item ${pair[0]} must be a finite number, got ${describe(pair[1])}`);
      items.push(requireString(pair[0], 'item'));
      values.push(value);
    }
    return unwrap(this._native.recommendFor(items, values, requireCount(n, 'n'), filterOptions(filter)));
  }
  /**
   * Predictions for many (user, item) pairs at once: { values: Float32Array, fallback: Uint8Array }
   * (fallback[k] = 1 where the model could not personalise pair k).
   */
  predictMany(users, items) {
    const u = joinIds(users, 'users'), i = joinIds(items, 'items');
    if (u.count !== i.count) throw new UsageError(`predictMany needs as many items as users (got ${u.count} and ${i.count})`);
    return unwrap(this._native.predictMany(u.bytes, i.bytes));
  }
  /** The n items most similar to `item`: [{ item, score }]. */
  similarItems(item, { n = 10 } = {}) {
    return unwrap(this._native.similarItems(requireString(item, 'item'), requireCount(n, 'n')));
  }
  /** The n most rated items: [{ item, score }] (score = number of ratings). */
  popular({ n = 10 } = {}) { return unwrap(this._native.popular(requireCount(n, 'n'))); }
  /** RMSE and MAE on a test set: { rmse, mae, predictions, fallbacks, predictSeconds }. */
  evaluate(test) {
    return unwrap(this._native.evaluate(sameCore(this, test, Ratings, 'evaluate')));
  }
  /** Precision, recall, NDCG and hit rate at k: relevant = test rating >= threshold. */
  rank(test, { k = 10, threshold = 4 } = {}) {
    const data = sameCore(this, test, Ratings, 'rank');
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new UsageError(`threshold must be a finite number, got ${describe(threshold)}`);
    return unwrap(this._native.rank(data, requireCount(k, 'k'), threshold));
  }
  /**
   * The fitted model as a file's bytes (a copy): algorithm, parameters, seed, training ratings and
   * learned state. `cofi.loadModel(bytes)` (or the CLI's `--model FILE`) gives back a model that
   * predicts exactly the same. Throws UsageError when the model is not fitted.
   */
  save() { return unwrap(this._native.save()); }
  /**
   * A compact copy for serving visitors on a static site: the items' factors (in `encoding`:
   * 'int8' (default), 'float16' or 'float32'), biases and rating counts, without the training
   * ratings or users. It answers recommendFor, similarItems and popular; save() it and ship the
   * bytes. Made from svd, als, ials and imported-als models.
   */
  compact({ encoding = 'int8' } = {}) {
    if (typeof encoding !== 'string') throw new UsageError(`encoding must be 'int8', 'float16' or 'float32', got ${describe(encoding)}`);
    return new Model(unwrap(this._native.compact(encoding)), this._core);
  }
}

// The most threads loadCofi starts (each is a Web Worker holding an instance of the module), and
// the most that threads: 'auto' picks however many cores the machine reports.
const MAX_THREADS = 64;
const MAX_AUTO_THREADS = 16;

// The thread count loadCofi uses for `threads` (1, 'auto' or a whole number). More than one needs
// the multi-threaded core, which needs SharedArrayBuffer: only cross-origin isolated pages (and
// their workers) have it, and Node's ES modules cannot start the core's pthread Workers at all.
function resolveThreads(threads) {
  if (threads === undefined || threads === 1) return 1;
  const isolated = globalThis.crossOriginIsolated === true;
  if (threads === 'auto') {
    if (!isolated) return 1;
    const cores = Number(globalThis.navigator?.hardwareConcurrency);
    return Number.isInteger(cores) && cores > 1 ? Math.min(cores, MAX_AUTO_THREADS) : 1;
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new UsageError(`threads must be 1, 'auto' or a whole number from 1 to ${MAX_THREADS}, got ${describe(threads)}`);
  }
  if (!isolated) {
    const inNode = typeof process === 'object' && typeof process.versions?.node === 'string' && typeof window === 'undefined';
    throw new UsageError(`threads: ${threads} needs the multi-threaded build, which needs SharedArrayBuffer: ` +
      (inNode
        ? 'it runs in browsers only (Node ES modules cannot start its pthread workers); use threads: 1 in Node'
        : 'the page is not cross-origin isolated. Serve it with the headers Cross-Origin-Opener-Policy: same-origin ' +
          'and Cross-Origin-Embedder-Policy: require-corp') +
      ", or pass threads: 'auto' to fall back to one thread");
  }
  return threads;
}

/**
 * Loads the WebAssembly core. By default the .wasm is found next to this module;
 * pass `wasmUrl` (a URL or string) or `wasmBinary` (bytes) to override.
 *
 * `threads`: 1 (default) loads the single-threaded core (cofi-core.mjs). A number above 1 loads the
 * multi-threaded core (cofi-core-threads.mjs, its .wasm and .worker.js) with that many threads;
 * it needs a cross-origin isolated page (COOP same-origin + COEP require-corp) and throws a
 * UsageError otherwise, and in Node. 'auto': navigator.hardwareConcurrency threads (at most 16)
 * when the page is isolated, else the single-threaded core. With threads, `wasmUrl` must name
 * cofi-core-threads.wasm. `cofi.threads` says how many threads the core uses.
 */
export async function loadCofi({ wasmUrl, wasmBinary, threads } = {}) {
  const count = resolveThreads(threads);
  const moduleOptions = {};
  if (wasmBinary) moduleOptions.wasmBinary = wasmBinary;
  // The prefix keeps the threaded core's .worker.js next to its module.
  if (wasmUrl) moduleOptions.locateFile = (file, prefix = '') => (file.endsWith('.wasm') ? String(wasmUrl) : prefix + file);
  let core;
  if (count > 1) {
    // Imported only when asked for: the default single-threaded path never fetches it. The pool
    // holds count - 1 Workers (the calling thread is the other), started before the module
    // resolves (js/pre-threads.js).
    const { default: createCofiCoreThreads } = await import('./cofi-core-threads.mjs');
    core = await createCofiCoreThreads({ ...moduleOptions, cofiThreads: count });
    if (core.setThreads(count) !== count) throw new UsageError(`the multi-threaded core refused threads: ${count}`);
  } else {
    core = await createCofiCore(moduleOptions);
  }
  lastInstance = new Cofi(core, count);
  return lastInstance;
}

// The instance Model.load uses when not given one.
let lastInstance = null;

class Cofi {
  #core;
  #threads;
  constructor(core, threads) {
    this.#core = core;
    this.#threads = threads;
  }
  /** How many threads the core fits with: 1 (single-threaded core) or the threaded core's count. */
  get threads() { return this.#threads; }
  /** The algorithm names createModel accepts. */
  algorithms() { return this.#core.algorithms(); }
  /**
   * Reads ratings from CSV/TSV text, bytes or a Blob/File. Options: source (name used in errors),
   * delimiter, header (true/false), userColumn, itemColumn, ratingColumn (index or name), skipBadRows.
   */
  async readRatings(input, options = {}) {
    const data = await toInput(input);
    const source = options.source ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'ratings');
    return new Ratings(unwrap(this.#core.readRatings(data, source, options)), this.#core);
  }
  /**
   * Ratings from parallel arrays: users[k] rated items[k] with values[k]. Ids are strings or
   * numbers; values an array or typed array of finite numbers, or omitted for implicit feedback.
   */
  ratingsFromArrays({ users, items, values } = {}, { source = 'arrays' } = {}) {
    const u = joinIds(users, 'users'), i = joinIds(items, 'items');
    let v = null;
    if (values !== undefined && values !== null) {
      if (typeof values[Symbol.iterator] !== 'function' || typeof values === 'string') {
        throw new UsageError(`values must be an array or typed array of numbers, got ${describe(values)}`);
      }
      v = values instanceof Float32Array ? values : Float32Array.from(values, (x, k) => {
        if (typeof x !== 'number') throw new UsageError(`values[${k}] must be a number, got ${describe(x)}`);
        return x;
      });
    }
    if (u.count !== i.count || (v && v.length !== u.count)) {
      throw new UsageError(`users, items and values must have the same length (got ${u.count}, ${i.count} and ${v ? v.length : 'no values'})`);
    }
    return new Ratings(unwrap(this.#core.ratingsFromArrays(u.bytes, i.bytes, v, String(source))), this.#core);
  }
  /** Reads an items file (id, title, more columns). Options: source, delimiter, header, idColumn, titleColumn. */
  async readItems(input, options = {}) {
    const data = await toInput(input);
    const source = options.source ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'items');
    return new Items(unwrap(this.#core.readItems(data, source, options)), this.#core);
  }
  /**
   * A fitted model from the bytes `model.save()` (or `cofi fit --save`) wrote: a Uint8Array,
   * ArrayBuffer or Blob/File. Options: source (the name ParseErrors give; default the File's name,
   * or "model"). A file that is not a cofi model, is truncated, corrupted or from a newer cofi
   * rejects with a ParseError saying so.
   */
  async loadModel(input, { source } = {}) {
    const bytes = await toModelBytes(input);
    const name = source ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'model');
    return new Model(unwrap(this.#core.loadModel(bytes, String(name))), this.#core);
  }
  /**
   * A model from item factors trained elsewhere, served with the trainer's own fold-in
   * (algorithm 'imported-als'; docs/spark.md):
   *   Spark:    { itemFactors: file | text | bytes | [part, ...], settings?: metadata | { rank, regParam, alpha, implicitPrefs } }
   *   implicit: { npy: bytes | Blob, ids: text | bytes | Blob, settings?: { regularization, alpha } }
   * `params` ({ reg, alpha, implicit }) override the settings. Recommend for a visitor with
   * recommendFor(theirRatings).
   */
  async importFactors({ itemFactors, npy, ids, settings, params = {} } = {}) {
    const named = async (input, fallback) => ({
      bytes: await toInput(input),
      source: typeof File !== 'undefined' && input instanceof File ? input.name : fallback,
    });
    let parts = [], npyPart = null, idsPart = null;
    if (npy !== undefined) {
      if (itemFactors !== undefined) throw new UsageError('importFactors takes itemFactors (Spark) or npy with ids (implicit), not both');
      if (ids === undefined) throw new UsageError('importFactors: npy needs ids (the item ids, one per line in row order)');
      npyPart = { bytes: await toModelBytes(npy), source: typeof File !== 'undefined' && npy instanceof File ? npy.name : 'item_factors.npy' };
      idsPart = await named(ids, 'ids');
    } else {
      if (itemFactors === undefined) throw new UsageError('importFactors needs itemFactors (Spark) or npy and ids (implicit)');
      const list = Array.isArray(itemFactors) ? itemFactors : [itemFactors];
      parts = await Promise.all(list.map((part, k) => named(part, list.length > 1 ? `itemFactors part ${k + 1}` : 'itemFactors')));
    }
    let settingsPart = null;
    if (settings !== undefined && settings !== null) {
      const isPlainObject = typeof settings === 'object' && !ArrayBuffer.isView(settings) && !(settings instanceof ArrayBuffer) &&
        !(typeof Blob !== 'undefined' && settings instanceof Blob);
      settingsPart = isPlainObject ? { bytes: JSON.stringify(settings), source: 'settings' } : await named(settings, 'settings');
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new UsageError(`importFactors: params must be an object, got ${describe(params)}`);
    return new Model(unwrap(this.#core.importFactors(parts, npyPart, idsPart, settingsPart, params)), this.#core);
  }
  /** A new, unfitted model. Parameters use the core's names, e.g. { k: 40, user_based: false }. */
  createModel(algorithm, params = {}) {
    if (typeof algorithm !== 'string') throw new UsageError(`createModel expects an algorithm name, got ${describe(algorithm)}`);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new UsageError(`createModel expects parameters as an object, got ${describe(params)}`);
    return new Model(unwrap(this.#core.createModel(algorithm, params)), this.#core);
  }
  /**
   * The WebAssembly memory: { usedBytes } malloc holds for live objects (back to where it was once
   * they are disposed), { heapBytes } the module's memory now, { maxBytes } the most it may grow to.
   */
  memory() { return this.#core.memoryStats(); }
  /**
   * K-fold cross-validation: per-fold { rmse, mae, fitSeconds, predictSeconds, ... } and their
   * means. With `k`, every fold also gets precision, recall, NDCG and hit rate at k (relevant:
   * test rating >= threshold).
   */
  async crossValidate(ratings, algorithm, params = {}, { folds = 5, seed = 0, k = 0, threshold = 4 } = {}) {
    if (!(ratings instanceof Ratings)) throw new UsageError(`crossValidate expects a Ratings object, got ${describe(ratings)}`);
    if (ratings._core !== this.#core) throw new UsageError('crossValidate: the Ratings object belongs to another cofi instance');
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new UsageError(`threshold must be a finite number, got ${describe(threshold)}`);
    const perFold = unwrap(this.#core.crossValidate(ratings._native, algorithm, params, requireCount(folds, 'folds'),
      requireCount(seed, 'seed'), requireCount(k, 'k'), threshold));
    const mean = (key) => perFold.reduce((s, f) => s + f[key], 0) / perFold.length;
    const out = { folds: perFold };
    for (const key of ['rmse', 'mae', 'fitSeconds', 'predictSeconds', ...(k > 0 ? ['precision', 'recall', 'ndcg', 'hitRate'] : [])]) {
      out[key] = mean(key);
    }
    return out;
  }
}

export default loadCofi;
