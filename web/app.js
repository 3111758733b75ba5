// The demo page. Everything heavy (reading files, training, recommending) runs in a Web Worker
// through cofi's worker API, so the page stays responsive; the page itself only reads the first
// 64 KB of a file for the preview. Every string that comes from a data file reaches the DOM
// through textContent (or an attribute value), never as HTML.
import { loadCofiWorker, ParseError, CofiError, MemoryError } from './dist/worker-client.js';
import { generateSampleData } from './sample-data.js';
import { lineChart, barChart } from './lib/charts.js';
import {
  PREVIEW_BYTES, DELIMITERS, delimiterName, decodeHead, guessLayout, memoryCheck, WASM_MEMORY_LIMIT,
  genreFlags, genreColumn, csvField, powerOfTwoBins, ratingBins,
} from './lib/files.js';

const TOP_N = 10;
const MAX_USER_OPTIONS = 1000; // datalist entries; any user id can still be typed
const SEARCH_RESULTS = 8;
const HOLDOUT = 0.2;
const SPLIT_SEED = 0;
const EXPORT_BATCH = 50; // users per round of worker calls while exporting

const DEFAULT_EXPLICIT = 'svd';
const DEFAULT_IMPLICIT = 'ials';

const ALGORITHM_LABELS = {
  svd: 'matrix factorisation by SGD',
  svdpp: 'SVD++, factors with implicit feedback',
  nmf: 'non-negative factorisation',
  als: 'alternating least squares',
  ials: 'implicit ALS, for clicks and views',
  bpr: 'Bayesian personalised ranking, implicit',
  ease: 'EASE item-item, implicit',
  bpmf: 'Bayesian matrix factorisation (slow)',
  'knn-baseline': 'neighbours over baselines',
  'knn-means': 'neighbours, mean-centred',
  'knn-zscore': 'neighbours, z-scores',
  'knn-basic': 'neighbours, plain',
  'slope-one': 'Slope One',
  'co-clustering': 'co-clustering of users and items',
  baseline: 'user and item biases',
  popular: 'most rated items',
  'global-mean': 'average rating',
  random: 'random, a sanity check',
  blend: 'a blend of several models (slow)',
};

// The main parameters per algorithm, with the core's names. svd's page defaults differ from
// Surprise's (factors 100, epochs 20, lr 0.005, reg 0.02): on 80/20 hold-outs (seed 0) they gave
// RMSE 0.722 / 0.932 / 0.871 on the sample, ml-100k and ml-latest-small against 0.904 / 0.935 /
// 0.882, and a sample sci-fi fan 9 sci-fi or animation picks out of 10 against 4.
const int = (name, label, value, min = 1) => ({ name, label, type: 'int', value, min });
const num = (name, label, value) => ({ name, label, type: 'number', value, min: 0 });
const KNN_PARAMS = [
  int('k', 'Neighbours (k)', 40),
  { name: 'user_based', label: 'Neighbours are', type: 'select', value: 'false', options: [['false', 'similar items'], ['true', 'similar users']] },
  { name: 'similarity', label: 'Similarity', type: 'select', value: 'pearson_baseline',
    options: [['pearson_baseline', 'Pearson over baselines'], ['pearson', 'Pearson'], ['cosine', 'cosine'], ['msd', 'mean squared difference']] },
];
const PARAMS = {
  svd: [int('factors', 'Factors', 50), int('epochs', 'Epochs', 30), num('lr', 'Learning rate', 0.01), num('reg', 'Regularisation', 0.05)],
  svdpp: [int('factors', 'Factors', 20), int('epochs', 'Epochs', 20), num('lr', 'Learning rate', 0.007), num('reg', 'Regularisation', 0.02)],
  nmf: [int('factors', 'Factors', 15), int('epochs', 'Epochs', 50)],
  als: [int('factors', 'Factors', 50), int('epochs', 'Epochs', 15), num('reg', 'Regularisation', 0.13)],
  ials: [int('factors', 'Factors', 64), int('epochs', 'Epochs', 15), num('reg', 'Regularisation', 50), num('alpha', 'Confidence (alpha)', 2)],
  bpr: [int('factors', 'Factors', 64), int('epochs', 'Epochs', 100), num('lr', 'Learning rate', 0.02), num('reg', 'Regularisation', 0.03)],
  ease: [num('reg', 'Regularisation', 400)],
  bpmf: [int('factors', 'Factors', 10), int('burnin', 'Burn-in sweeps', 20), int('samples', 'Kept samples', 100)],
  'co-clustering': [int('user_clusters', 'User clusters', 3), int('item_clusters', 'Item clusters', 3), int('epochs', 'Epochs', 20)],
  baseline: [{ name: 'method', label: 'Method', type: 'select', value: 'als', options: [['als', 'alternating least squares'], ['sgd', 'stochastic gradient descent']] }],
  'knn-basic': KNN_PARAMS,
  'knn-means': KNN_PARAMS,
  'knn-zscore': KNN_PARAMS,
  'knn-baseline': KNN_PARAMS,
};

const $ = (id) => document.getElementById(id);
const ui = Object.fromEntries([
  'status', 'progress-box', 'progress', 'progress-label', 'cancel', 'error',
  'ratings-file', 'items-file', 'drop-zone', 'use-sample', 'paste-text', 'use-paste',
  'preview', 'preview-source', 'preview-note', 'read-options', 'opt-delimiter', 'opt-header', 'opt-user', 'opt-item',
  'opt-rating', 'skip-bad-rows', 'reread', 'preview-table', 'summary', 'warnings',
  'model-form', 'algorithm', 'params', 'holdout', 'train', 'algorithm-note',
  'eval-note', 'metrics', 'chart-loss', 'chart-rmse', 'hist-ratings', 'hist-users', 'hist-items',
  'user-form', 'user', 'user-ids', 'user-hint', 'show-user',
  'recommendations', 'recommendations-heading', 'recommendations-note', 'rated', 'rated-heading', 'rated-note',
  'similar-section', 'similar', 'similar-heading', 'similar-note',
  'catalogue-search', 'search-results', 'mine', 'mine-note', 'clear-mine', 'for-me', 'for-me-note',
  'download-model', 'download-compact', 'model-file', 'export-n', 'export-csv', 'keep-note',
].map((id) => [id.replace(/-([a-z])/g, (_, c) => c.toUpperCase()), $(id)]));

const state = {
  cofi: null,
  algorithms: [],
  algorithmChosen: false, // the visitor picked one: keep it for the next file
  data: null,     // { ratings, source, sample, input, readOptions, head, userIds, userSet, itemIds, counts, userGroups, version }
  items: null,    // { remote, source, sample, titles: Map, genres, tags: Map }
  model: null,    // { remote, algorithm, params, seconds, version, holdout, loadedFrom, curve }
  split: null,    // { train, test } of the current model
  user: null,
  mine: new Map(), // "be the user": item id -> rating
  job: null,      // the running long task: { controller, kind }
  previewHead: null, // the file the preview shows: { head, source, input }
  pendingSource: null, // the ratings source being read (errors from it get the skip hint)
  version: 0,     // bumped per dataset, so a model knows which data it belongs to
  firstRecommendationsPending: false,
};

// The memory a file may take can be lowered for tests: ?memory-limit=<MB>.
const memoryLimit = (() => {
  const mb = Number(new URLSearchParams(location.search).get('memory-limit'));
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : WASM_MEMORY_LIMIT;
})();

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only).

