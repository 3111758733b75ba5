// Type declarations of cofi's JavaScript API (js/index.js).

export type Input = string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob;

export interface ReadOptions {
  /** Name used in error messages (default: the File's name, or "ratings"). */
  source?: string;
  /** "," "\t" ";" "|" "::" or any other; detected when omitted. */
  delimiter?: string;
  /** Whether the first row names the columns; detected when omitted. */
  header?: boolean;
  /** 0-based index or header name (case-insensitive); chosen by name when omitted. */
  userColumn?: number | string;
  itemColumn?: number | string;
  /** "none" reads implicit feedback (every row counts 1). */
  ratingColumn?: number | string;
  /** Skip malformed rows (reported in `report`) instead of throwing. */
  skipBadRows?: boolean;
}

export interface ReadReport {
  source: string;
  delimiter: string;
  encoding: 'utf-8' | 'latin-1';
  header: boolean;
  headerNames: string[];
  userColumn: number;
  itemColumn: number;
  /** -1 for implicit feedback. */
  ratingColumn: number;
  implicit: boolean;
  rows: number;
  duplicates: number;
  skipped: number;
  /** The first 20 skipped rows' line numbers, and their messages. */
  skippedLines: number[];
  skippedErrors: string[];
}

export interface RatingCounts {
  perUser: Int32Array;
  perItem: Int32Array;
  /** The distinct rating values, ascending (1 alone for implicit feedback). */
  values: Float64Array;
  /** How many ratings have values[k]. */
  valueCounts: Float64Array;
}

export interface Summary {
  ratings: number;
  users: number;
  items: number;
  duplicates: number;
  ratingMin: number;
  ratingMax: number;
  mean: number;
  implicit: boolean;
}

export interface ItemsReadOptions {
  source?: string;
  delimiter?: string;
  header?: boolean;
  idColumn?: number | string;
  titleColumn?: number | string;
}

export type Algorithm =
  | 'random' | 'global-mean' | 'baseline' | 'popular'
  | 'knn-basic' | 'knn-means' | 'knn-zscore' | 'knn-baseline'
  | 'svd' | 'svdpp' | 'nmf' | 'slope-one' | 'co-clustering' | 'blend'
  | 'als' | 'ials' | 'bpr' | 'ease' | 'bpmf'
  /** Item factors trained elsewhere (Cofi.importFactors); never created or fitted directly. */
  | 'imported-als';

/** Algorithm parameters by their core names, e.g. { k: 40, user_based: false, similarity: 'pearson_baseline' }. */
export type Params = Record<string, number | string | boolean>;

export interface ScoredItem {
  item: string;
  score: number;
}

export interface Prediction {
  /** Clipped to the training rating scale. */
  value: number;
  /** The model could not personalise (unknown user or item, too few neighbours). */
  fallback: boolean;
  /** Neighbourhood models: the neighbours used. */
  neighbors?: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Training loss, where the model has one. */
  loss: number | null;
  validationRmse: number | null;
  best: boolean;
}

export interface Accuracy {
  rmse: number;
  mae: number;
  predictions: number;
  fallbacks: number;
  predictSeconds: number;
}

export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  users: number;
}

export interface FoldResult {
  rmse: number;
  mae: number;
  predictions: number;
  fallbacks: number;
  fitSeconds: number;
  predictSeconds: number;
  precision?: number;
  recall?: number;
  ndcg?: number;
  hitRate?: number;
}

declare class Disposable {
  /** True once dispose() was called. */
  readonly disposed: boolean;
  /** Frees the WebAssembly memory behind this object; later use throws a UsageError. */
  dispose(): void;
  [Symbol.dispose](): void;
}

export class Ratings extends Disposable {
  readonly report: ReadReport;
  readonly numRatings: number;
  readonly numUsers: number;
  readonly numItems: number;
  readonly duplicates: number;
  readonly implicit: boolean;
  readonly ratingMin: number;
  readonly ratingMax: number;
  readonly globalMean: number;
  readonly bytesPerRating: number;
  summary(): Summary;
  userId(index: number): string;
  itemId(index: number): string;
  userIds(): string[];
  itemIds(): string[];
  hasUser(id: string | number): boolean;
  hasItem(id: string | number): boolean;
  userRatings(id: string | number): { items: string[]; ratings: number[] };
  itemCount(id: string | number): number;
  /** Ratings per user and per item (index k = userId(k) / itemId(k)) and each rating value's count. */
  counts(): RatingCounts;
  /** A random hold-out: `testFraction` (default 0.2) of the ratings, rounded up, go to `test`. */
  split(options?: { testFraction?: number; seed?: number }): { train: Ratings; test: Ratings };
}

