// Uses every entry point of the package's declarations; the packaging test runs `tsc --noEmit`
// on it inside a project that installed the packed tarball. It is type-checked, not run.
import loadCofiDefault, {
  loadCofi, Model, Ratings, Items, CofiError, ParseError, UsageError, MemoryError,
  type Algorithm, type Cofi, type EpochReport, type ReadReport, type ScoredItem, type Prediction,
  type CrossValidation, type BulkPredictions, type Threads,
} from 'cofi';
import { loadCofiWorker, connectCofi, RemoteModel, RemoteRatings, type CofiWorker } from 'cofi/worker';

export async function mainApi(file: File, bytes: Uint8Array): Promise<void> {
  const cofi: Cofi = await loadCofi({ wasmUrl: new URL('https://example.com/cofi-core.wasm') });
  const other: Cofi = await loadCofiDefault({ wasmBinary: bytes });
  const auto: Threads = 'auto';
  const threaded: Cofi = await loadCofi({ threads: 2, wasmUrl: 'https://example.com/cofi-core-threads.wasm' });
  const threadCount: number = threaded.threads + (await loadCofi({ threads: auto })).threads;
  const names: Algorithm[] = cofi.algorithms();

  const ratings: Ratings = await cofi.readRatings(file, {
    delimiter: ',', header: true, userColumn: 'userId', itemColumn: 1, ratingColumn: 'rating', skipBadRows: true, source: 'r.csv',
  });
  const report: ReadReport = ratings.report;
  const skipped: number[] = report.skippedLines;
  const fromArrays: Ratings = other.ratingsFromArrays({ users: [1, 2], items: ['a', 'b'], values: new Float32Array([4, 5]) });
  const items: Items = await cofi.readItems('id,title\n1,One\n', { idColumn: 0, titleColumn: 'title' });
  const title: string | null = items.title(1);
  const titles: Array<string | null> = items.titles(['1', 2]);
  const { train, test } = ratings.split({ testFraction: 0.2, seed: 1 });
  const count: number = ratings.numRatings + ratings.summary().users + ratings.itemCount('a');

  const model: Model = cofi.createModel(names[0] ?? 'svd', { factors: 50, biased: true, similarity: 'cosine' });
  const controller = new AbortController();
  const seconds: number = await model.fit(train, {
    seed: 1, signal: controller.signal, validation: test, patience: 3,
    onProgress: (r: EpochReport) => { const loss: number | null = r.loss; void loss; },
  });
  const top: ScoredItem[] = model.recommend('1', { n: 5, exclude: ['a'], include: ['b', 3], excludeRated: false }).items;
  const fresh = model.recommendFor({ a: 5 }, { n: 3 });
  const unknown: string[] = fresh.unknownItems;
  const p: Prediction = model.predict('1', 'a');
  const bulk: BulkPredictions = model.predictMany(['1'], ['a']);
  const values: Float32Array = bulk.values;
  const similar: ScoredItem[] = model.similarItems('a', { n: 3 });
  const popular: ScoredItem[] = model.popular({ n: 3 });
  const why = model.explain('1', 'a', { n: 2 });
  const rmse: number = model.evaluate(test).rmse;
  const ndcg: number = model.rank(test, { k: 10, threshold: 4 }).ndcg;
  const cv: CrossValidation = await cofi.crossValidate(ratings, 'baseline', {}, { folds: 3, seed: 0, k: 10 });
  const saved = model.save();
  const download: Blob = new Blob([saved], { type: "application/octet-stream" });
  void download;
  const loaded: Model = await Model.load(saved, { cofi });
  const loadedToo: Model = await cofi.loadModel(new Blob([saved]), { source: 'model.cofi' });
  const compact: Model = model.compact({ encoding: 'float16' });
  const compactBytes: Uint8Array = compact.save();
  void compactBytes;
  {
    using disposable = await cofi.loadModel(saved);
    void disposable.fitted;
  }
  for (const x of [ratings, fromArrays, items, model, loaded, loadedToo]) x.dispose();
  void [title, titles, count, seconds, top, p, values, similar, popular, why, rmse, ndcg, cv, skipped, unknown];

  try {
    await cofi.readRatings('bad');
  } catch (error) {
    if (error instanceof ParseError) console.log(error.line, error.column, error.source);
    else if (error instanceof UsageError || error instanceof MemoryError || error instanceof CofiError) console.log(error.message);
  }
}

export async function workerApi(file: File): Promise<void> {
  const cofi: CofiWorker = await loadCofiWorker();
  const threadedWorker: CofiWorker = await loadCofiWorker({ threads: 'auto' });
  const workerThreads: number = threadedWorker.threads;
  const ratings: RemoteRatings = await cofi.readRatings(file, { skipBadRows: true });
  const n: number = ratings.numUsers;
  const ids: string[] = await ratings.userIds();
  const { train, test } = await ratings.split({ testFraction: 0.1 });
  const model: RemoteModel = await cofi.createModel('als', { factors: 32 });
  const controller = new AbortController();
  await model.fit(train, { signal: controller.signal, validation: test, onProgress: (r) => console.log(r.epoch, r.validationRmse) });
  const { items } = await model.recommend(ids[0] ?? '1', { n: 10, exclude: ['x'] });
  const why = await model.explain('1', items[0]?.item ?? 'x');
  const bytes = await model.save();
  const asFile = new File([bytes], "model.cofi");
  void asFile;
  const again: RemoteModel = await cofi.loadModel(bytes);
  const small: RemoteModel = await again.compact({ encoding: 'int8' });
  void small;
  const accuracy = await again.evaluate(test);
  const table = await cofi.readItems(file);
  const names: Array<string | null> = await table.titles(['1']);
  const { port1 } = new MessageChannel();
  const overPort: CofiWorker = await connectCofi(port1);
  void [n, why, accuracy.rmse, names, overPort];
  model.dispose();
  cofi.terminate();
}