function el(tag, { className, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) if (value !== undefined && value !== null) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

const formatCount = (n) => Math.round(n).toLocaleString('en');
const formatSeconds = (s) => (s < 0.1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);
const formatScore = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
function formatBytes(n) {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${n} bytes`;
}

function setStatus(text) {
  ui.status.textContent = text;
}

/** An error the page itself raises, with a message meant for the visitor. */
class PageError extends Error {}

function isAbort(error) {
  return error?.name === 'AbortError';
}

function showError(error, context) {
  let title = 'Error.';
  let message = error?.message ?? String(error);
  if (error instanceof ParseError) title = 'Could not read the file.';
  else if (error instanceof MemoryError) title = 'Not enough memory.';
  else if (error instanceof PageError) title = '';
  else if (!(error instanceof CofiError) && context) message = `${context}: ${message}`;
  ui.error.replaceChildren(el('span', { className: 'error-message', text: message }));
  if (title) ui.error.prepend(el('strong', { text: `${title} ` }));
  if (error instanceof ParseError && error.line && !ui.skipBadRows.checked && error.source === state.pendingSource) {
    ui.error.append(el('span', { className: 'error-hint', text: ' Tick “Skip malformed rows” (under the preview) to read the file without such lines.' }));
  }
  if (error instanceof ParseError && error.line) {
    ui.error.dataset.line = String(error.line);
    markPreviewLine(error.line);
  } else {
    delete ui.error.dataset.line;
  }
  ui.error.hidden = false;
}

function clearError() {
  ui.error.hidden = true;
  ui.error.replaceChildren();
  delete ui.error.dataset.line;
  for (const row of ui.previewTable.querySelectorAll('.bad-row')) row.classList.remove('bad-row');
}

// Page actions run one after the other; a long one (reading, training, exporting) can be cancelled.
let queue = Promise.resolve();
function enqueue(action) {
  const run = async () => {
    document.body.dataset.state = 'busy';
    try {
      await action();
      document.body.dataset.state = ui.error.hidden ? 'ready' : 'error';
    } catch (error) {
      if (isAbort(error)) {
        document.body.dataset.state = 'ready';
        return;
      }
      showError(error);
      setStatus('Something went wrong; see the message above.');
      document.body.dataset.state = 'error';
    } finally {
      hideProgress();
    }
  };
  queue = queue.then(run, run);
  return queue;
}

/** Starts a cancellable task; `Cancel` (or a newer task of the data kind) aborts it. */
function startJob(kind) {
  state.job?.controller.abort(new DOMException('superseded', 'AbortError'));
  const controller = new AbortController();
  state.job = { controller, kind };
  return controller.signal;
}

function endJob(signal) {
  if (state.job?.controller.signal === signal) state.job = null;
}

function showProgress(label, fraction) {
  ui.progressBox.hidden = false;
  ui.progressLabel.textContent = label;
  if (fraction === null || fraction === undefined) ui.progress.removeAttribute('value'); // indeterminate
  else ui.progress.value = Math.max(0, Math.min(1, fraction));
  ui.cancel.disabled = !state.job;
}

function hideProgress() {
  ui.progressBox.hidden = true;
}

ui.cancel.addEventListener('click', () => {
  state.job?.controller.abort(new DOMException('cancelled by the visitor', 'AbortError'));
  ui.cancel.disabled = true;
});

// ---------------------------------------------------------------------------------------------
// Items: titles, genres, tags.

function titleOf(id) {
  return state.items?.titles.get(id) ?? null;
}

// Tags (genres) of an item: fetched from the worker once per item, then cached.
function tagsOf(id) {
  const items = state.items;
  if (!items) return Promise.resolve([]);
  let pending = items.tags.get(id);
  if (!pending) {
    pending = items.remote.fields(id).then((fields) => {
      if (!fields) return [];
      let tags;
      if (items.genres === 'flags') tags = genreFlags(fields) ?? [];
      else if (typeof items.genres === 'number') tags = (fields[items.genres] ?? '').split('|');
      else {
        // No genre column: a few short further columns, leaving out numbers and links.
        const title = fields[items.remote.titleColumn];
        tags = fields.filter((field, k) => k !== items.remote.idColumn && k !== items.remote.titleColumn && field !== title
          && field.length <= 40 && !/^[-+]?[\d.]+$/.test(field.trim()) && !/^[a-z]+:\/\//i.test(field.trim()));
      }
      return tags.map((t) => t.trim()).filter((t) => t && t !== '(no genres listed)').slice(0, 3);
    }).catch(() => []);
    items.tags.set(id, pending);
  }
  return pending;
}

/** One item as a list entry: title (a button when it leads to similar items), id, tags, score. */
function itemNode(id, { scoreLabel, scoreTitle, clickable = false, tagName = 'li' }) {
  const title = titleOf(id);
  const li = el(tagName, { attrs: { 'data-item': id } });
  const titleNode = clickable
    ? el('button', { className: 'item-title link', text: title ?? id, attrs: { type: 'button', 'aria-label': `${title ?? id}: show similar items` } })
    : el('span', { className: 'item-title', text: title ?? id });
  if (!title) titleNode.classList.add('untitled');
  const meta = el('span', { className: 'item-meta' }, title ? el('span', { className: 'item-id', text: id }) : null);
  const body = el('span', { className: 'item-body' }, titleNode, meta);
  li.append(body);
  if (scoreLabel !== undefined) li.append(el('span', { className: 'score', text: scoreLabel, attrs: { title: scoreTitle } }));
  tagsOf(id).then((tags) => { for (const tag of tags) meta.append(el('span', { className: 'tag', text: tag })); });
  return li;
}

// ---------------------------------------------------------------------------------------------
// The preview: the first 64 KB of a file, read here, shown as a table with what was detected.

async function headOf(input) {
  if (typeof input === 'string') return { text: input.slice(0, PREVIEW_BYTES), encoding: 'utf-8', size: input.length };
  const bytes = new Uint8Array(await input.slice(0, PREVIEW_BYTES).arrayBuffer());
  return { ...decodeHead(bytes, input.size <= PREVIEW_BYTES), size: input.size };
}

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map(([v, label]) => el('option', { text: label, attrs: { value: v } })));
  select.value = options.some(([v]) => v === value) ? value : options[0][0];
}

// The read options the controls ask for (only what the visitor changed from "detect").
function readOptionsFromControls() {
  const options = {};
  if (ui.optDelimiter.value !== 'auto') options.delimiter = ui.optDelimiter.value;
  if (ui.optHeader.value !== 'auto') options.header = ui.optHeader.value === 'yes';
  if (ui.optUser.value !== 'auto') options.userColumn = Number(ui.optUser.value);
  if (ui.optItem.value !== 'auto') options.itemColumn = Number(ui.optItem.value);
  if (ui.optRating.value === 'none') options.ratingColumn = 'none';
  else if (ui.optRating.value !== 'auto') options.ratingColumn = Number(ui.optRating.value);
  if (ui.skipBadRows.checked) options.skipBadRows = true;
  return options;
}

/**
 * Shows the preview of `head` read with `options`; `report` (the reader's, once it has read the
 * file) names what "detect" found.
 */
function renderPreview(head, source, options = {}, report = null) {
  const layout = guessLayout(head.text, {
    ...options,
    ...(report ? { delimiter: options.delimiter ?? report.delimiter, header: options.header ?? report.header } : {}),
    ...(report && options.userColumn === undefined ? { userColumn: report.userColumn } : {}),
    ...(report && options.itemColumn === undefined ? { itemColumn: report.itemColumn } : {}),
    ...(report && options.ratingColumn === undefined ? { ratingColumn: report.ratingColumn } : {}),
  });
  ui.preview.hidden = false;
  ui.previewSource.textContent = source;
  const detected = report ?? { delimiter: layout.delimiter, header: layout.header, userColumn: layout.user, itemColumn: layout.item, ratingColumn: layout.rating };
  const found = report ? 'detected' : 'guessed';
  const columnName = (k) => (k >= 0 ? `${k + 1}: ${layout.columns[k] ?? ''}` : 'none');
  fillSelect(ui.optDelimiter, [['auto', `detect (${found}: ${delimiterName(detected.delimiter)})`],
    ...DELIMITERS.map((d) => [d.value, d.name])], options.delimiter ?? 'auto');
  ui.optHeader.options[0].textContent = `detect (${found}: ${detected.header ? 'a header' : 'data'})`;
  ui.optHeader.value = options.header === undefined ? 'auto' : options.header ? 'yes' : 'no';
  const columnOptions = layout.columns.map((name, k) => [String(k), `${k + 1}: ${name}`]);
  fillSelect(ui.optUser, [['auto', `detect (${found}: ${columnName(detected.userColumn)})`], ...columnOptions],
    options.userColumn === undefined ? 'auto' : String(options.userColumn));
  fillSelect(ui.optItem, [['auto', `detect (${found}: ${columnName(detected.itemColumn)})`], ...columnOptions],
    options.itemColumn === undefined ? 'auto' : String(options.itemColumn));
  fillSelect(ui.optRating, [['auto', `detect (${found}: ${detected.ratingColumn >= 0 ? columnName(detected.ratingColumn) : 'none, implicit'})`],
    ...columnOptions, ['none', 'none: implicit feedback']],
  options.ratingColumn === undefined ? 'auto' : options.ratingColumn === 'none' ? 'none' : String(options.ratingColumn));
  ui.skipBadRows.checked = Boolean(options.skipBadRows);

  const shownRows = layout.rows.slice(0, 8);
  const roles = new Map([[layout.user, 'user'], [layout.item, 'item'], [layout.rating, 'rating']]);
  const headRow = el('tr', {}, el('th', { text: 'line', attrs: { scope: 'col' } }));
  layout.columns.forEach((name, k) => {
    const role = roles.get(k);
    headRow.append(el('th', { attrs: { scope: 'col', 'data-role': role } }, el('span', { text: name }),
      role ? el('span', { className: 'role', text: role }) : null));
  });
  const body = shownRows.map(({ line, fields }) => el('tr', { attrs: { 'data-line': line } },
    el('td', { className: 'line-number', text: String(line) }),
    ...layout.columns.map((_, k) => el('td', { text: fields[k] ?? '', attrs: { 'data-role': roles.get(k) } }))));
  ui.previewTable.replaceChildren(
    el('caption', { className: 'visually-hidden', text: `First ${shownRows.length} rows of ${source}` }),
    el('thead', {}, headRow), el('tbody', {}, ...body));
  const notes = [`${formatBytes(head.size)}`, head.encoding === 'latin-1' ? 'latin-1 text' : 'UTF-8 text',
    `${delimiterName(layout.delimiter)}-separated`, layout.header ? 'with a header row' : 'no header row'];
  ui.previewNote.textContent = `${notes.join(', ')}. Change a setting below if it is wrong, then read again.`;
  ui.reread.classList.remove('attention');
}

function markPreviewLine(line) {
  const row = ui.previewTable.querySelector(`tr[data-line="${line}"]`);
  if (row) row.classList.add('bad-row');
}

// ---------------------------------------------------------------------------------------------
// Reading data.

/**
 * Reads ratings (a File, or text) in the worker with progress, shows them, then trains. The
 * previous dataset stays until the new one has been read.
 */
async function loadRatings(input, { source, sample = false, userGroups = null, readOptions = {} }) {
  const signal = startJob('read');
  clearError();
  state.pendingSource = source;
  try {
    const head = await headOf(input);
    // The preview keeps the chosen file even when reading it fails, so its settings can be fixed.
    if (!sample) {
      state.previewHead = { head, source, input };
      renderPreview(head, source, readOptions);
    }
    if (typeof input !== 'string') {
      const check = memoryCheck(input.size, head.text, { limit: memoryLimit });
      if (!check.ok) {
        throw new PageError(`${source} is ${formatBytes(input.size)}, about ${formatCount(check.rows)} ratings: reading it would need about `
          + `${formatBytes(check.needed)} of WebAssembly memory, more than the ${formatBytes(memoryLimit * 0.75)} this page can use `
          + `(a WebAssembly module is limited to ${formatBytes(memoryLimit)}, and the model needs room too). Use a sample of the file, `
          + 'or the native command-line tool (cofi), which has no such limit.');
      }
    }
    showProgress(`Reading ${source}…`, typeof input === 'string' ? null : 0);
    setStatus(`Reading ${source}…`);
    const ratings = await state.cofi.readRatings(input, {
      ...readOptions, source, signal,
      onProgress: (p) => {
        if (p.phase === 'reading') showProgress(`Reading ${source}: ${formatBytes(p.loaded)} of ${formatBytes(p.total)}`, p.loaded / p.total);
        else showProgress(`Parsing ${source}…`, null);
      },
    });
    if (ratings.numRatings === 0) {
      ratings.dispose();
      throw new ParseError(`${source}: no ratings found`, { source });
    }
    performance.mark('cofi:read-done');
    const [userIds, itemIds] = await Promise.all([ratings.userIds(), ratings.itemIds()]);
    // The new dataset replaces the old one, and with it the old model and split.
    disposeModel();
    state.data?.ratings.dispose();
    state.version += 1;
    state.data = { ratings, source, sample, input, readOptions, head, userIds, userSet: new Set(userIds), itemIds, counts: null, userGroups, version: state.version };
    state.mine.clear();
    if (!sample) renderPreview(head, source, readOptions, ratings.report);
    else ui.preview.hidden = true;
    document.body.dataset.source = source;
    if (!state.algorithmChosen) selectAlgorithm(ratings.implicit ? DEFAULT_IMPLICIT : DEFAULT_EXPLICIT);
    renderSummary();
    fillUsers();
    clearExplore();
    clearEvaluation();
    renderCatalogue();
  } finally {
    endJob(signal);
  }
  await train();
  // Histograms last: they are about the data, and the first recommendations come first.
  await renderHistograms();
}

async function loadItems(input, { source, sample = false }) {
  clearError();
  setStatus(`Reading ${source}…`);
  showProgress(`Reading ${source}…`, null);
  const remote = await state.cofi.readItems(input, { source });
  const ids = await remote.ids();
  const titleList = await remote.titles(ids);
  const titles = new Map();
  ids.forEach((id, k) => { if (titleList[k] !== null) titles.set(id, titleList[k]); });
  // Genres: a column named so (sample, movies.csv), or MovieLens 100k's 19 flag columns.
  let genres = genreColumn(remote.columns);
  if (genres === null && !remote.header && ids.length && genreFlags(await remote.fields(ids[0]))) genres = 'flags';
  state.items?.remote.dispose();
  state.items = { remote, source, sample, titles, genres, tags: new Map() };
  renderSummary();
}

function dropSampleItems() {
  if (state.items?.sample) {
    state.items.remote.dispose();
    state.items = null;
  }
}

async function loadSample() {
  const sample = generateSampleData();
  dropSampleItems();
  await loadItems(sample.itemsCsv, { source: 'sample-items.csv', sample: true });
  await loadRatings(sample.ratingsCsv, { source: 'sample-ratings.csv', sample: true, userGroups: sample.userGroups });
  ui.ratingsFile.value = '';
  ui.itemsFile.value = '';
}

// ---------------------------------------------------------------------------------------------
// The model: parameters, training with progress, evaluation.

function selectAlgorithm(name) {
  if (!state.algorithms.includes(name)) return;
  ui.algorithm.value = name;
  renderParams();
}

function renderParams() {
  const algorithm = ui.algorithm.value;
  const fields = (PARAMS[algorithm] ?? []).map((p) => {
    const id = `param-${p.name}`;
    let control;
    if (p.type === 'select') {
      control = el('select', { attrs: { id, 'data-param': p.name, 'data-type': p.type } },
        ...p.options.map(([v, label]) => el('option', { text: label, attrs: { value: v } })));
      control.value = p.value;
    } else {
      control = el('input', {
        attrs: {
          id, type: 'number', 'data-param': p.name, 'data-type': p.type, value: String(p.value), min: String(p.min),
          step: p.type === 'int' ? '1' : 'any', required: '', inputmode: p.type === 'int' ? 'numeric' : 'decimal',
        },
      });
    }
    return el('div', { className: 'field' }, el('label', { text: p.label, attrs: { for: id } }), control);
  });
  ui.params.replaceChildren(...fields);
  ui.algorithmNote.textContent = fields.length ? 'Change a parameter, then press Train (or Enter).'
    : `${algorithm} has no parameters to set here; it trains with its defaults.`;
}

function paramsFromForm() {
  const params = {};
  for (const control of ui.params.querySelectorAll('[data-param]')) {
    const label = control.closest('.field').querySelector('label').textContent;
    if (control.dataset.type === 'select') {
      params[control.dataset.param] = control.value === 'true' ? true : control.value === 'false' ? false : control.value;
      continue;
    }
    const value = Number(control.value);
    if (control.value.trim() === '' || !control.checkValidity() || !Number.isFinite(value)) {
      control.focus();
      throw new PageError(`${label} must be ${control.dataset.type === 'int' ? 'a whole number' : 'a number'} of at least ${control.min}.`);
    }
    params[control.dataset.param] = value;
  }
  return params;
}

function disposeModel() {
  state.model?.remote.dispose();
  state.model = null;
  state.split?.train.dispose();
  state.split?.test.dispose();
  state.split = null;
}

/** Trains the chosen algorithm on the current data (80% of it with the hold-out). */
async function train() {
  const data = state.data;
  if (!data) return;
  const algorithm = ui.algorithm.value;
  const params = paramsFromForm();
  const holdout = ui.holdout.checked;
  const signal = startJob('train');
  let model = null;
  let split = null;
  try {
    setStatus(`Training ${algorithm} on ${formatCount(data.ratings.numRatings)} ratings…`);
    showProgress(`Training ${algorithm}…`, 0);
    model = await state.cofi.createModel(algorithm, params);
    if (holdout) split = await data.ratings.split({ testFraction: HOLDOUT, seed: SPLIT_SEED });
    const curve = [];
    let drawPending = false;
    clearEvaluation();
    ui.evalNote.textContent = `Training ${algorithm}…`;
    performance.mark('cofi:fit-start');
    const seconds = await model.fit(holdout ? split.train : data.ratings, {
      validation: split?.test,
      signal,
      onProgress: (report) => {
        curve.push(report);
        // Epochs can arrive far faster than frames: draw the latest once per frame.
        if (drawPending) return;
        drawPending = true;
        requestAnimationFrame(() => {
          drawPending = false;
          const last = curve.at(-1);
          const parts = [`Epoch ${last.epoch} of ${last.epochs}`];
          if (last.loss !== null) parts.push(`loss ${last.loss.toPrecision(4)}`);
          if (last.validationRmse !== null) parts.push(`validation RMSE ${last.validationRmse.toFixed(4)}`);
          if (!signal.aborted) showProgress(`Training ${algorithm}: ${parts.join(', ')}`, last.epoch / last.epochs);
          renderCurve(curve, last.epochs);
        });
      },
    });
    performance.mark('cofi:fit-done');
    if (state.data !== data) throw new DOMException('superseded', 'AbortError');
    disposeModel();
    state.model = { remote: model, algorithm, params, seconds, version: data.version, holdout, curve };
    state.split = split;
    model = null;
    split = null;
  } catch (error) {
    model?.dispose();
    split?.train.dispose();
    split?.test.dispose();
    if (isAbort(error) && error.message !== 'superseded') {
      const kept = state.model && state.model.version === data.version;
      setStatus(`Training cancelled. ${kept ? `Still showing the previous ${state.model.algorithm} model.` : 'No model for this data yet: press Train.'}`);
      ui.evalNote.textContent = 'Training was cancelled.';
      if (!kept) clearExplore();
      else renderEvaluation();
    }
    throw error;
  } finally {
    endJob(signal);
  }
  hideProgress();
  const user = state.user && data.userSet.has(state.user) ? state.user : defaultUser();
  ui.user.value = user;
  await renderUser(user);
  enableModelActions();
  updateStatus();
  await refreshForMe();
  await evaluate();
}

async function evaluate() {
  const { model, split } = state;
  if (!model || !split) {
    renderEvaluation();
    return;
  }
  showProgress('Scoring the held-out ratings…', null);
  const [accuracy, ranking] = await Promise.all([model.remote.evaluate(split.test), model.remote.rank(split.test, { k: 10 })]);
  if (state.model !== model) return;
  model.metrics = { accuracy, ranking };
  renderEvaluation();
}

// ---------------------------------------------------------------------------------------------
// Rendering: summary, evaluation, charts.

function renderSummary() {
  const rows = [];
  const data = state.data;
  if (data) {
    const { report } = data.ratings;
    const s = data.ratings.summary();
    rows.push(['Ratings file', data.sample ? 'generated sample (invented films and people)' : data.source]);
    rows.push(['Ratings', s.implicit ? `${formatCount(s.ratings)} (implicit: no rating column)`
      : `${formatCount(s.ratings)}, from ${s.ratingMin} to ${s.ratingMax}, mean ${s.mean.toFixed(2)}`]);
    rows.push(['Users', formatCount(s.users)]);
    rows.push(['Items', formatCount(s.items)]);
    if (s.duplicates) rows.push(['Duplicates', `${formatCount(s.duplicates)} repeated user and item pairs (the last rating counts)`]);
    rows.push(['Delimiter', delimiterName(report.delimiter)]);
    rows.push(['Header', report.header ? `yes: ${(report.headerNames ?? []).join(', ')}` : 'no']);
    const columnName = (k) => (k < 0 ? '–' : report.header && report.headerNames?.[k] ? `“${report.headerNames[k]}”` : `column ${k + 1}`);
    rows.push(['Columns', `user ${columnName(report.userColumn)}, item ${columnName(report.itemColumn)}`
      + (s.implicit ? '' : `, rating ${columnName(report.ratingColumn)}`)]);
    if (report.encoding !== 'utf-8') rows.push(['Encoding', report.encoding]);
    if (report.skipped) rows.push(['Skipped rows', formatCount(report.skipped)]);
  }
  if (state.items) {
    const { remote, sample, source, genres } = state.items;
    const genreText = genres === 'flags' ? '; genres from the 19 MovieLens flag columns'
      : typeof genres === 'number' ? `; genres from “${remote.columns[genres]}”` : '';
    rows.push(['Items file', `${sample ? 'generated sample' : source}: ${formatCount(remote.size)} items, titles from column ${remote.titleColumn + 1}`
      + `${remote.encoding === 'latin-1' ? ' (latin-1)' : ''}${genreText}`]);
  } else {
    rows.push(['Items file', 'none (ids are shown instead of titles)']);
  }
  if (state.model) {
    const m = state.model;
    const detail = Object.keys(m.params ?? {}).length ? ` (${Object.entries(m.params).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
    rows.push(['Model', m.loadedFrom ? `${m.algorithm}, loaded from ${m.loadedFrom}`
      : `${m.algorithm}${detail}, trained in ${formatSeconds(m.seconds)} on ${m.holdout ? '80% of the ratings' : 'all the ratings'}`]);
  }
  ui.summary.replaceChildren(...rows.map(([term, description]) => el('div', { className: 'summary-row' },
    el('dt', { text: term }), el('dd', { text: description }))));

  ui.warnings.replaceChildren();
  const report = data?.ratings.report;
  const skipped = report?.skippedErrors ?? [];
  for (const message of skipped.slice(0, 5)) ui.warnings.append(el('li', { text: `Skipped ${message}` }));
  if (report && report.skipped > Math.min(5, skipped.length)) {
    ui.warnings.append(el('li', { text: `…and ${formatCount(report.skipped - Math.min(5, skipped.length))} more skipped rows` }));
  }
  ui.warnings.hidden = ui.warnings.childElementCount === 0;
}

function clearEvaluation() {
  ui.metrics.replaceChildren();
  ui.chartLoss.replaceChildren();
  ui.chartRmse.replaceChildren();
  ui.evalNote.textContent = '';
}

function renderCurve(curve, epochs) {
  const loss = curve.map((r) => ({ x: r.epoch, y: r.loss }));
  const rmse = curve.map((r) => ({ x: r.epoch, y: r.validationRmse }));
  ui.chartLoss.replaceChildren(lineChart({ points: loss, label: 'Training loss per epoch', xLabel: 'epoch', xMax: epochs, className: 'series-a' }));
  ui.chartRmse.replaceChildren(lineChart({ points: rmse, label: 'Validation RMSE per epoch', xLabel: 'epoch', xMax: epochs, className: 'series-b' }));
}

function renderEvaluation() {
  const m = state.model;
  ui.metrics.replaceChildren();
  if (!m) return;
  if (m.curve) renderCurve(m.curve, m.curve.at(-1)?.epochs ?? 1);
  const notes = [];
  if (m.loadedFrom) notes.push(`A model loaded from ${m.loadedFrom}: it comes without an evaluation.`);
  else if (!m.holdout) notes.push('Trained on all the ratings: nothing was held out to score it.');
  else notes.push(`The model learnt from 80% of the ratings; these scores are on the other 20% (${formatCount(state.split.test.numRatings)} ratings, seed ${SPLIT_SEED}).`);
  if (m.curve && m.curve.length <= 1 && !m.loadedFrom) notes.push(`${m.algorithm} is fitted in one step, so its curve is a single point.`);
  ui.evalNote.textContent = notes.join(' ');
  if (!m.metrics) return;
  const { accuracy, ranking } = m.metrics;
  const rows = [
    ['RMSE', accuracy.rmse.toFixed(4), 'root mean squared error of the predicted ratings (lower is better)'],
    ['MAE', accuracy.mae.toFixed(4), 'mean absolute error (lower is better)'],
    ['Precision@10', ranking.precision.toFixed(4), 'share of the top 10 that the user rated 4 or more in the held-out part'],
    ['Recall@10', ranking.recall.toFixed(4), 'share of the user\'s held-out favourites found in the top 10'],
    ['NDCG@10', ranking.ndcg.toFixed(4), 'ranking quality of the top 10, 1 is ideal'],
  ];
  ui.metrics.replaceChildren(...rows.map(([term, value, help]) => el('div', { className: 'metric', attrs: { title: help } },
    el('dt', { text: term }), el('dd', { text: value }))));
  if (accuracy.fallbacks) {
    ui.evalNote.textContent += ` ${formatCount(accuracy.fallbacks)} of ${formatCount(accuracy.predictions)} predictions fell back (the model knew too little).`;
  }
}

async function renderHistograms() {
  const data = state.data;
  if (!data) return;
  data.counts ??= await data.ratings.counts();
  if (state.data !== data) return;
  const { perUser, perItem, values, valueCounts } = data.counts;
  ui.histRatings.replaceChildren(barChart({ bins: ratingBins(values, valueCounts), label: 'Ratings by value', xLabel: data.ratings.implicit ? 'implicit (all 1)' : 'rating' }));
  ui.histUsers.replaceChildren(barChart({ bins: powerOfTwoBins(perUser), label: 'Users by number of ratings', xLabel: 'ratings per user (1, 2–3, 4–7, …)' }));
  ui.histItems.replaceChildren(barChart({ bins: powerOfTwoBins(perItem), label: 'Items by number of ratings', xLabel: 'ratings per item (1, 2–3, 4–7, …)' }));
  // The catalogue search ranks matches by popularity, now known.
  catalogue.forEach((entry) => { entry.count = perItem[entry.order] ?? 0; });
  renderSearch();
}

function updateStatus() {
  const { data, model } = state;
  if (!data || !model) return;
  const skipped = data.ratings.report.skipped ? `; ${formatCount(data.ratings.report.skipped)} malformed rows skipped (see Data)` : '';
  setStatus(`Showing ${data.sample ? 'the sample data' : data.source} (${formatCount(data.ratings.numRatings)} ratings, `
    + `${formatCount(data.ratings.numUsers)} users, ${formatCount(data.ratings.numItems)} items${skipped}): `
    + (model.loadedFrom ? `${model.algorithm} loaded from ${model.loadedFrom}.` : `${model.algorithm} trained in ${formatSeconds(model.seconds)}.`));
  renderSummary();
}

// ---------------------------------------------------------------------------------------------
// Explore: one user's recommendations (with reasons), their ratings, similar items.

function fillUsers() {
  const { userIds, userGroups, ratings } = state.data;
  const shown = userIds.slice(0, MAX_USER_OPTIONS);
  ui.userIds.replaceChildren(...shown.map((id) => el('option', { attrs: { value: id, label: userGroups?.[id] } })));
  ui.userHint.textContent = ratings.numUsers > shown.length
    ? `${formatCount(ratings.numUsers)} users; the list offers the first ${formatCount(shown.length)}, any id can be typed.`
    : `${formatCount(ratings.numUsers)} users.`;
  ui.user.disabled = false;
  ui.showUser.disabled = false;
}

function defaultUser() {
  return state.data.userIds[0];
}

function clearExplore() {
  for (const list of [ui.recommendations, ui.rated, ui.similar]) list.replaceChildren();
  ui.recommendationsNote.textContent = '';
  ui.ratedNote.textContent = '';
  ui.similarSection.hidden = true;
}

let renderToken = 0;
async function renderUser(user) {
  const token = ++renderToken;
  const { data, model } = state;
  if (!data || !model) return;
  state.user = user;
  const known = data.userSet.has(user);
  const group = data.userGroups?.[user];
  const rated = known ? await data.ratings.userRatings(user) : null;
  const result = await model.remote.recommend(user, { n: TOP_N, exclude: rated?.items ?? [] });
  if (token !== renderToken) return;
  const scale = data.ratings.ratingMax;
  // Popularity (and an unknown user's fallback) scores by number of ratings: whole numbers above the scale.
  const byCount = model.algorithm === 'popular' || !result.known
    || (result.items.length > 0 && result.items.every(({ score }) => Number.isInteger(score) && score > scale));
  ui.recommendationsHeading.textContent = `Recommended for ${user}`;
  const notes = [];
  if (!known) notes.push(`${user} is not in the ratings, so these are the most rated items.`);
  else if (group) notes.push(`Planted taste in the sample: ${group}.`);
  if (known && result.items.length === 0) notes.push(`${model.algorithm} could not score any item ${user} has not rated.`);
  ui.recommendationsNote.textContent = notes.join(' ');
  const nodes = result.items.map(({ item, score }) => itemNode(item, {
    scoreLabel: byCount ? `${formatCount(score)} ratings` : formatScore(score),
    scoreTitle: byCount ? 'number of ratings' : 'predicted score',
    clickable: true,
  }));
  ui.recommendations.replaceChildren(...nodes);
  if (state.firstRecommendationsPending) {
    state.firstRecommendationsPending = false;
    performance.mark('cofi:first-recommendations');
  }

  // What they rated, highest first.
  ui.ratedHeading.textContent = `Rated by ${user}`;
  if (rated) {
    const order = rated.items.map((item, k) => ({ item, rating: rated.ratings[k], k }));
    order.sort((a, b) => b.rating - a.rating || a.k - b.k);
    const shown = order.slice(0, TOP_N);
    ui.ratedNote.textContent = `Highest ${shown.length} of ${formatCount(order.length)} ratings.`;
    ui.rated.replaceChildren(...shown.map(({ item, rating }) => itemNode(item, {
      scoreLabel: data.ratings.implicit ? '✓' : `★ ${rating}`, scoreTitle: `${user}'s rating`,
    })));
  } else {
    ui.ratedNote.textContent = `${user} has no ratings in this file.`;
    ui.rated.replaceChildren();
  }
  ui.similarSection.hidden = true;

  // "Because you rated …": the user's rated items behind each score, filled in as they arrive.
  if (known && !byCount) {
    const ownRating = new Map(rated.items.map((item, k) => [item, rated.ratings[k]]));
    await Promise.all(result.items.map(async ({ item }, k) => {
      let reasons = [];
      try {
        reasons = await model.remote.explain(user, item, { n: 2 });
      } catch {
        return; // a model that cannot explain this item: no line
      }
      if (token !== renderToken || reasons.length === 0) return;
      // With the user's own rating: a low one explains as much as a high one (a disliked
      // item whose opposite is recommended).
      const names = reasons.map((r) => `${titleOf(r.item) ?? r.item}${data.ratings.implicit ? '' : ` (★ ${ownRating.get(r.item)})`}`);
      nodes[k].querySelector('.item-body').append(el('span', { className: 'because', text: `Because ${user} rated ${names.join(' and ')}` }));
    }));
  }
}

async function renderSimilar(item) {
  const list = await state.model.remote.similarItems(item, { n: TOP_N });
  ui.similarHeading.textContent = `Similar to ${titleOf(item) ?? item}`;
  ui.similarNote.textContent = list.length ? 'By how alike their ratings are.' : 'No item shares enough raters with this one.';
  ui.similar.replaceChildren(...list.map(({ item: other, score }) => itemNode(other, { scoreLabel: formatScore(score), scoreTitle: 'similarity', clickable: true })));
  ui.similarSection.hidden = false;
  ui.similarSection.scrollIntoView({ block: 'nearest' });
  ui.similarHeading.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// Be the user: search the catalogue, rate, get recommendations at once (fold-in, no retraining).

let catalogue = []; // [{ id, title, search, count }], most rated first

function renderCatalogue() {
  const { itemIds, counts } = state.data;
  catalogue = itemIds.map((id, k) => {
    const title = titleOf(id);
    return { id, title, search: `${title ?? ''} ${id}`.toLowerCase(), count: counts?.perItem[k] ?? 0, order: k };
  });
  ui.catalogueSearch.disabled = false;
  renderSearch();
  renderMine();
}

function starValues() {
  const { ratingMin, ratingMax } = state.data.ratings;
  // 1..5 stars when the data's scale holds them; otherwise five steps across its scale.
  if (ratingMin <= 1 && ratingMax >= 5) return [1, 2, 3, 4, 5];
  return [0, 1, 2, 3, 4].map((k) => Number((ratingMin + (k * (ratingMax - ratingMin)) / 4).toPrecision(3)));
}

function rateControl(id, title) {
  const group = el('span', { className: 'stars', attrs: { role: 'group', 'aria-label': `Rate ${title}` } });
  if (state.data.ratings.implicit) {
    const liked = state.mine.has(id);
    group.append(el('button', { className: 'star', text: liked ? '♥ Liked' : '♡ Like', attrs: { type: 'button', 'data-rate': '1', 'aria-pressed': String(liked) } }));
    return group;
  }
  const current = state.mine.get(id);
  starValues().forEach((value, k) => {
    group.append(el('button', {
      className: 'star', text: current !== undefined && current >= value ? '★' : '☆',
      attrs: { type: 'button', 'data-rate': String(value), 'aria-pressed': String(current === value), 'aria-label': `${k + 1} star${k ? 's' : ''} (${value})` },
    }));
  });
  return group;
}

function renderSearch() {
  const query = ui.catalogueSearch.value.trim().toLowerCase();
  let matches;
  if (!query) {
    matches = [...catalogue].sort((a, b) => b.count - a.count || a.order - b.order).slice(0, SEARCH_RESULTS);
  } else {
    matches = catalogue.filter((entry) => entry.search.includes(query));
    matches.sort((a, b) => b.count - a.count || a.order - b.order);
    matches = matches.slice(0, SEARCH_RESULTS);
  }
  ui.searchResults.replaceChildren(...matches.map(({ id, title, count }) => {
    const li = itemNode(id, { scoreLabel: `${formatCount(count)} ratings`, scoreTitle: 'number of ratings' });
    li.querySelector('.item-body').append(rateControl(id, title ?? id));
    return li;
  }));
  if (matches.length === 0) ui.searchResults.append(el('li', { className: 'empty', text: 'No item matches.' }));
}

function renderMine() {
  ui.mine.replaceChildren(...[...state.mine].map(([id, value]) => {
    const li = itemNode(id, { scoreLabel: state.data.ratings.implicit ? '♥' : `★ ${value}`, scoreTitle: 'your rating' });
    li.querySelector('.item-body').append(el('button', {
      className: 'remove', text: 'Remove', attrs: { type: 'button', 'data-remove': id, 'aria-label': `Remove your rating of ${titleOf(id) ?? id}` },
    }));
    return li;
  }));
  ui.mineNote.textContent = state.mine.size ? `${state.mine.size} rated.` : 'None yet: search above and rate a few.';
  ui.clearMine.hidden = state.mine.size === 0;
}

let forMeToken = 0;
async function refreshForMe() {
  const model = state.model;
  const token = ++forMeToken;
  if (!model) return;
  let items;
  if (state.mine.size === 0) {
    items = await model.remote.popular({ n: TOP_N });
    if (token !== forMeToken) return;
    ui.forMeNote.textContent = 'You have not rated anything yet: here are the most rated items.';
  } else {
    const result = await model.remote.recommendFor(Object.fromEntries(state.mine), { n: TOP_N });
    if (token !== forMeToken) return;
    items = result.items;
    const unknown = result.unknownItems.length ? ` (${result.unknownItems.length} of your items are unknown to this model)` : '';
    ui.forMeNote.textContent = `From your ${state.mine.size} rating${state.mine.size > 1 ? 's' : ''}, without retraining${unknown}.`;
  }
  const byCount = state.mine.size === 0;
  ui.forMe.replaceChildren(...items.map(({ item, score }) => itemNode(item, {
    scoreLabel: byCount ? `${formatCount(score)} ratings` : formatScore(score),
    scoreTitle: byCount ? 'number of ratings' : 'predicted score',
    clickable: true,
  })));
  document.body.dataset.forMe = String(state.mine.size);
}

ui.catalogueSearch.addEventListener('input', () => renderSearch());
ui.searchResults.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-rate]');
  if (!button) return;
  const id = button.closest('li').dataset.item;
  const value = Number(button.dataset.rate);
  // Pressing the current rating again takes it back.
  if (state.mine.get(id) === value) state.mine.delete(id);
  else state.mine.set(id, value);
  const focusIndex = [...button.parentNode.children].indexOf(button);
  renderSearch();
  ui.searchResults.querySelector(`li[data-item="${CSS.escape(id)}"] .stars`)?.children[focusIndex]?.focus();
  renderMine();
  enqueue(refreshForMe);
});
ui.mine.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-remove]');
  if (!button) return;
  state.mine.delete(button.dataset.remove);
  renderMine();
  renderSearch();
  ui.catalogueSearch.focus();
  enqueue(refreshForMe);
});
ui.clearMine.addEventListener('click', () => {
  state.mine.clear();
  renderMine();
  renderSearch();
  ui.catalogueSearch.focus();
  enqueue(refreshForMe);
});

