// The Error classes cofi throws, shared by the main API (js/index.js) and the worker client
// (js/worker-client.js), which rebuilds them from the records the worker posts back.

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

// A received value as error messages name it ("got null", "got an array", "got 5", "got string").
export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

// An Error from a plain record { cofiError | name, message, line, column, source }: the core's
// error records, and errors as the worker sends them across.
export function errorFromRecord(record) {
  const kind = record.cofiError ?? record.name;
  switch (kind) {
    case 'ParseError': return new ParseError(record.message, record);
    case 'UsageError': return new UsageError(record.message);
    case 'MemoryError': return new MemoryError(record.message);
    case 'RangeError': return new RangeError(record.message);
    case 'TypeError': return new TypeError(record.message);
    case 'AbortError': return new DOMException(record.message, 'AbortError');
    case 'Error': return new CofiError(record.message);
    default: {
      const e = new CofiError(record.message);
      if (typeof kind === 'string' && kind) e.name = kind;
      return e;
    }
  }
}

// The plain record of an Error, for posting it across a worker boundary.
export function recordFromError(error) {
  if (error === null || typeof error !== 'object') return { name: 'Error', message: String(error) };
  const record = { name: error.name ?? 'Error', message: error.message ?? String(error) };
  for (const key of ['line', 'column', 'source']) if (error[key] !== undefined) record[key] = error[key];
  return record;
}
