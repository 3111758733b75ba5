// Fits a model on a few inline ratings and lists recommendations for the chosen reader.
import { loadCofi } from 'cofi';

// Ratings a site might ship as a small CSV: who liked which book (1-5).
const RATINGS = `reader,book,rating
ana,Dune,5
ana,Foundation,4
ana,Hyperion,5
ben,Dune,4
ben,Neuromancer,5
ben,Snow Crash,4
cleo,Emma,5
cleo,Persuasion,4
cleo,Middlemarch,5
dev,Emma,4
dev,Jane Eyre,5
dev,Persuasion,5
eli,Dune,5
eli,Hyperion,4
eli,Neuromancer,4
fay,Middlemarch,4
fay,Jane Eyre,4
fay,Emma,5
gus,Foundation,5
gus,Snow Crash,5
gus,Dune,4
`;

const status = document.getElementById('status');
const list = document.getElementById('recommendations');
const select = document.getElementById('reader');

try {
  const cofi = await loadCofi();
  const ratings = await cofi.readRatings(RATINGS, { source: 'books.csv' });
  const model = cofi.createModel('knn-means', { user_based: false, k: 10, min_k: 1 });
  await model.fit(ratings);

  for (const reader of ratings.userIds()) select.append(new Option(reader, reader));
  const show = () => {
    list.replaceChildren();
    for (const { item, score } of model.recommend(select.value, { n: 3 }).items) {
      const li = document.createElement('li');
      const value = document.createElement('span');
      value.textContent = ` (${score.toFixed(2)})`;
      li.append(item, value);  // text, never HTML
      list.append(li);
    }
  };
  select.addEventListener('change', show);
  show();
  status.textContent = `${ratings.numRatings} ratings, ${model.algorithm}`;
} catch (error) {
  status.textContent = `Error: ${error.message}`;
}
