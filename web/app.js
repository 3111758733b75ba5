// The demo page: loads cofi's WebAssembly core, reads the sample (or the visitor's) ratings,
// fits a model and shows a user's top 10 next to what they rated highest.
// Every string that comes from a data file reaches the DOM through textContent only.
import { loadCofi, ParseError, CofiError } from './dist/index.js';
import { generateSampleData } from './sample-data.js';

const TOP_N = 10;
const MAX_USER_OPTIONS = 1000; // datalist entries; any user id can still be typed
const DEFAULT_ALGORITHM = 'knn-baseline';

const ALGORITHM_LABELS = {
  'knn-baseline': 'neighbours over baselines (default)',
  'knn-means': 'neighbours, mean-centred',
  'knn-zscore': 'neighbours, z-scores',
  'knn-basic': 'neighbours, plain',
  baseline: 'user and item biases',
  popular: 'most rated items',
  'global-mean': 'average rating',
  random: 'random, a sanity check',
  svd: 'matrix factorisation (SGD)',
  svdpp: 'SVD++, factors with implicit feedback',
  nmf: 'non-negative factorisation',
  'slope-one': 'Slope One',
  'co-clustering': 'co-clustering of users and items',
  als: 'alternating least squares',
  ials: 'implicit ALS, for top-N',
  bpr: 'Bayesian personalised ranking, for top-N',
  ease: 'EASE item-item, for top-N',
  bpmf: 'Bayesian matrix factorisation',
  blend: 'a blend of neighbour models',
};

const DELIMITER_NAMES = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe', ' ': 'space', '::': 'double colon' };

const $ = (id) => document.getElementById(id);
const ui = {
  ratingsFile: $('ratings-file'),
  itemsFile: $('items-file'),
  skipBadRows: $('skip-bad-rows'),
  useSample: $('use-sample'),
  algorithm: $('algorithm'),
  basedOn: $('based-on'),
  user: $('user'),
  userIds: $('user-ids'),
  userHint: $('user-hint'),
  status: $('status'),
  error: $('error'),
  summary: $('summary'),
  warnings: $('warnings'),
  recommendations: $('recommendations'),
  recommendationsHeading: $('recommendations-heading'),
  recommendationsNote: $('recommendations-note'),
  rated: $('rated'),
  ratedHeading: $('rated-heading'),
  ratedNote: $('rated-note'),
  similarSection: $('similar-section'),
  similar: $('similar'),
  similarHeading: $('similar-heading'),
  similarNote: $('similar-note'),
};

const state = {
  cofi: null,
  ratings: null, // { data: Ratings, source, sample: bool, userGroups? }
  items: null, // { data: Items, source, sample: bool, genreColumn }
  model: null, // { data: Model, algorithm, seconds }
  user: null,
};

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (text only).