export class Items extends Disposable {
  readonly columns: string[];
  readonly encoding: 'utf-8' | 'latin-1';
  readonly delimiter: string;
  readonly header: boolean;
  readonly idColumn: number;
  readonly titleColumn: number;
  readonly size: number;
  title(id: string | number): string | null;
  /** Titles of many ids at once (null where an id is unknown). */
  titles(ids: Iterable<string | number>): Array<string | null>;
  fields(id: string | number): string[] | null;
  ids(): string[];
}

export interface FitOptions {
  /** Makes every random choice reproducible (default 0). */
  seed?: number;
  /** Aborting rejects the fit with the signal's reason and leaves the previous model intact. */
  signal?: AbortSignal;
  /** Called after every epoch (one-shot models report one). */
  onProgress?: (report: EpochReport) => void;
  /** Held-out ratings scored after every epoch (`validationRmse` in the reports). */
  validation?: Ratings;
  /** Stop once validation RMSE has not improved for this many epochs, keeping the best epoch. */
  patience?: number;
}

/** Which items a recommendation may contain. */
export interface RecommendOptions {
  /** How many items (default 10). */
  n?: number;
  /** Never recommend these ids. */
  exclude?: Iterable<string | number>;
  /** Recommend only from these ids (unknown ids are ignored). */
  include?: Iterable<string | number>;
  /** Leave out items the person rated (default true). */
  excludeRated?: boolean;
}

export interface BulkPredictions {
  /** Predicted ratings, clipped to the training scale, one per (user, item) pair. */
  values: Float32Array;
  /** 1 where the model could not personalise the pair. */
  fallback: Uint8Array;
}

export class Model extends Disposable {
  readonly algorithm: Algorithm;
  readonly fitted: boolean;
  /**
   * A fitted model from saved bytes, in `options.cofi` or else the most recently loaded cofi
   * instance (loading the default one if there is none).
   */
  static load(input: Uint8Array | ArrayBuffer | ArrayBufferView | Blob, options?: LoadModelOptions & { cofi?: Cofi }): Promise<Model>;
  /** Trains on `ratings`; resolves with the fit time in seconds. */
  fit(ratings: Ratings, options?: FitOptions): Promise<number>;
  /** The user's rated items that contributed most to `item`'s score, largest first. */
  explain(user: string | number, item: string | number, options?: { n?: number }): Array<{ item: string; weight: number }>;
  predict(user: string | number, item: string | number): Prediction;
  recommend(user: string | number, options?: RecommendOptions): { known: boolean; items: ScoredItem[] };
  recommendFor(
    ratings: Record<string, number> | Array<[string | number, number]>,
    options?: RecommendOptions,
  ): { items: ScoredItem[]; unknownItems: string[] };
  /** Predictions for many (users[k], items[k]) pairs at once. */
  predictMany(users: Iterable<string | number>, items: Iterable<string | number>): BulkPredictions;
  similarItems(item: string | number, options?: { n?: number }): ScoredItem[];
  popular(options?: { n?: number }): ScoredItem[];
  evaluate(test: Ratings): Accuracy;
  rank(test: Ratings, options?: { k?: number; threshold?: number }): RankingMetrics;
  /**
   * The fitted model as a file's bytes (a copy; format in docs/model-format.md). Load them with
   * `cofi.loadModel`, or with the CLI's `--model FILE`. Throws UsageError when not fitted.
   */
  save(): Uint8Array<ArrayBuffer>;
  /**
   * A compact copy for serving visitors on a static site: item factors in `encoding` ('int8' by
   * default), biases and rating counts, without training ratings or users. From svd, als, ials
   * and imported-als models; it answers recommendFor, similarItems and popular.
   */
  compact(options?: { encoding?: FactorEncoding }): Model;
}

/** How a compact model stores item factors: 1, 2 or 4 bytes per value. */
export type FactorEncoding = 'int8' | 'float16' | 'float32';