// ---------------------------------------------------------------------------------------------
// Keep: download and load models, export every user's top-N.

// The algorithms a compact model can be made from (they serve new people from item factors alone).
const COMPACT_SOURCES = new Set(['svd', 'als', 'ials', 'imported-als']);

function enableModelActions() {
  ui.downloadModel.disabled = !state.model;
  ui.downloadCompact.disabled = !state.model || !COMPACT_SOURCES.has(state.model.algorithm);
  ui.exportCsv.disabled = !state.model || !state.data;
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { attrs: { href: url, download: name } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

ui.downloadModel.addEventListener('click', () => enqueue(async () => {
  const { remote, algorithm } = state.model;
  const bytes = await remote.save();
  download(new Blob([bytes], { type: 'application/octet-stream' }), `cofi-${algorithm}.cofi`);
  ui.keepNote.textContent = `Saved cofi-${algorithm}.cofi (${formatBytes(bytes.length)}): load it here again, or serve it with the embed template.`;
}));

ui.downloadCompact.addEventListener('click', () => enqueue(async () => {
  const { remote, algorithm } = state.model;
  const compact = await remote.compact({ encoding: 'int8' });
  try {
    const [bytes, full] = await Promise.all([compact.save(), remote.save()]);
    download(new Blob([bytes], { type: 'application/octet-stream' }), `cofi-${algorithm}-compact.cofi`);
    ui.keepNote.textContent = `Saved cofi-${algorithm}-compact.cofi (${formatBytes(bytes.length)}, ` +
      `${(full.length / bytes.length).toFixed(1)}× smaller than the full model): it holds no one's ratings and ` +
      'recommends to visitors from their own ratings (the embed template\'s ?rate=).';
  } finally {
    compact.dispose();
  }
}));

ui.modelFile.addEventListener('change', () => {
  const file = ui.modelFile.files?.[0];
  if (!file) return;
  enqueue(async () => {
    clearError();
    showProgress(`Loading ${file.name}…`, null);
    let remote;
    try {
      remote = await state.cofi.loadModel(file, { source: file.name });
    } catch (error) {
      showError(error);
      setStatus('The model file was not loaded; the current model stays.');
      return;
    }
    disposeModel();
    state.model = { remote, algorithm: remote.algorithm, params: {}, seconds: 0, version: state.data?.version, holdout: false, loadedFrom: file.name, curve: null };
    clearEvaluation();
    renderEvaluation();
    enableModelActions();
    updateStatus();
    ui.keepNote.textContent = remote.algorithm === 'compact'
      ? `Loaded ${file.name}: a compact model. It knows no users; "Be the user" recommends from your ratings.`
      : `Loaded ${file.name}: a ${remote.algorithm} model. It answers from the ratings it was trained on.`;
    if (state.data) await renderUser(state.user ?? defaultUser());
    await refreshForMe();
  });
});

ui.exportCsv.addEventListener('click', () => enqueue(async () => {
  const n = Number(ui.exportN.value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    ui.exportN.focus();
    throw new PageError('Top-N must be a whole number from 1 to 1,000.');
  }
  const { data, model } = state;
  const signal = startJob('export');
  const rows = ['user,rank,item,score,title'];
  try {
    for (let start = 0; start < data.userIds.length; start += EXPORT_BATCH) {
      signal.throwIfAborted();
      const batch = data.userIds.slice(start, start + EXPORT_BATCH);
      showProgress(`Exporting top ${n}: ${formatCount(start)} of ${formatCount(data.userIds.length)} users`, start / data.userIds.length);
      // One batch of calls at a time: the worker answers them in order while the page stays free.
      const results = await Promise.all(batch.map(async (user) => {
        const rated = await data.ratings.userRatings(user);
        return model.remote.recommend(user, { n, exclude: rated.items });
      }));
      batch.forEach((user, b) => results[b].items.forEach(({ item, score }, k) => {
        rows.push([user, k + 1, item, Number(score.toPrecision(6)), titleOf(item) ?? ''].map(csvField).join(','));
      }));
    }
  } catch (error) {
    if (isAbort(error)) setStatus('Export cancelled.');
    throw error;
  } finally {
    endJob(signal);
  }
  const name = `top-${n}-per-user.csv`;
  download(new Blob([`${rows.join('\n')}\n`], { type: 'text/csv' }), name);
  ui.keepNote.textContent = `Exported ${name}: ${formatCount(rows.length - 1)} rows for ${formatCount(data.userIds.length)} users.`;
}));

// ---------------------------------------------------------------------------------------------
// Bringing data: file inputs, drop, paste, the sample, the preview's settings.

function chooseRatings(input, source, readOptions = {}) {
  state.job?.controller.abort(new DOMException('superseded', 'AbortError')); // a newer file wins
  state.firstRecommendationsPending = true;
  enqueue(async () => {
    try {
      await loadRatings(input, { source, readOptions });
      if (state.items?.sample) {
        dropSampleItems();
        renderSummary();
      }
    } catch (error) {
      if (isAbort(error)) {
        if (error.message !== 'superseded' && !state.model) setStatus('Reading cancelled.');
        else if (error.message !== 'superseded' && state.data?.source !== source) setStatus(`Reading cancelled; still showing ${state.data?.sample ? 'the sample data' : state.data?.source}.`);
        throw error;
      }
      showError(error);
      setStatus(state.data && state.data.source !== source
        ? `Still showing ${state.data.sample ? 'the sample data' : state.data.source}.` : 'The file could not be used.');
    }
  });
}

function chooseItems(file) {
  enqueue(async () => {
    try {
      await loadItems(file, { source: file.name });
    } catch (error) {
      showError(error);
      setStatus('The items file was not loaded; titles are unchanged.');
      return;
    }
    setStatus(`Titles from ${file.name}.`);
    if (state.data) renderCatalogue();
    if (state.model && state.user) await renderUser(state.user);
    if (state.model) await refreshForMe();
    updateStatus();
  });
}

ui.ratingsFile.addEventListener('change', () => {
  const file = ui.ratingsFile.files?.[0];
  if (!file) return;
  performance.clearMarks();
  performance.mark('cofi:file-chosen');
  chooseRatings(file, file.name);
});

ui.itemsFile.addEventListener('change', () => {
  const file = ui.itemsFile.files?.[0];
  if (file) chooseItems(file);
});

ui.useSample.addEventListener('click', () => {
  state.job?.controller.abort(new DOMException('superseded', 'AbortError'));
  enqueue(async () => {
    clearError();
    await loadSample();
  });
});

ui.usePaste.addEventListener('click', () => {
  const text = ui.pasteText.value;
  if (!text.trim()) {
    showError(new PageError('Paste some ratings first: one “user, item, rating” per line.'));
    ui.pasteText.focus();
    return;
  }
  chooseRatings(text, 'pasted text');
});

// An items file is told apart from a ratings file by its name.
const looksLikeItems = (name) => /^u\.item$|^movies?\.(csv|dat|tsv|txt)$|items?\b|titles?\b|catalog/i.test(name);

const dropZone = ui.dropZone;
for (const type of ['dragenter', 'dragover']) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
}
dropZone.addEventListener('dragleave', (event) => {
  if (!dropZone.contains(event.relatedTarget)) dropZone.classList.remove('dragging');
});
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  const dropped = [...(event.dataTransfer?.files ?? [])];
  if (dropped.length === 0) return;
  const itemsFile = dropped.find((f) => looksLikeItems(f.name)) ?? null;
  const ratingsFile = dropped.find((f) => f !== itemsFile) ?? null;
  if (itemsFile) chooseItems(itemsFile);
  if (ratingsFile) {
    performance.clearMarks();
    performance.mark('cofi:file-chosen');
    chooseRatings(ratingsFile, ratingsFile.name);
  }
});
// A file dropped anywhere else must not make the browser leave the page to open it.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());

