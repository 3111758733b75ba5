// cofi's API with the models living in a Web Worker ('cofi/worker'): the same names as the main
// API (js/index.js), every call a Promise, so a page never blocks while a model reads or trains.
//
//   import { loadCofiWorker } from 'cofi/worker';
//   const cofi = await loadCofiWorker();
//   const ratings = await cofi.readRatings(file);            // a File is passed, not read, here
//   const model = await cofi.createModel('als');
//   await model.fit(ratings, { onProgress: (r) => bar.value = r.epoch / r.epochs, signal });
//   const { items } = await model.recommend('42');
//
// Calls are answered in order; a fit's `signal` cancels it (the previous model stays intact).
import { UsageError, errorFromRecord, describe } from './errors.js';

// Worker-side objects a program forgot are disposed there when their proxy is collected.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ connection, handle }) => connection.forget(handle))
  : null;

class Connection {
  #port;
  #pending = new Map();  // request id -> { resolve, reject, onProgress }
  #nextId = 1;
  #closed = null;        // the Error every call gets once the worker is gone

  constructor(port) {
    this.#port = port;
    const onMessage = (data) => this.#receive(data);
    if (typeof port.addEventListener === 'function') {
      port.addEventListener('message', (event) => onMessage(event.data));
      port.addEventListener('error', (event) => this.close(new Error(`the cofi worker failed: ${event.message ?? 'it could not be loaded'}`)));
      port.start?.();
    } else {
      port.on('message', onMessage);
      port.on('error', (error) => this.close(error));
    }
  }