function el(tag, { className, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

const formatCount = (n) => n.toLocaleString('en');
const formatSeconds = (seconds) => (seconds < 0.1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`);
const formatScore = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

function setStatus(text) {
  ui.status.textContent = text;
}

function showError(error, context) {
  let message;
  if (error instanceof CofiError) message = error.message;
  else message = `${context ? `${context}: ` : ''}${error?.message ?? String(error)}`;
  ui.error.replaceChildren(el('strong', { text: error instanceof ParseError ? 'Could not read the file. ' : 'Error. ' }),
    el('span', { className: 'error-message', text: message }));
  if (error instanceof ParseError && error.line && !ui.skipBadRows.checked) {
    ui.error.append(el('span', { className: 'error-hint', text: ' Tick “Skip malformed rows” to read the file without such lines.' }));
  }
  if (error instanceof ParseError && error.line) ui.error.dataset.line = String(error.line);
  else delete ui.error.dataset.line;
  ui.error.hidden = false;
}

function clearError() {
  ui.error.hidden = true;
  ui.error.replaceChildren();
  delete ui.error.dataset.line;
}

// Lets the browser paint the status line before a synchronous WebAssembly call blocks the thread.
function nextPaint() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 60);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
  });
}

// Runs page actions one after the other, so a slow file read cannot interleave with the next one.
let queue = Promise.resolve();
function enqueue(action) {
  const run = async () => {
    document.body.dataset.state = 'busy';
    try {
      await action();
      document.body.dataset.state = ui.error.hidden ? 'ready' : 'error';
    } catch (error) {
      showError(error);
      setStatus('Something went wrong; see the message above.');
      document.body.dataset.state = 'error';
    }
  };
  queue = queue.then(run, run);
  return queue;
}

// ---------------------------------------------------------------------------------------------
// Items: titles and genres.

function findGenreColumn(columns) {
  const index = columns.findIndex((name) => /genre|categor|tags?$/i.test(name));
  return index >= 0 ? index : null;
}

function describeItem(id) {
  const items = state.items?.data;
  const title = items?.title(id) ?? null;
  let tags = [];
  const fields = items?.fields(id) ?? null;
  if (fields) {
    if (state.items.genreColumn !== null) {
      tags = (fields[state.items.genreColumn] ?? '').split('|');
    } else {
      // No genre column: show a few short further columns, leaving out flags, numbers and links.
      tags = fields.filter((field, k) => k >= 2 && field !== title && field.length <= 40
        && !/^[-+]?[\d.]+$/.test(field.trim()) && !/^[a-z]+:\/\//i.test(field.trim()));
    }
    tags = tags.map((t) => t.trim()).filter(Boolean).slice(0, 3);
  }
  return { id, title, tags };
}

function itemNode(id, { score, scoreLabel, scoreTitle, clickable }) {
  const { title, tags } = describeItem(id);
  const titleText = title ?? id;
  const li = el('li', { attrs: { 'data-item': id } });
  const titleNode = clickable
    ? el('button', { className: 'item-title link', text: titleText, attrs: { type: 'button', title: 'Show similar items' } })
    : el('span', { className: 'item-title', text: titleText });
  if (!title) titleNode.classList.add('untitled');
  const meta = el('span', { className: 'item-meta' }, title ? el('span', { className: 'item-id', text: id }) : null);
  for (const tag of tags) meta.append(el('span', { className: 'tag', text: tag }));
  const body = el('span', { className: 'item-body' }, titleNode, meta);
  const scoreNode = el('span', { className: 'score', text: scoreLabel ?? formatScore(score), attrs: { title: scoreTitle } });
  li.append(body, scoreNode);
  return li;
}

// ---------------------------------------------------------------------------------------------
// Reading data.

async function readRatings(input, source, { sample = false, userGroups = null } = {}) {
  setStatus(`Reading ${source}…`);
  await nextPaint();
  const data = await state.cofi.readRatings(input, { source, skipBadRows: ui.skipBadRows.checked });
  if (data.numRatings === 0) {
    data.dispose();
    throw new ParseError(`${source}: no ratings found`, { source });
  }
  return { data, source, sample, userGroups };
}

// Makes `entry` the current dataset once a model has been trained on it.
async function useRatings(entry) {
  try {
    await fitModel(entry);
  } catch (error) {
    entry.data.dispose();
    throw error;
  }
  if (state.ratings !== entry) state.ratings?.data.dispose();
  state.ratings = entry;
}

async function readItems(input, source, { sample = false } = {}) {
  setStatus(`Reading ${source}…`);
  await nextPaint();
  const data = await state.cofi.readItems(input, { source });
  state.items?.data.dispose();
  state.items = { data, source, sample, genreColumn: findGenreColumn(data.columns) };
}

function dropSampleItems() {
  if (state.items?.sample) {
    state.items.data.dispose();
    state.items = null;
  }
}

async function loadSample() {
  const sample = generateSampleData();
  const entry = await readRatings(sample.ratingsCsv, 'sample-ratings.csv', { sample: true, userGroups: sample.userGroups });
  await useRatings(entry);
  await readItems(sample.itemsCsv, 'sample-items.csv', { sample: true });
  ui.ratingsFile.value = '';
  ui.itemsFile.value = '';
}

// ---------------------------------------------------------------------------------------------
// The model.

function modelParams(algorithm) {
  if (!algorithm.startsWith('knn')) return {};
  return { user_based: ui.basedOn.value === 'users', similarity: 'pearson_baseline' };
}

async function fitModel(ratings = state.ratings) {
  const algorithm = ui.algorithm.value;
  const params = modelParams(algorithm);
  setStatus(`Training ${algorithm} on ${formatCount(ratings.data.numRatings)} ratings…`);
  await nextPaint();
  const model = state.cofi.createModel(algorithm, params);
  let seconds;
  try {
    seconds = await model.fit(ratings.data);
  } catch (error) {
    model.dispose();
    throw error;
  }
  state.model?.data.dispose();
  state.model = { data: model, algorithm, params, seconds };
}

// ---------------------------------------------------------------------------------------------
// Rendering.

function renderSummary() {
  const { data, source, sample } = state.ratings;
  const report = data.report;
  const s = data.summary();
  const rows = [];
  rows.push(['Ratings file', sample ? 'generated sample (invented films and people)' : source]);
  rows.push(['Ratings', s.implicit
    ? `${formatCount(s.ratings)} (implicit: no rating column)`
    : `${formatCount(s.ratings)}, from ${s.ratingMin} to ${s.ratingMax}, mean ${s.mean.toFixed(2)}`]);
  rows.push(['Users', formatCount(s.users)]);
  rows.push(['Items', formatCount(s.items)]);
  rows.push(['Duplicates', `${formatCount(s.duplicates)}${s.duplicates ? ' (repeated user and item pairs)' : ''}`]);
  const delimiter = report.delimiter;
  rows.push(['Delimiter', `${DELIMITER_NAMES[delimiter] ?? 'other'} (${JSON.stringify(delimiter)})`]);
  if (report.header) {
    rows.push(['Header', `yes: ${(report.headerNames ?? []).join(', ')}`]);
  } else {
    rows.push(['Header', 'no']);
  }
  const columnName = (k) => (k === undefined || k === null || k < 0 ? '–'
    : report.header && report.headerNames?.[k] ? `“${report.headerNames[k]}”` : `column ${k + 1}`);
  rows.push(['Columns', `user ${columnName(report.userColumn)}, item ${columnName(report.itemColumn)}`
    + (s.implicit ? '' : `, rating ${columnName(report.ratingColumn)}`)]);
  if (report.encoding && report.encoding !== 'utf-8') rows.push(['Encoding', report.encoding]);
  if (report.skipped) rows.push(['Skipped rows', formatCount(report.skipped)]);
  if (state.items) {
    const items = state.items.data;
    rows.push(['Items file', `${state.items.sample ? 'generated sample' : state.items.source}: ${formatCount(items.size)} items; columns ${items.columns.join(', ')}`]);
  } else {
    rows.push(['Items file', 'none (ids are shown instead of titles)']);
  }
  if (state.model) {
    const { algorithm, params, seconds } = state.model;
    const detail = algorithm.startsWith('knn') ? ` (${params.user_based ? 'user' : 'item'}-based, ${params.similarity})` : '';
    rows.push(['Model', `${algorithm}${detail}, trained in ${formatSeconds(seconds)}`]);
  }
  ui.summary.replaceChildren();
  for (const [term, description] of rows) {
    ui.summary.append(el('div', { className: 'summary-row' }, el('dt', { text: term }), el('dd', { text: description })));
  }

  ui.warnings.replaceChildren();
  const skippedErrors = report.skippedErrors ?? [];
  for (const message of skippedErrors.slice(0, 5)) ui.warnings.append(el('li', { text: `Skipped ${message}` }));
  if (report.skipped > skippedErrors.slice(0, 5).length) {
    ui.warnings.append(el('li', { text: `…and ${formatCount(report.skipped - Math.min(5, skippedErrors.length))} more skipped rows` }));
  }
  ui.warnings.hidden = ui.warnings.childElementCount === 0;
}

function fillUsers() {
  const ids = [];
  const count = Math.min(state.ratings.data.numUsers, MAX_USER_OPTIONS);
  for (let k = 0; k < count; k += 1) ids.push(state.ratings.data.userId(k));
  const groups = state.ratings.userGroups;
  ui.userIds.replaceChildren(...ids.map((id) => el('option', { attrs: { value: id, ...(groups?.[id] ? { label: groups[id] } : {}) } })));
  const total = state.ratings.data.numUsers;
  ui.userHint.textContent = total > count
    ? `${formatCount(total)} users; the list offers the first ${formatCount(count)}, type any id.`
    : `${formatCount(total)} users: type or pick an id.`;
  ui.user.disabled = false;
}

function renderUser(user) {
  state.user = user;
  const { data: ratings, userGroups } = state.ratings;
  const model = state.model.data;
  const known = ratings.hasUser(user);
  const group = userGroups?.[user];

  // Recommendations.
  const result = model.recommend(user, { n: TOP_N });
  ui.recommendationsHeading.textContent = `Recommended for ${user}`;
  // Popularity fallbacks score by number of ratings (global-mean ranks that way too, since all
  // its predictions are equal): whole numbers above the rating scale.
  const byCount = state.model.algorithm === 'popular' || !result.known || (result.items.length > 0
    && result.items.every(({ score }) => Number.isInteger(score) && score > ratings.ratingMax));
  const notes = [];
  if (!known) notes.push(`${user} is not in the ratings file, so these are the most rated items.`);
  else if (group) notes.push(`Planted taste in the sample: ${group}.`);
  if (known && result.items.length < TOP_N) {
    const unrated = ratings.numItems - new Set(ratings.userRatings(user).items).size;
    if (unrated === 0) notes.push(`${user} has rated every item.`);
    else if (result.items.length === 0) notes.push(`${state.model.algorithm} could not score any of the ${unrated} items ${user} has not rated.`);
    else if (result.items.length === unrated) notes.push(`These are all the items ${user} has not rated.`);
    else notes.push(`Only ${result.items.length} of the ${unrated} items ${user} has not rated could be scored.`);
  }
  ui.recommendationsNote.textContent = notes.join(' ');
  ui.recommendations.replaceChildren(...result.items.map(({ item, score }) => itemNode(item, {
    score,
    scoreLabel: byCount ? `${formatCount(Math.round(score))} ratings` : undefined,
    scoreTitle: byCount ? 'number of ratings' : 'predicted rating',
    clickable: true,
  })));

  // The user's own top-rated items.
  ui.ratedHeading.textContent = `Rated highest by ${user}`;
  if (known) {
    const own = ratings.userRatings(user);
    const order = own.items.map((item, k) => ({ item, rating: own.ratings[k], k }));
    order.sort((a, b) => b.rating - a.rating || a.k - b.k);
    const shown = order.slice(0, TOP_N);
    ui.ratedNote.textContent = `${shown.length} of ${formatCount(order.length)} ratings.`;
    ui.rated.replaceChildren(...shown.map(({ item, rating }) => itemNode(item, {
      scoreLabel: ratings.implicit ? '✓' : `★ ${rating}`,
      scoreTitle: `${user}'s rating`,
    })));
  } else {
    ui.ratedNote.textContent = `${user} has no ratings in this file.`;
    ui.rated.replaceChildren();
  }
  ui.similarSection.hidden = true;
}