// The preview's settings: the table follows at once; reading again needs the button.
for (const control of [ui.optDelimiter, ui.optHeader, ui.optUser, ui.optItem, ui.optRating, ui.skipBadRows]) {
  control.addEventListener('change', () => {
    const preview = state.previewHead;
    if (!preview) return;
    renderPreview(preview.head, preview.source, readOptionsFromControls(), null);
    ui.reread.classList.add('attention');
  });
}

ui.readOptions.addEventListener('submit', (event) => {
  event.preventDefault();
  const preview = state.previewHead;
  if (preview) chooseRatings(preview.input, preview.source, readOptionsFromControls());
});

// ---------------------------------------------------------------------------------------------
// Model form, user form.

ui.algorithm.addEventListener('change', () => {
  state.algorithmChosen = true;
  renderParams();
  if (state.data) enqueue(train);
});

ui.modelForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (state.data) enqueue(train);
});

ui.holdout.addEventListener('change', () => {
  if (state.data) enqueue(train);
});

function showUserFromInput({ exactOnly }) {
  if (!state.model || !state.data) return;
  const user = ui.user.value.trim();
  if (!user || (exactOnly && !state.data.userSet.has(user)) || (exactOnly && user === state.user)) return;
  enqueue(() => renderUser(user));
}
// While typing, follow exact matches; Enter (or the button) shows anyone, known or not.
ui.user.addEventListener('input', () => showUserFromInput({ exactOnly: true }));
ui.userForm.addEventListener('submit', (event) => {
  event.preventDefault();
  showUserFromInput({ exactOnly: false });
});

