// The page's built-in sample dataset, generated on the fly: invented items and users with planted
// tastes, so the recommendations visibly make sense (a sci-fi fan gets sci-fi). Nothing here comes
// from a real dataset; the same seed always gives byte-for-byte the same CSV text.

export const GENRES = ['Sci-Fi', 'Romance', 'Horror', 'Comedy', 'Documentary', 'Animation'];

// Title parts per genre: "<The> <adjective> <noun>".
const WORDS = {
  'Sci-Fi': {
    adjectives: ['Neon', 'Orbital', 'Quantum', 'Silent', 'Chrome', 'Distant', 'Binary', 'Solar', 'Hollow', 'Last'],
    nouns: ['Circuit', 'Horizon', 'Colony', 'Signal', 'Drift', 'Machine', 'Nebula', 'Frontier', 'Relay', 'Station'],
  },
  Romance: {
    adjectives: ['Quiet', 'Summer', 'Golden', 'Tender', 'Second', 'Paper', 'Velvet', 'Late', 'Winter', 'Borrowed'],
    nouns: ['Harbour', 'Letters', 'Promise', 'Waltz', 'Garden', 'Heart', 'Balcony', 'Postcard', 'Vineyard', 'Kiss'],
  },
  Horror: {
    adjectives: ['Hollow', 'Crimson', 'Rotten', 'Whispering', 'Drowned', 'Pale', 'Sleepless', 'Crooked', 'Buried', 'Black'],
    nouns: ['Cellar', 'Orchard', 'Lantern', 'Chapel', 'Well', 'Doll', 'Marsh', 'Attic', 'Hunger', 'Mirror'],
  },
  Comedy: {
    adjectives: ['Accidental', 'Awkward', 'Lucky', 'Wobbly', 'Borrowed', 'Noisy', 'Upside-Down', 'Overdue', 'Clumsy', 'Grand'],
    nouns: ['Wedding', 'Plumber', 'Holiday', 'Roommates', 'Reunion', 'Heist', 'Llama', 'Sandwich', 'Uncle', 'Road Trip'],
  },
  Documentary: {
    adjectives: ['Hidden', 'Frozen', 'Ancient', 'Restless', 'Deep', 'Urban', 'Vanishing', 'Salt', 'Open', 'Wild'],
    nouns: ['Rivers', 'Forests', 'Archives', 'Tides', 'Bees', 'Glaciers', 'Markets', 'Islands', 'Engines', 'Voices'],
  },
  Animation: {
    adjectives: ['Little', 'Brave', 'Sleepy', 'Bouncing', 'Paper', 'Tiny', 'Flying', 'Curious', 'Starry', 'Patchwork'],
    nouns: ['Fox', 'Kite', 'Robot', 'Dragon', 'Teapot', 'Balloon', 'Penguin', 'Lighthouse', 'Snail', 'Moon'],
  },
};

// Planted taste groups: affinity per genre (1 = hate, 5 = love); unlisted genres are neutral (3).
export const GROUPS = [
  { name: 'Sci-Fi & Animation fans', taste: { 'Sci-Fi': 4.8, Animation: 4.0, Romance: 1.8, Documentary: 3.2 } },
  { name: 'Romantics', taste: { Romance: 4.8, Comedy: 4.1, Horror: 1.4, 'Sci-Fi': 2.3 } },
  { name: 'Horror hounds', taste: { Horror: 4.8, 'Sci-Fi': 3.7, Romance: 1.6, Animation: 1.8 } },
  { name: 'Comedy lovers', taste: { Comedy: 4.8, Romance: 3.6, Documentary: 1.9, Horror: 2.0 } },
  { name: 'Documentary buffs', taste: { Documentary: 4.8, 'Sci-Fi': 3.5, Comedy: 2.2, Horror: 1.7 } },
  { name: 'Families', taste: { Animation: 4.8, Comedy: 4.2, Horror: 1.2, Documentary: 3.4 } },
];

/** mulberry32: a tiny 32-bit seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad3 = (k) => String(k).padStart(3, '0');

/**
 * Generates the sample dataset. Returns { ratingsCsv, itemsCsv, userGroups } where ratingsCsv is
 * 'user,item,rating' rows, itemsCsv is 'item,title,genres' rows (genres '|'-separated) and
 * userGroups maps each user id to the name of its planted taste group.
 */
export function generateSampleData({ seed = 20240611, itemsPerGenre = 15, users = 360 } = {}) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  // Standard normal noise (Box-Muller).
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  // Items: itemsPerGenre per genre, about one in five with a second genre; each has a quality
  // (some films are just better) and a popularity (how likely people are to have seen it).
  const items = [];
  const titles = new Set();
  for (let round = 0; round < itemsPerGenre; round += 1) {
    for (const genre of GENRES) {
      const { adjectives, nouns } = WORDS[genre];
      let title;
      do {
        title = `${random() < 0.45 ? 'The ' : ''}${pick(adjectives)} ${pick(nouns)}`;
      } while (titles.has(title));
      titles.add(title);
      const genres = [genre];
      if (random() < 0.2) {
        const second = pick(GENRES);
        if (second !== genre) genres.push(second);
      }
      items.push({
        id: `m${pad3(items.length + 1)}`, title, genres,
        quality: 0.35 * gauss(),
        popularity: 0.2 + random() ** 2,
      });
    }
  }

  const itemRows = ['item,title,genres'];
  for (const item of items) itemRows.push(`${item.id},${item.title},${item.genres.join('|')}`);

  // Users: round-robin over the groups, so u001 is a sci-fi fan, u002 a romantic, and so on.
  const ratingRows = ['user,item,rating'];
  const userGroups = {};
  for (let u = 0; u < users; u += 1) {
    const id = `u${pad3(u + 1)}`;
    const group = GROUPS[u % GROUPS.length];
    userGroups[id] = group.name;
    const bias = 0.3 * gauss();
    const affinity = (item) => item.genres.reduce((sum, g) => sum + (group.taste[g] ?? 3), 0) / item.genres.length;

    // People mostly watch what they expect to like: weight items by affinity and popularity,
    // then draw without replacement.
    const count = between(15, 40);
    const weights = items.map((item) => item.popularity * (affinity(item) - 0.8) ** 2);
    const chosen = [];
    let total = weights.reduce((s, w) => s + w, 0);
    for (let c = 0; c < count; c += 1) {
      let r = random() * total;
      let k = 0;
      while (k < weights.length - 1 && (weights[k] === 0 || (r -= weights[k]) >= 0)) k += 1;
      chosen.push(k);
      total -= weights[k];
      weights[k] = 0;
    }
    for (const k of chosen) {
      const item = items[k];
      const value = affinity(item) + item.quality + bias + 0.55 * gauss();
      const rating = Math.min(5, Math.max(1, Math.round(value)));
      ratingRows.push(`${id},${item.id},${rating}`);
    }
  }

  return { ratingsCsv: `${ratingRows.join('\n')}\n`, itemsCsv: `${itemRows.join('\n')}\n`, userGroups };
}

export default generateSampleData;
