// cofi's public JavaScript API: a thin, JS-shaped layer over the WebAssembly core.
//
//   import { loadCofi } from 'cofi';
//   const cofi = await loadCofi();
//   const ratings = await cofi.readRatings(csvTextOrBytesOrFile, { source: 'ratings.csv' });
//   const model = cofi.createModel('knn-baseline', { user_based: false, similarity: 'pearson_baseline' });
//   await model.fit(ratings);
//   model.recommend('42', { n: 10 });  // { known: true, items: [{ item: '50', score: 4.61 }, ...] }
//   const bytes = model.save();        // a Uint8Array: store it, then cofi.loadModel(bytes)
import createCofiCore from './cofi-core.mjs';

/** Base class of every error cofi throws. */
export class CofiError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'CofiError';
  }
}

/** Bad input data: `source`, `line` (1-based) and, where known, `column` say where. */
export class ParseError extends CofiError {
  constructor(message, { source, line, column } = {}) {
    super(message);
    this.name = 'ParseError';
    this.source = source;
    this.line = line;
    this.column = column;
  }
}

/** The API was called in a way it does not support; the message says what was expected. */
export class UsageError extends CofiError {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The WebAssembly memory (at most 4 GB) cannot hold what was asked for. */
export class MemoryError extends CofiError {
  constructor(message) {
    super(message);
    this.name = 'MemoryError';
  }
}

// Turns the core's error records into Errors; passes every other value through.
function unwrap(result) {
  if (result !== null && typeof result === 'object' && typeof result.cofiError === 'string') {
    switch (result.cofiError) {
      case 'ParseError': throw new ParseError(result.message, result);
      case 'UsageError': throw new UsageError(result.message);
      case 'RangeError': throw new RangeError(result.message);
      case 'MemoryError': throw new MemoryError(result.message);
      default: throw new CofiError(result.message);
    }
  }
  return result;
}

// Native handles are freed by dispose(); the registry frees those a program forgot.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { handle.delete(); } catch { /* already freed */ } })
  : null;

class Handle {
  #handle;
  #what;
  constructor(handle, what) {
    this.#handle = handle;
    this.#what = what;
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

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
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
  constructor(native) {
    super(native, 'Ratings');
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
}

/** An items table: titles and further columns by item id. */
export class Items extends Handle {
  constructor(native) {
    super(native, 'Items');
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
  /** Every item id, in file order. */
  ids() { return this._native.ids(); }
}

/** A recommender model: create with an algorithm name, fit, then ask. */
export class Model extends Handle {
  #ratings = null;
  constructor(native) {
    super(native, 'Model');
    this.algorithm = this._native.algorithm();
  }
  get fitted() { return this._native.fitted(); }
  /**
   * Trains on `ratings`. Resolves with the fit time in seconds. The model shares the ratings' memory:
   * the Ratings object may be disposed afterwards.
   */
  async fit(ratings, { seed = 0, signal, onProgress } = {}) {
    if (!(ratings instanceof Ratings)) throw new UsageError(`fit expects a Ratings object, got ${describe(ratings)}`);
    requireCount(seed, 'seed');
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new UsageError('onProgress must be a function');
    signal?.throwIfAborted();
    // Epoch by epoch, yielding to the event loop in between so that `signal` can cancel. A fresh
    // model is trained and swapped in at the end: a cancelled fit leaves the previous model intact.
    const training = unwrap(this._native.startFit(ratings._native, seed));
    try {
      while (!training.done()) {
        const report = unwrap(training.step());
        onProgress?.(report);
        await new Promise((resolve) => setTimeout(resolve, 0));
        signal?.throwIfAborted();
      }
      const seconds = unwrap(training.finish());
      this.#ratings = ratings;
      return seconds;
    } finally {
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
  /** Top-n items the user has not rated: { known, items: [{ item, score }] }; unknown users get popular items. */
  recommend(user, { n = 10 } = {}) {
    return unwrap(this._native.recommend(requireString(user, 'user'), requireCount(n, 'n')));
  }
  /**
   * Recommendations for a new person from a few ratings, without retraining. `ratings` is an object
   * { itemId: rating } or an array of [itemId, rating] pairs. Returns { items, unknownItems }.
   */
  recommendFor(ratings, { n = 10 } = {}) {
    const pairs = Array.isArray(ratings) ? ratings : Object.entries(ratings ?? {});
    const items = [], values = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new UsageError('recommendFor expects [item, rating] pairs');
      const value = Number(pair[1]);
      if (!Number.isFinite(value)) throw new UsageError(`rating for item ${pair[0]} must be a finite number, got ${describe(pair[1])}`);
      items.push(requireString(pair[0], 'item'));
      values.push(value);
    }
    return unwrap(this._native.recommendFor(items, values, requireCount(n, 'n')));
  }
  /** The n items most similar to `item`: [{ item, score }]. */
  similarItems(item, { n = 10 } = {}) {
    return unwrap(this._native.similarItems(requireString(item, 'item'), requireCount(n, 'n')));
  }
  /** The n most rated items: [{ item, score }] (score = number of ratings). */
  popular({ n = 10 } = {}) { return unwrap(this._native.popular(requireCount(n, 'n'))); }
  /** RMSE and MAE on a test set: { rmse, mae, predictions, fallbacks, predictSeconds }. */
  evaluate(test) {
    if (!(test instanceof Ratings)) throw new UsageError(`evaluate expects a Ratings object, got ${describe(test)}`);
    return unwrap(this._native.evaluate(test._native));
  }
  /** Precision, recall, NDCG and hit rate at k: relevant = test rating >= threshold. */
  rank(test, { k = 10, threshold = 4 } = {}) {
    if (!(test instanceof Ratings)) throw new UsageError(`rank expects a Ratings object, got ${describe(test)}`);
    return unwrap(this._native.rank(test._native, requireCount(k, 'k'), Number(threshold)));
  }
  /**
   * The fitted model as a file's bytes (a copy): algorithm, parameters, seed, training ratings and
   * learned state. `cofi.loadModel(bytes)` (or the CLI's `--model FILE`) gives back a model that
   * predicts exactly the same. Throws UsageError when the model is not fitted.
   */
  save() { return unwrap(this._native.save()); }
}

/**
 * Loads the WebAssembly core. By default the .wasm is found next to this module;
 * pass `wasmUrl` (a URL or string) or `wasmBinary` (bytes) to override.
 */
export async function loadCofi({ wasmUrl, wasmBinary } = {}) {
  const moduleOptions = {};
  if (wasmBinary) moduleOptions.wasmBinary = wasmBinary;
  if (wasmUrl) moduleOptions.locateFile = (file) => (file.endsWith('.wasm') ? String(wasmUrl) : file);
  const core = await createCofiCore(moduleOptions);
  return new Cofi(core);
}

class Cofi {
  #core;
  constructor(core) { this.#core = core; }
  /** The algorithm names createModel accepts. */
  algorithms() { return this.#core.algorithms(); }
  /**
   * Reads ratings from CSV/TSV text, bytes or a Blob/File. Options: source (name used in errors),
   * delimiter, header (true/false), userColumn, itemColumn, ratingColumn (index or name), skipBadRows.
   */
  async readRatings(input, options = {}) {
    const data = await toInput(input);
    const source = options.source ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'ratings');
    return new Ratings(unwrap(this.#core.readRatings(data, source, options)));
  }
  /** Reads an items file (id, title, more columns). Options: source, delimiter, header, idColumn, titleColumn. */
  async readItems(input, options = {}) {
    const data = await toInput(input);
    const source = options.source ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'items');
    return new Items(unwrap(this.#core.readItems(data, source, options)));
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
    return new Model(unwrap(this.#core.loadModel(bytes, String(name))));
  }
  /** A new, unfitted model. Parameters use the core's names, e.g. { k: 40, user_based: false }. */
  createModel(algorithm, params = {}) {
    if (typeof algorithm !== 'string') throw new UsageError(`createModel expects an algorithm name, got ${describe(algorithm)}`);
    return new Model(unwrap(this.#core.createModel(algorithm, params)));
  }
  /**
   * The WebAssembly memory: { usedBytes } malloc holds for live objects (back to where it was once
   * they are disposed), { heapBytes } the module's memory now, { maxBytes } the most it may grow to.
   */
  memory() { return this.#core.memoryStats(); }
  /** K-fold cross-validation: per-fold { rmse, mae, fitSeconds, predictSeconds, ... } and their means. */
  async crossValidate(ratings, algorithm, params = {}, { folds = 5, seed = 0 } = {}) {
    if (!(ratings instanceof Ratings)) throw new UsageError(`crossValidate expects a Ratings object, got ${describe(ratings)}`);
    const perFold = unwrap(this.#core.crossValidate(ratings._native, algorithm, params, requireCount(folds, 'folds'), requireCount(seed, 'seed')));
    const mean = (key) => perFold.reduce((s, f) => s + f[key], 0) / perFold.length;
    return { folds: perFold, rmse: mean('rmse'), mae: mean('mae'), fitSeconds: mean('fitSeconds'), predictSeconds: mean('predictSeconds') };
  }
}

export default loadCofi;