function onItemClick(event) {
  const button = event.target.closest('button.item-title');
  if (!button) return;
  const item = button.closest('li')?.dataset.item;
  if (item && state.model) enqueue(() => renderSimilar(item));
}
ui.recommendations.addEventListener('click', onItemClick);
ui.similar.addEventListener('click', onItemClick);
ui.forMe.addEventListener('click', onItemClick);

// ---------------------------------------------------------------------------------------------
// Start: the worker, the algorithm list, the sample, and offline support.

enqueue(async () => {
  const started = performance.now();
  try {
    // 'auto': the multi-threaded core when the server sends COOP/COEP (COI=1 scripts/serve.mjs),
    // else the single-threaded one, silently (most static hosts cannot send those headers).
    state.cofi = await loadCofiWorker({ threads: 'auto' });
    state.algorithms = await state.cofi.algorithms();
  } catch (error) {
    showError(error, 'Could not start the WebAssembly core');
    setStatus('The recommender could not start.');
    return;
  }
  const first = [DEFAULT_EXPLICIT, DEFAULT_IMPLICIT];
  const ordered = [...first, ...Object.keys(ALGORITHM_LABELS).filter((a) => !first.includes(a)), ...state.algorithms]
    .filter((a, k, all) => state.algorithms.includes(a) && all.indexOf(a) === k);
  ui.algorithm.replaceChildren(...ordered.map((name) => el('option', {
    text: `${name}: ${ALGORITHM_LABELS[name] ?? ''}${name === DEFAULT_EXPLICIT ? ' (default for ratings)' : name === DEFAULT_IMPLICIT ? ' (default for implicit data)' : ''}`,
    attrs: { value: name },
  })));
  selectAlgorithm(DEFAULT_EXPLICIT);
  for (const control of [ui.ratingsFile, ui.itemsFile, ui.useSample, ui.usePaste, ui.algorithm, ui.train, ui.modelFile]) control.disabled = false;
  const loadMs = performance.now() - started;
  state.firstRecommendationsPending = true;
  await loadSample();
  ui.status.textContent += ` (WebAssembly core started in ${Math.round(loadMs)} ms.)`;
});

// Offline once loaded: a service worker keeps a copy of the page's own files (network first, so a
// rebuilt page is picked up at once). It never sees the visitor's files: those are not requests.
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('./sw.js').catch(() => { /* the page works without it, online */ });
}
