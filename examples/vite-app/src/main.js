// The model lives in a Web Worker (cofi/worker): training never blocks the page, and its
// progress and Cancel work while it runs.
import { loadCofiWorker } from 'cofi/worker';

const $ = (id) => document.getElementById(id);

// Generated ratings: 200 viewers in 4 taste groups, 60 films (a real app would fetch a CSV).
function generateRatings() {
  const users = [], items = [], values = [];
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let u = 1; u <= 200; u++) {
    for (let k = 0; k < 15; k++) {
      const film = Math.floor(random() * 60);
      const liked = film % 4 === u % 4;
      users.push(u);
      items.push(`film-${film}`);
      values.push(liked ? 4 + Math.round(random()) : 1 + Math.round(random() * 2));
    }
  }
  return { users, items, values };
}

const cofi = await loadCofiWorker();
const ratings = await cofi.ratingsFromArrays(generateRatings(), { source: 'generated' });
const model = await cofi.createModel('svd', { epochs: 30 });
let controller = null;

async function train() {
  controller = new AbortController();
  $('cancel').disabled = false;
  $('train').disabled = true;
  try {
    const seconds = await model.fit(ratings, {
      signal: controller.signal,
      onProgress: ({ epoch, epochs, loss }) => {
        $('progress').value = epoch / epochs;
        $('status').textContent = `Training: epoch ${epoch} of ${epochs}, loss ${loss?.toFixed(3) ?? '–'}`;
      },
    });
    $('status').textContent = `Trained in ${seconds.toFixed(2)} s in a Web Worker.`;
  } catch (error) {
    $('status').textContent = error.name === 'AbortError' ? 'Cancelled: the previous model is kept.' : `Error: ${error.message}`;
  } finally {
    $('cancel').disabled = true;
    $('train').disabled = false;
  }
  await show();
}

async function show() {
  if (!model.fitted) return;
  const { items } = await model.recommend($('user').value, { n: 5 });
  $('recommendations').replaceChildren(...items.map(({ item, score }) => {
    const li = document.createElement('li');
    li.textContent = `${item} (${score.toFixed(2)})`;
    return li;
  }));
}

$('train').addEventListener('click', train);
$('cancel').addEventListener('click', () => controller?.abort());
$('user').addEventListener('change', show);
await train();
