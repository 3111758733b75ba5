// Ratings.split: the hold-out's parts are the dataset's own ratings, each (user, item, rating)
// exactly as read, shared between the parts without loss or overlap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCofi } from '../../dist/index.js';
import { syntheticRatings } from './helpers.mjs';

const cofi = await loadCofi();

function triples(ratings) {
  const out = new Map();
  for (const user of ratings.userIds()) {
    const { items, ratings: values } = ratings.userRatings(user);
    items.forEach((item, k) => out.set(`${user}\t${item}`, values[k]));
  }
  return out;
}

test('split gives back the dataset\'s own ratings, partitioned', async () => {
  // Users and items in an order the split's shuffle will not preserve, so index mix-ups show.
  const all = await cofi.readRatings(syntheticRatings({ users: 200, items: 60, perUser: 20, seed: 3 }));
  const { train, test: held } = all.split({ testFraction: 0.25, seed: 5 });
  const whole = triples(all), a = triples(train), b = triples(held);
  assert.equal(held.numRatings, Math.ceil(0.25 * all.numRatings));
  assert.equal(a.size + b.size, whole.size);
  assert.equal(train.duplicates + held.duplicates, 0);
  for (const [key, value] of [...a, ...b]) assert.equal(value, whole.get(key), `${key} is not a rating of the dataset`);
  for (const key of b.keys()) assert.ok(!a.has(key), `${key} is in both parts`);
  // Scored on the right users' ratings, neighbours (who share the planted tastes) beat the global mean.
  const knn = cofi.createModel('knn-means');
  await knn.fit(train);
  const mean = cofi.createModel('global-mean');
  await mean.fit(train);
  assert.ok(knn.evaluate(held).rmse < 0.9 * mean.evaluate(held).rmse);
});