  #receive(data) {
    const request = this.#pending.get(data?.id);
    if (!request) return;
    if ('progress' in data) {
      try { request.onProgress?.(data.progress); } catch (error) { queueMicrotask(() => { throw error; }); }
      return;
    }
    this.#pending.delete(data.id);
    if (data.ok) request.resolve(data.value);
    else request.reject(errorFromRecord(data.error));
  }

  // Sends a request: { id, promise } (the id lets a fit be cancelled).
  request(message, { onProgress } = {}) {
    const id = this.#nextId++;
    const promise = new Promise((resolve, reject) => {
      if (this.#closed) return reject(this.#closed);
      this.#pending.set(id, { resolve, reject, onProgress });
      try {
        this.#port.postMessage({ id, ...message });
      } catch (error) {
        // An argument that cannot be cloned (a function, a DOM node...).
        this.#pending.delete(id);
        reject(new UsageError(`cannot send this call to the worker: ${error.message}`));
      }
    });
    return { id, promise };
  }

  call(target, method, args = [], options) {
    return this.request({ op: 'call', target, method, args }, options).promise;
  }

  cancel(id, reason) {
    if (!this.#closed) this.#port.postMessage({ op: 'cancel', id, reason });
  }

  forget(handle) {
    if (!this.#closed) this.#port.postMessage({ id: 0, op: 'dispose', target: handle });
  }

  close(error) {
    if (this.#closed) return;
    this.#closed = error;
    for (const request of this.#pending.values()) request.reject(error);
    this.#pending.clear();
  }
}

class RemoteHandle {
  #connection;
  #handle;
  #what;
  constructor(connection, descriptor, what) {
    this.#connection = connection;
    this.#handle = descriptor.$handle;
    this.#what = what;
    registry?.register(this, { connection, handle: this.#handle }, this);
  }
  get disposed() { return this.#handle === null; }
  /** The reference the worker resolves back to this object. */
  get _ref() {
    if (this.#handle === null) throw new UsageError(`this ${this.#what} has been disposed`);
    return { $handle: this.#handle };
  }
  get _connection() { return this.#connection; }
  _call(method, args, options) {
    let target;
    try { target = this._ref.$handle; } catch (error) { return Promise.reject(error); }
    return this.#connection.call(target, method, args, options);
  }
  /** Frees the object in the worker. Safe to call twice. */
  dispose() {
    if (this.#handle === null) return;
    registry?.unregister(this);
    this.#connection.forget(this.#handle);
    this.#handle = null;
  }
  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() { this.dispose(); }
}

function wrap(connection, value) {
  if (value && typeof value === 'object' && typeof value.$handle === 'number') {
    if (value.kind === 'ratings') return new RemoteRatings(connection, value);
    if (value.kind === 'items') return new RemoteItems(connection, value);
    if (value.kind === 'model') return new RemoteModel(connection, value);
  }
  if (value && typeof value === 'object' && value.train?.$handle && value.test?.$handle) {
    return { train: wrap(connection, value.train), test: wrap(connection, value.test) };
  }
  return value;
}

// A handle argument, checked to live in the same worker.
function refOf(owner, value, Class, call) {
  if (!(value instanceof Class)) throw new UsageError(`${call} expects a ${Class.name.replace('Remote', '')} object from this worker, got ${describe(value)}`);
  if (value._connection !== owner._connection) throw new UsageError(`${call}: the object belongs to another cofi worker`);
  return value._ref;
}

/** Ratings held in the worker. `report` and the summary figures are available at once. */
export class RemoteRatings extends RemoteHandle {
  constructor(connection, descriptor) {
    super(connection, descriptor, 'Ratings');
    this.report = descriptor.report;
    const s = descriptor.summary;
    this.numRatings = s.ratings;
    this.numUsers = s.users;
    this.numItems = s.items;
    this.duplicates = s.duplicates;
    this.implicit = s.implicit;
    this.ratingMin = s.ratingMin;
    this.ratingMax = s.ratingMax;
    this.globalMean = s.mean;
    this.#summary = s;
  }
  #summary;
  summary() { return { ...this.#summary }; }
  userId(index) { return this._call('userId', [index]); }
  itemId(index) { return this._call('itemId', [index]); }
  userIds() { return this._call('userIds'); }
  itemIds() { return this._call('itemIds'); }
  hasUser(id) { return this._call('hasUser', [id]); }
  hasItem(id) { return this._call('hasItem', [id]); }
  userRatings(id) { return this._call('userRatings', [id]); }
  itemCount(id) { return this._call('itemCount', [id]); }
  counts() { return this._call('counts'); }
  async split(options = {}) { return wrap(this._connection, await this._call('split', [options])); }
}

/** An items table held in the worker; its shape is available at once. */
export class RemoteItems extends RemoteHandle {
  constructor(connection, descriptor) {
    super(connection, descriptor, 'Items');
    for (const key of ['columns', 'encoding', 'delimiter', 'header', 'idColumn', 'titleColumn', 'size']) this[key] = descriptor[key];
  }
  title(id) { return this._call('title', [id]); }
  titles(ids) { return this._call('titles', [Array.from(ids ?? [])]); }
  fields(id) { return this._call('fields', [id]); }
  ids() { return this._call('ids'); }
}

/** A model living in the worker. */
export class RemoteModel extends RemoteHandle {
  #fitted;
  constructor(connection, descriptor) {
    super(connection, descriptor, 'Model');
    this.algorithm = descriptor.algorithm;
    this.#fitted = descriptor.fitted;
  }
  get fitted() { return this.#fitted; }
  /**
   * Trains in the worker; resolves with the fit time in seconds. `onProgress` gets every epoch's
   * report; aborting `signal` rejects with its reason and keeps the previous model.
   */
  async fit(ratings, { signal, onProgress, validation, ...options } = {}) {
    const args = [refOf(this, ratings, RemoteRatings, 'fit'), { ...options }];
    if (validation !== undefined) args[1].validation = refOf(this, validation, RemoteRatings, 'fit (validation)');
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new UsageError('onProgress must be a function');
    signal?.throwIfAborted();
    const sent = this._connection.request({ op: 'call', target: this._ref.$handle, method: 'fit', args }, { onProgress });
    const onAbort = () => this._connection.cancel(sent.id, signal.reason?.message);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { seconds, fitted } = await sent.promise;
      this.#fitted = fitted;
      return seconds;
    } catch (error) {
      // The worker reports the cancellation; reject with the caller's own reason, as fetch does.
      if (signal?.aborted && error?.name === 'AbortError') throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
  explain(user, item, options) { return this._call('explain', [user, item, options]); }
  predict(user, item) { return this._call('predict', [user, item]); }
  predictMany(users, items) { return this._call('predictMany', [Array.from(users ?? []), Array.from(items ?? [])]); }
  recommend(user, options) { return this._call('recommend', [user, options]); }
  recommendFor(ratings, options) { return this._call('recommendFor', [ratings, options]); }
  similarItems(item, options) { return this._call('similarItems', [item, options]); }
  popular(options) { return this._call('popular', [options]); }
  async evaluate(test) { return this._call('evaluate', [refOf(this, test, RemoteRatings, 'evaluate')]); }
  async rank(test, options) { return this._call('rank', [refOf(this, test, RemoteRatings, 'rank'), options]); }
  save() { return this._call('save'); }
  async compact(options) { return wrap(this._connection, await this._call('compact', [options])); }
}

/** cofi in a worker: the same calls as `loadCofi()`'s object, each returning a Promise. */
export class CofiWorker {
  #connection;
  #terminate;
  #threads;
  constructor(connection, terminate, threads = 1) {
    this.#connection = connection;
    this.#terminate = terminate;
    this.#threads = threads;
  }
  /** How many threads the worker's core fits with (see loadCofi's `threads`). */
  get threads() { return this.#threads; }
  get _connection() { return this.#connection; }
  #call(method, args) { return this.#connection.call(0, method, args); }
  algorithms() { return this.#call('algorithms'); }
  /**
   * Text, bytes or a Blob/File; a File is read inside the worker. `onProgress` gets
   * { phase: 'reading', loaded, total } while a Blob's bytes arrive, then { phase: 'parsing' }.
   * Aborting `signal` rejects with its reason: the reading stops; a parse already running (one
   * call) ends in the worker and its result is freed.
   */
  async readRatings(input, options) { return this.#read('readRatings', input, options); }
  async readItems(input, options) { return this.#read('readItems', input, options); }
  async #read(method, input, { onProgress, signal, ...options } = {}) {
    // Named here: a File may cross some transports (Node's MessagePort) as a nameless Blob.
    if (options.source === undefined && typeof File !== 'undefined' && input instanceof File) options.source = input.name;
    if (onProgress === undefined && signal === undefined) return wrap(this.#connection, await this.#call(method, [input, options]));
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new UsageError('onProgress must be a function');
    signal?.throwIfAborted();
    const sent = this.#connection.request({ op: 'call', target: 0, method, args: [input, options], progress: true }, { onProgress });
    const onAbort = () => this.#connection.cancel(sent.id, signal.reason?.message);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = wrap(this.#connection, await sent.promise);
      // Aborted during the parse, which cannot stop: the caller said it no longer wants this.
      if (signal?.aborted) {
        result.dispose();
        throw signal.reason;
      }
      return result;
    } catch (error) {
      if (signal?.aborted && error?.name === 'AbortError') throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
  async ratingsFromArrays(arrays, options) { return wrap(this.#connection, await this.#call('ratingsFromArrays', [arrays, options])); }
  async createModel(algorithm, params) { return wrap(this.#connection, await this.#call('createModel', [algorithm, params])); }
  async loadModel(input, options) { return wrap(this.#connection, await this.#call('loadModel', [input, options])); }
  async importFactors(sources) { return wrap(this.#connection, await this.#call('importFactors', [sources])); }
  async crossValidate(ratings, algorithm, params, options) {
    return this.#call('crossValidate', [refOf(this, ratings, RemoteRatings, 'crossValidate'), algorithm, params, options]);
  }
  /** Stops the worker; pending and later calls reject. */
  terminate() {
    this.#connection.close(new UsageError('the cofi worker was terminated'));
    this.#terminate?.();
  }
}

/**
 * Starts cofi in a new module Web Worker (or uses `worker`, e.g. one a bundler made) and loads the
 * WebAssembly core there. `wasmUrl`/`wasmBinary`/`threads` are passed on to the worker's `loadCofi`
 * (a worker of a cross-origin isolated page is isolated too, so threads work there; the core's
 * thread Workers are then nested in that worker).
 */
export async function loadCofiWorker({ worker, wasmUrl, wasmBinary, threads } = {}) {
  const port = worker ?? new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'cofi' });
  try {
    return await connectCofi(port, { wasmUrl, wasmBinary, threads, terminate: () => port.terminate?.() });
  } catch (error) {
    // The worker could not load cofi (e.g. threads without isolation): it is of no further use.
    if (!worker) port.terminate?.();
    throw error;
  }
}

/** The worker API over any MessagePort-like object whose other end runs `serveCofi` (js/worker.js). */
export async function connectCofi(port, { wasmUrl, wasmBinary, threads, terminate } = {}) {
  const connection = new Connection(port);
  const options = {};
  if (wasmUrl) options.wasmUrl = String(wasmUrl);
  if (wasmBinary) options.wasmBinary = wasmBinary;
  if (threads !== undefined) options.threads = threads;
  const loaded = await connection.request({ op: 'init', options }).promise;
  return new CofiWorker(connection, terminate ?? (() => port.close?.()), loaded?.threads ?? 1);
}

export { CofiError, ParseError, UsageError, MemoryError } from './errors.js';
