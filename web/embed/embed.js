// A minimal static page that shows recommendations from a saved cofi model: copy this folder to
// your site, put next to it
//   model.cofi   a model saved by the demo page ("Download the model") or `cofi fit --save`
//   items.csv    optional: item id, title (any further columns are ignored here)
// and a copy of cofi's dist/ (index.js, errors.js, cofi-core.mjs, cofi-core.wasm), then point
// COFI below at it. ?user=<id> (or the form) picks the person; without one, the most rated items.
// ?rate=<item>:<rating>,... recommends for a visitor from their own ratings instead (no training
// users needed: this works with a compact model, `cofi compact`, which publishes no one's ratings).
import { loadCofi } from '../dist/index.js'; // COFI: where your copy of cofi's dist/index.js is

const MODEL_URL = './model.cofi';
const ITEMS_URL = './items.csv';
const N = 10;

const status = document.getElementById('status');
const list = document.getElementById('recommendations');
const form = document.getElementById('who');
const userInput = document.getElementById('user');

async function fetchOptional(url) {
  const response = await fetch(url);
  return response.ok ? response : null;
}

async function start() {
  const cofi = await loadCofi();
  const modelResponse = await fetchOptional(MODEL_URL);
  if (!modelResponse) {
    status.textContent = `No model at ${MODEL_URL}: save one from the demo page and put it next to this page.`;
    return;
  }
  const model = await cofi.loadModel(new Uint8Array(await modelResponse.arrayBuffer()), { source: 'model.cofi' });
  const itemsResponse = await fetchOptional(ITEMS_URL);
  const items = itemsResponse ? await cofi.readItems(new Uint8Array(await itemsResponse.arrayBuffer()), { source: 'items.csv' }) : null;

  function render(scored) {
    // Titles come from a file: set as text, never as HTML.
    list.replaceChildren(...scored.map(({ item }) => {
      const li = document.createElement('li');
      li.textContent = items?.title(item) ?? item;
      li.dataset.item = item;
      return li;
    }));
  }

  function show(user) {
    const result = user ? model.recommend(user, { n: N }) : { known: false, items: model.popular({ n: N }) };
    status.textContent = !user ? 'The most rated items (give a user id for personal picks).'
      : result.known ? `Recommended for ${user}:` : `${user} is unknown here, so these are the most rated items.`;
    render(result.items);
  }

  // A visitor's ratings, e.g. ?rate=50:5,172:4 (a site would keep them in localStorage).
  const rate = new URLSearchParams(location.search).get('rate');
  if (rate) {
    const pairs = rate.split(',').map((pair) => pair.split(':')).filter((pair) => pair.length === 2);
    const result = model.recommendFor(pairs.map(([item, rating]) => [item, Number(rating)]), { n: N });
    status.textContent = `Recommended from your ${pairs.length} ratings:`;
    render(result.items);
    return;
  }
  const user = new URLSearchParams(location.search).get('user') ?? '';
  userInput.value = user;
  show(user.trim());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = userInput.value.trim();
    history.replaceState(null, '', chosen ? `?user=${encodeURIComponent(chosen)}` : location.pathname);
    show(chosen);
  });
}

start().catch((error) => {
  status.textContent = `Could not show recommendations: ${error.message}`;
});
