// Type declarations of cofi's worker API (js/worker-client.js, imported as 'cofi/worker'): the
// main API's names, with every call answered by a Web Worker through a Promise.
import type {
  Accuracy, Algorithm, BulkPredictions, CrossValidateOptions, CrossValidation, EpochReport, Input,
  FactorEncoding, ImportFactorsSources, ItemsReadOptions, LoadModelOptions, Params, Prediction, RankingMetrics, RatingArrays, RatingCounts, ReadOptions,
  ReadReport, RecommendOptions, ScoredItem, Summary, Threads,
} from './index.js';

export { CofiError, ParseError, UsageError, MemoryError } from './index.js';

declare class RemoteHandle {
  /** True once dispose() was called. */
  readonly disposed: boolean;
  /** Frees the object in the worker; later use rejects with a UsageError. */
  dispose(): void;
  [Symbol.dispose](): void;
}

export class RemoteRatings extends RemoteHandle {
  readonly report: ReadReport;
  readonly numRatings: number;
  readonly numUsers: number;
  readonly numItems: number;
  readonly duplicates: number;
  readonly implicit: boolean;
  readonly ratingMin: number;
  readonly ratingMax: number;
  readonly globalMean: number;
  summary(): Summary;
  userId(index: number): Promise<string>;
  itemId(index: number): Promise<string>;
  userIds(): Promise<string[]>;
  itemIds(): Promise<string[]>;
  hasUser(id: string | number): Promise<boolean>;
  hasItem(id: string | number): Promise<boolean>;
  userRatings(id: string | number): Promise<{ items: string[]; ratings: number[] }>;
  itemCount(id: string | number): Promise<number>;
  counts(): Promise<RatingCounts>;
  split(options?: { testFraction?: number; seed?: number }): Promise<{ train: RemoteRatings; test: RemoteRatings }>;
}

export class RemoteItems extends RemoteHandle {
  readonly columns: string[];
  readonly encoding: 'utf-8' | 'latin-1';
  readonly delimiter: string;
  readonly header: boolean;
  readonly idColumn: number;
  readonly titleColumn: number;
  readonly size: number;
  title(id: string | number): Promise<string | null>;
  titles(ids: Iterable<string | number>): Promise<Array<string | null>>;
  fields(id: string | number): Promise<string[] | null>;
  ids(): Promise<string[]>;
}

export interface ReadProgress {
  /** 'reading': a Blob's bytes arriving in the worker (`loaded` of `total`); then 'parsing'. */
  phase: 'reading' | 'parsing';
  loaded: number;
  total: number;
}

export interface RemoteReadOptions {
  onProgress?: (progress: ReadProgress) => void;
  /** Aborting rejects with the signal's reason: the reading of a Blob stops; a running parse ends and its result is freed. */
  signal?: AbortSignal;
}

export interface RemoteFitOptions {
  seed?: number;
  /** Aborting cancels the fit in the worker; the previous model stays intact. */
  signal?: AbortSignal;
  onProgress?: (report: EpochReport) => void;
  validation?: RemoteRatings;
  patience?: number;
}

export class RemoteModel extends RemoteHandle {
  readonly algorithm: Algorithm;
  readonly fitted: boolean;
  fit(ratings: RemoteRatings, options?: RemoteFitOptions): Promise<number>;
  explain(user: string | number, item: string | number, options?: { n?: number }): Promise<Array<{ item: string; weight: number }>>;
  predict(user: string | number, item: string | number): Promise<Prediction>;
  predictMany(users: Iterable<string | number>, items: Iterable<string | number>): Promise<BulkPredictions>;
  recommend(user: string | number, options?: RecommendOptions): Promise<{ known: boolean; items: ScoredItem[] }>;
  recommendFor(
    ratings: Record<string, number> | Array<[string | number, number]>,
    options?: RecommendOptions,
  ): Promise<{ items: ScoredItem[]; unknownItems: string[] }>;
  similarItems(item: string | number, options?: { n?: number }): Promise<ScoredItem[]>;
  popular(options?: { n?: number }): Promise<ScoredItem[]>;
  evaluate(test: RemoteRatings): Promise<Accuracy>;
  rank(test: RemoteRatings, options?: { k?: number; threshold?: number }): Promise<RankingMetrics>;
  save(): Promise<Uint8Array<ArrayBuffer>>;
  compact(options?: { encoding?: FactorEncoding }): Promise<RemoteModel>;
}

export class CofiWorker {
  algorithms(): Promise<Algorithm[]>;
  /** A File/Blob is handed to the worker and read there. */
  readRatings(input: Input, options?: ReadOptions & RemoteReadOptions): Promise<RemoteRatings>;
  readItems(input: Input, options?: ItemsReadOptions & RemoteReadOptions): Promise<RemoteItems>;
  ratingsFromArrays(arrays: RatingArrays, options?: { source?: string }): Promise<RemoteRatings>;
  createModel(algorithm: Algorithm, params?: Params): Promise<RemoteModel>;
  loadModel(input: Uint8Array | ArrayBuffer | ArrayBufferView | Blob, options?: LoadModelOptions): Promise<RemoteModel>;
  crossValidate(ratings: RemoteRatings, algorithm: Algorithm, params?: Params, options?: CrossValidateOptions): Promise<CrossValidation>;
  importFactors(sources: ImportFactorsSources): Promise<RemoteModel>;
  /** Stops the worker: pending and later calls reject with a UsageError. */
  terminate(): void;
  /** How many threads the worker's core fits with (1 unless loaded with threads). */
  readonly threads: number;
}

export interface WorkerLoadOptions {
  /** A worker running cofi's worker entry ('cofi/worker-entry'); default: a new module worker. */
  worker?: Worker;
  /** Where cofi-core.wasm is (default: next to the module). */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** 1 (default), a thread count, or 'auto', as for loadCofi (the page must be cross-origin isolated). */
  threads?: Threads;
}

/** Starts cofi in a module Web Worker and loads the WebAssembly core there. */
export function loadCofiWorker(options?: WorkerLoadOptions): Promise<CofiWorker>;

/** Anything with postMessage and message events (a MessagePort, a Worker). */
export interface MessagePortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** The worker API over a port whose other end runs `serveCofi` (from 'cofi/worker-entry'). */
export function connectCofi(
  port: MessagePortLike,
  options?: { wasmUrl?: string | URL; wasmBinary?: ArrayBuffer | Uint8Array; threads?: Threads; terminate?: () => void },
): Promise<CofiWorker>;
