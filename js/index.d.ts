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
  | 'als' | 'ials' | 'bpr' | 'ease' | 'bpmf';

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
  fields(id: string | number): string[] | null;
  ids(): string[];
}

export class Model extends Disposable {
  readonly algorithm: Algorithm;
  readonly fitted: boolean;
  /**
   * Resolves with the fit time in seconds. `onProgress` is called after every epoch; aborting
   * `signal` rejects with its reason and leaves the previous model (if any) intact.
   */
  fit(
    ratings: Ratings,
    options?: { seed?: number; signal?: AbortSignal; onProgress?: (report: EpochReport) => void },
  ): Promise<number>;
  /** The user's rated items that contributed most to `item`'s score, largest first. */
  explain(user: string | number, item: string | number, options?: { n?: number }): Array<{ item: string; weight: number }>;
  predict(user: string | number, item: string | number): Prediction;
  recommend(user: string | number, options?: { n?: number }): { known: boolean; items: ScoredItem[] };
  recommendFor(
    ratings: Record<string, number> | Array<[string | number, number]>,
    options?: { n?: number },
  ): { items: ScoredItem[]; unknownItems: string[] };
  similarItems(item: string | number, options?: { n?: number }): ScoredItem[];
  popular(options?: { n?: number }): ScoredItem[];
  evaluate(test: Ratings): Accuracy;
  rank(test: Ratings, options?: { k?: number; threshold?: number }): RankingMetrics;
  /**
   * The fitted model as a file's bytes (a copy; format in docs/model-format.md). Load them with
   * `cofi.loadModel`, or with the CLI's `--model FILE`. Throws UsageError when not fitted.
   */
  save(): Uint8Array;
}

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
  createModel(algorithm: Algorithm, params?: Params): Model;
  /**
   * A fitted model from saved bytes (`model.save()` or `cofi fit --save`). Rejects with a
   * ParseError for a file that is not a cofi model, is truncated, corrupted or from a newer cofi.
   */
  loadModel(input: Uint8Array | ArrayBuffer | ArrayBufferView | Blob, options?: LoadModelOptions): Promise<Model>;
  crossValidate(
    ratings: Ratings,
    algorithm: Algorithm,
    params?: Params,
    options?: { folds?: number; seed?: number },
  ): Promise<{ folds: FoldResult[]; rmse: number; mae: number; fitSeconds: number; predictSeconds: number }>;
  memory(): MemoryStats;
}

export interface LoadOptions {
  /** Where cofi-core.wasm is (default: next to the module). */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves. */
  wasmBinary?: ArrayBuffer | Uint8Array;
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