function renderSimilar(item) {
  const list = state.model.data.similarItems(item, { n: TOP_N });
  const { title } = describeItem(item);
  ui.similarHeading.textContent = `Similar to ${title ?? item}`;
  ui.similarNote.textContent = list.length ? 'By similarity of their ratings.' : 'No item shares enough raters with this one.';
  ui.similar.replaceChildren(...list.map(({ item: other, score }) => itemNode(other, {
    score, scoreTitle: 'similarity', clickable: true,
  })));
  ui.similarSection.hidden = false;
  ui.similarSection.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  ui.similarHeading.focus({ preventScroll: true });
}

function defaultUser() {
  return state.ratings.data.userId(0);
}

// Shows the current dataset and model; `fit` retrains first (after a model change).
async function refreshAll({ keepUser = false, fit = false } = {}) {
  if (fit) await fitModel();
  renderSummary();
  fillUsers();
  const user = keepUser && state.user && state.ratings.data.hasUser(state.user) ? state.user : defaultUser();
  ui.user.value = user;
  renderUser(user);
  document.body.dataset.source = state.ratings.source;
  const { seconds, algorithm } = state.model;
  const { data, sample, source } = state.ratings;
  const skipped = data.report.skipped ? `; ${formatCount(data.report.skipped)} malformed rows skipped, see Dataset below` : '';
  setStatus(`Showing ${sample ? 'the sample data' : source} (${formatCount(data.numRatings)} ratings, ${formatCount(data.numUsers)} users, `
    + `${formatCount(data.numItems)} items${skipped}): ${algorithm} trained in ${formatSeconds(seconds)}.`);
}