export interface LoadModelOptions {
  /** Name used in ParseError messages (default: the File's name, or "model"). */
  source?: string;
}

/** WebAssembly memory figures, in bytes (cofi.memory()). */
export interface MemoryStats {
  /** Held by malloc for live objects; returns to its level once they are disposed. */
  usedBytes: number;
  /** The module's memory now (it grows, never shrinks). */
  heapBytes: number;
  /** The most it may grow to (4 GB): larger data sets and models are refused with a MemoryError. */
  maxBytes: number;
}

export interface Cofi {
  algorithms(): Algorithm[];
  readRatings(input: Input, options?: ReadOptions): Promise<Ratings>;
  readItems(input: Input, options?: ItemsReadOptions): Promise<Items>;
  /** Ratings from parallel arrays; without `values`, implicit feedback. */
  ratingsFromArrays(arrays: RatingArrays, options?: { source?: string }): Ratings;
  createModel(algorithm: Algorithm, params?: Params): Model;
  /**
   * A fitted model from saved bytes (`model.save()` or `cofi fit --save`). Rejects with a
   * ParseError for a file that is not a cofi model, is truncated, corrupted or from a newer cofi.
   */
  loadModel(input: Uint8Array | ArrayBuffer | ArrayBufferView | Blob, options?: LoadModelOptions): Promise<Model>;
  crossValidate(ratings: Ratings, algorithm: Algorithm, params?: Params, options?: CrossValidateOptions): Promise<CrossValidation>;
  /** A model from item factors trained by Spark or implicit (see ImportFactorsSources). */
  importFactors(sources: ImportFactorsSources): Promise<Model>;
  /** WebAssembly heap figures (see MemoryStats). */
  memory(): MemoryStats;
  /** How many threads the core fits with (1 unless loaded with threads). */
  readonly threads: number;
}

/** Settings of the training run: Spark's model metadata, or these keys. */
export interface FactorSettingsObject {
  rank?: number;
  regParam?: number;
  regularization?: number;
  alpha?: number;
  implicitPrefs?: boolean;
}

export interface ImportFactorsSources {
  /** Spark's itemFactors as JSON lines or CSV: one input, or one per part file. */
  itemFactors?: Input | Input[];
  /** implicit's model.item_factors saved with numpy.save (float32/float64). */
  npy?: Uint8Array | ArrayBuffer | ArrayBufferView | Blob;
  /** The item ids for `npy`, one per line in row order. */
  ids?: Input;
  /** Spark's metadata/part-00000, or a JSON text or object of settings. */
  settings?: Input | FactorSettingsObject;
  /** Overrides: reg, alpha, implicit (boolean), convention ('spark' | 'implicit'). */
  params?: Params;
}

export interface RatingArrays {
  users: Iterable<string | number>;
  items: Iterable<string | number>;
  values?: Iterable<number> | Float32Array | Float64Array;
}

export interface CrossValidateOptions {
  folds?: number;
  seed?: number;
  /** With k > 0, every fold also reports precision, recall, NDCG and hit rate at k. */
  k?: number;
  /** A test rating >= threshold is relevant (default 4). */
  threshold?: number;
}

export interface CrossValidation {
  folds: FoldResult[];
  rmse: number;
  mae: number;
  fitSeconds: number;
  predictSeconds: number;
  precision?: number;
  recall?: number;
  ndcg?: number;
  hitRate?: number;
}

/**
 * How many threads the core fits with. 1 (default): the single-threaded core. A number above 1:
 * the multi-threaded core (cofi-core-threads.mjs), which needs a cross-origin isolated page
 * (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp) and does
 * not run in Node; loadCofi rejects with a UsageError otherwise. 'auto': the machine's cores
 * (navigator.hardwareConcurrency, at most 16) when isolated, else 1.
 */
export type Threads = number | 'auto';

export interface LoadOptions {
  /** Where cofi-core.wasm (with threads: cofi-core-threads.wasm) is (default: next to the module). */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** 1 (default), a thread count, or 'auto' (see Threads). */
  threads?: Threads;
}

export function loadCofi(options?: LoadOptions): Promise<Cofi>;
export default loadCofi;

export class CofiError extends Error {}
export class ParseError extends CofiError {
  readonly source?: string;
  readonly line?: number;
  readonly column?: number;
}
export class UsageError extends CofiError {}
export class MemoryError extends CofiError {}
