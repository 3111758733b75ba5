// Recommendations from a ratings CSV in Node, with cofi's main API.
//
//   node recommend.mjs [ratings.csv] [user]
//
// Without a file it uses a small built-in dataset. Prints the user's top 5 with the reason for
// the first one, and writes the fitted model to recommend-model.cofi (load it with Model.load).
import { readFile, writeFile } from 'node:fs/promises';
import { loadCofi, Model, ParseError } from 'cofi';

const [file, userArg] = process.argv.slice(2);

// Two tastes: even users like the "a" items, odd users the "b" items.
function builtInRatings() {
  const rows = ['user,item,rating'];
  for (let u = 1; u <= 40; u++) {
    for (let i = 1; i <= 12; i++) {
      if ((u * 7 + i * 3) % 4 === 0) continue;  // leave some pairs unrated
      const liked = (u % 2 === 0) === (i % 2 === 0);
      rows.push(`${u},${liked ? 'a' : 'b'}${i},${liked ? 5 - (i % 2) : 1 + (u % 2)}`);
    }
  }
  return rows.join('\n');
}

const cofi = await loadCofi();
let ratings;
try {
  ratings = file ? await cofi.readRatings(await readFile(file), { source: file }) : await cofi.readRatings(builtInRatings(), { source: 'built-in' });
} catch (error) {
  if (error instanceof ParseError) {
    console.error(error.message);  // "ratings.csv:12: rating "x" is not a number"
    process.exit(2);
  }
  throw error;
}
const summary = ratings.summary();
console.log(`${summary.ratings} ratings by ${summary.users} users of ${summary.items} items`);

const model = cofi.createModel(summary.implicit ? 'ials' : 'svd');
const seconds = await model.fit(ratings);
console.log(`fitted ${model.algorithm} in ${seconds.toFixed(3)} s`);

const user = userArg ?? ratings.userId(0);
const { known, items } = model.recommend(user, { n: 5 });
console.log(`top 5 for user ${user}${known ? '' : ' (unknown: popular items)'}:`);
for (const { item, score } of items) console.log(`  ${item}\t${score.toFixed(3)}`);
if (known && items.length > 0) {
  const because = model.explain(user, items[0].item, { n: 2 }).map((c) => c.item);
  console.log(`because you rated: ${because.join(', ') || '(no single rating stands out)'}`);
}

const bytes = model.save();
await writeFile('recommend-model.cofi', bytes);
const again = await Model.load(bytes);
console.log(`saved ${bytes.length} bytes; reloaded model agrees: ${JSON.stringify(again.recommend(user, { n: 5 })) === JSON.stringify({ known, items })}`);
for (const object of [again, model, ratings]) object.dispose();