// ---------------------------------------------------------------------------------------------
// Events.

ui.ratingsFile.addEventListener('change', () => {
  const file = ui.ratingsFile.files?.[0];
  if (!file) return;
  enqueue(async () => {
    clearError();
    try {
      await useRatings(await readRatings(file, file.name));
    } catch (error) {
      showError(error);
      setStatus(state.ratings ? `Still showing ${state.ratings.sample ? 'the sample data' : state.ratings.source}.` : 'No data loaded.');
      return;
    }
    dropSampleItems();
    await refreshAll();
  });
});

ui.itemsFile.addEventListener('change', () => {
  const file = ui.itemsFile.files?.[0];
  if (!file) return;
  enqueue(async () => {
    clearError();
    try {
      await readItems(file, file.name);
    } catch (error) {
      showError(error);
      setStatus('The items file was not loaded; titles are unchanged.');
      return;
    }
    renderSummary();
    if (state.user) renderUser(state.user);
    setStatus(`Titles from ${file.name}.`);
  });
});

ui.useSample.addEventListener('click', () => enqueue(async () => {
  clearError();
  await loadSample();
  await refreshAll();
}));

ui.skipBadRows.addEventListener('change', () => {
  // Re-read the chosen file with the new setting when it failed (or was read with skipping).
  const file = ui.ratingsFile.files?.[0];
  if (file) ui.ratingsFile.dispatchEvent(new Event('change'));
});

