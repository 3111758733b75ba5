// The worker side of cofi's worker API ('cofi/worker'). It runs the ordinary API (js/index.js)
// inside a Web Worker and answers the client's requests (js/worker-client.js) one at a time, in the
// order they arrived: two calls can never interleave on one model. Only a cancel skips the queue,
// so that it reaches the fit it is meant to stop.
//
// Loaded as a module worker it serves its own scope at once; `serveCofi(port)` serves any
// MessagePort-like object (used by the tests, and by programs with their own transport).
import { loadCofi, Ratings, Items, Model } from './index.js';
import { recordFromError } from './errors.js';

// What a client may call, per kind of object (anything else is refused by name).
const METHODS = {
  cofi: ['algorithms', 'readRatings', 'readItems', 'ratingsFromArrays', 'createModel', 'loadModel', 'crossValidate',
    'importFactors'],
  ratings: ['summary', 'userId', 'itemId', 'userIds', 'itemIds', 'hasUser', 'hasItem', 'userRatings', 'itemCount', 'counts', 'split'],
  items: ['title', 'titles', 'fields', 'ids'],
  model: ['explain', 'predict', 'predictMany', 'recommend', 'recommendFor', 'similarItems', 'popular', 'evaluate', 'rank',
    'save', 'fit', 'compact'],
};

function kindOf(object) {
  if (object instanceof Ratings) return 'ratings';
  if (object instanceof Items) return 'items';
  if (object instanceof Model) return 'model';
  return 'cofi';
}

function listen(port, onMessage) {
  if (typeof port.addEventListener === 'function') {
    port.addEventListener('message', (event) => onMessage(event.data));
    port.start?.();
  } else {
    port.on('message', onMessage);
  }
}

/** Serves cofi's API over `port` (a worker scope or a MessagePort). */
export function serveCofi(port, { load = loadCofi } = {}) {
  const objects = new Map();  // handle number -> Cofi | Ratings | Items | Model
  let nextHandle = 1;
  const cancels = new Map();  // request id -> AbortController of a fit, queued or running
  let queue = Promise.resolve();

  // A result as it crosses: cofi objects become descriptors (their handle and what the client
  // shows synchronously); split's { train, test } is walked one level down.
  function describeResult(value) {
    if (value instanceof Ratings || value instanceof Items || value instanceof Model) {
      const handle = nextHandle++;
      objects.set(handle, value);
      return { $handle: handle, ...snapshot(value) };
    }
    if (value && typeof value === 'object' && value.train instanceof Ratings && value.test instanceof Ratings) {
      return { train: describeResult(value.train), test: describeResult(value.test) };
    }
    return value;
  }

  function snapshot(value) {
    if (value instanceof Ratings) return { kind: 'ratings', report: value.report, summary: value.summary() };
    if (value instanceof Items) {
      const { columns, encoding, delimiter, header, idColumn, titleColumn, size } = value;
      return { kind: 'items', columns, encoding, delimiter, header, idColumn, titleColumn, size };
    }
    return { kind: 'model', algorithm: value.algorithm, fitted: value.fitted };
  }

  function resolveArg(value) {
    if (value && typeof value === 'object' && typeof value.$handle === 'number') {
      const object = objects.get(value.$handle);
      if (!object) throw Object.assign(new Error('this object has been disposed'), { name: 'UsageError' });
      return object;
    }
    return value;
  }

  function transferables(value) {
    if (value instanceof Uint8Array || value instanceof Float32Array) return [value.buffer];
    if (value && value.values instanceof Float32Array && value.fallback instanceof Uint8Array) {
      return [value.values.buffer, value.fallback.buffer];
    }
    if (value && value.perUser instanceof Int32Array && value.perItem instanceof Int32Array) {
      return [value.perUser.buffer, value.perItem.buffer, value.values.buffer, value.valueCounts.buffer];
    }
    return [];
  }

  // A Blob read here chunk by chunk, so that a large file reports how far it got (and can be
  // cancelled) before the one synchronous parse.
  async function readBlob(blob, signal, report) {
    const bytes = new Uint8Array(blob.size);
    const reader = blob.stream().getReader();
    let loaded = 0;
    let reported = 0;
    for (;;) {
      if (signal.aborted) {
        await reader.cancel().catch(() => {});
        signal.throwIfAborted();
      }
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > bytes.length) throw new Error(`${blob.name ?? 'the file'} changed while it was being read`);
      bytes.set(value, loaded);
      loaded += value.length;
      const now = Date.now();
      if (now - reported >= 50) {
        reported = now;
        report({ phase: 'reading', loaded, total: bytes.length });
      }
    }
    return loaded === bytes.length ? bytes : bytes.subarray(0, loaded);
  }

  async function run(message) {
    const { id, op } = message;
    if (op === 'init') {
      const cofi = await load(message.options ?? {});
      objects.set(0, cofi);
      return { threads: cofi.threads ?? 1 };
    }
    if (op === 'dispose') {
      const object = objects.get(message.target);
      objects.delete(message.target);
      object?.dispose?.();
      return true;
    }
    const target = objects.get(message.target);
    if (!target) {
      throw Object.assign(new Error(message.target === 0 ? 'cofi is not loaded in this worker' : 'this object has been disposed'),
        { name: 'UsageError' });
    }
    const kind = kindOf(target);
    if (!METHODS[kind].includes(message.method)) {
      throw Object.assign(new Error(`${message.method} is not a method of ${kind}`), { name: 'UsageError' });
    }
    const args = (message.args ?? []).map(resolveArg);
    if ((message.method === 'readRatings' || message.method === 'readItems') && message.progress) {
      const controller = cancels.get(id) ?? new AbortController();
      cancels.set(id, controller);
      const report = (progress) => port.postMessage({ id, progress });
      let [input, options = {}] = args;
      options = { ...options };
      if (typeof Blob !== 'undefined' && input instanceof Blob) {
        if (options.source === undefined && typeof input.name === 'string') options.source = input.name;
        input = await readBlob(input, controller.signal, report);
      }
      controller.signal.throwIfAborted();
      report({ phase: 'parsing', loaded: input.length, total: input.length });
      return describeResult(await target[message.method](input, options));
    }
    if (message.method === 'fit') {
      const controller = cancels.get(id) ?? new AbortController();
      cancels.set(id, controller);
      const options = { ...(args[1] ?? {}) };
      if (options.validation) options.validation = resolveArg(options.validation);
      options.signal = controller.signal;
      options.onProgress = (report) => port.postMessage({ id, progress: report });
      const seconds = await target.fit(args[0], options);
      return { seconds, fitted: target.fitted };
    }
    return describeResult(await target[message.method](...args));
  }

  listen(port, (message) => {
    if (!message || typeof message !== 'object') return;
    if (message.op === 'cancel') {
      // Reaches a running fit between two epochs (a read between two chunks), or a queued one
      // before it starts.
      if (!cancels.has(message.id)) cancels.set(message.id, new AbortController());
      cancels.get(message.id).abort(new DOMException(message.reason ?? 'The fit was cancelled.', 'AbortError'));
      return;
    }
    queue = queue.then(async () => {
      try {
        const value = await run(message);
        port.postMessage({ id: message.id, ok: true, value }, transferables(value));
      } catch (error) {
        port.postMessage({ id: message.id, ok: false, error: recordFromError(error) });
      } finally {
        cancels.delete(message.id);
      }
    });
  });
}

// Started as a (module) Web Worker: serve this worker's own scope.
if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) serveCofi(globalThis);