function onModelChange() {
  ui.basedOn.disabled = !ui.algorithm.value.startsWith('knn');
  if (!state.ratings) return;
  enqueue(async () => {
    clearError();
    await refreshAll({ keepUser: true, fit: true });
  });
}
ui.algorithm.addEventListener('change', onModelChange);
ui.basedOn.addEventListener('change', onModelChange);

function onUserInput(event) {
  if (!state.model) return;
  const user = ui.user.value.trim();
  if (!user) return;
  // While typing, follow exact matches only; on change (Enter, blur, a pick) show anyone.
  if (event.type === 'input' && !state.ratings.data.hasUser(user)) return;
  if (user === state.user && event.type === 'input') return;
  enqueue(async () => {
    renderUser(user);
  });
}
ui.user.addEventListener('input', onUserInput);
ui.user.addEventListener('change', onUserInput);

ui.recommendations.addEventListener('click', onItemClick);
ui.similar.addEventListener('click', onItemClick);
function onItemClick(event) {
  const button = event.target.closest('button.item-title');
  if (!button) return;
  const item = button.closest('li')?.dataset.item;
  if (item) enqueue(async () => renderSimilar(item));
}

document.getElementById('controls').addEventListener('submit', (event) => event.preventDefault());

// ---------------------------------------------------------------------------------------------
// Start.

enqueue(async () => {
  const started = performance.now();
  try {
    state.cofi = await loadCofi();
  } catch (error) {
    showError(error, 'Could not load the WebAssembly core');
    setStatus('The recommender could not start.');
    return;
  }
  const algorithms = state.cofi.algorithms();
  const ordered = [DEFAULT_ALGORITHM, ...algorithms.filter((a) => a !== DEFAULT_ALGORITHM && a.startsWith('knn')),
    ...algorithms.filter((a) => !a.startsWith('knn'))].filter((a) => algorithms.includes(a));
  ui.algorithm.replaceChildren(...ordered.map((name) => el('option', {
    text: ALGORITHM_LABELS[name] ? `${name}: ${ALGORITHM_LABELS[name]}` : name, attrs: { value: name },
  })));
  ui.algorithm.value = algorithms.includes(DEFAULT_ALGORITHM) ? DEFAULT_ALGORITHM : ordered[0];
  ui.algorithm.disabled = false;
  for (const control of [ui.ratingsFile, ui.itemsFile, ui.useSample]) control.disabled = false;
  ui.basedOn.disabled = !ui.algorithm.value.startsWith('knn');
  const loadMs = performance.now() - started;
  await loadSample();
  await refreshAll();
  ui.status.textContent += ` (WebAssembly core loaded in ${Math.round(loadMs)} ms.)`;
});
