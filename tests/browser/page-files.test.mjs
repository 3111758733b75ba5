// The page's own file helpers (web/lib/files.js) in Node: the preview's guesses, the memory check,
// MovieLens 100k genre flags, CSV export fields and histogram bins. (No browser needed.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeHead, splitLine, detectDelimiter, sampleLines, guessLayout, memoryCheck, genreFlags, genreColumn, csvField,
  powerOfTwoBins, ratingBins,
} from '../../web/lib/files.js';

test('delimiter, header and columns are guessed as the reader would take them', () => {
  const udata = guessLayout('196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n');
  assert.deepEqual([udata.delimiter, udata.header, udata.user, udata.item, udata.rating], ['\t', false, 0, 1, 2]);
  assert.deepEqual(udata.columns, ['column 1', 'column 2', 'column 3', 'column 4']);
  assert.deepEqual(udata.rows[0], { line: 1, fields: ['196', '242', '3', '881250949'] });

  const small = guessLayout('userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n');
  assert.deepEqual([small.delimiter, small.header, small.user, small.item, small.rating], [',', true, 0, 1, 2]);
  assert.equal(small.rows[0].line, 2);

  // Columns found by name in any order; quoted fields keep their delimiters.
  const named = guessLayout('"rating";"item id";"user"\n4;"a;b";u1\n5;c;u2\n');
  assert.deepEqual([named.delimiter, named.header, named.user, named.item, named.rating], [';', true, 2, 1, 0]);
  assert.deepEqual(named.rows[0].fields, ['4', 'a;b', 'u1']);

  // u.item: commas inside titles, but every line has the same number of pipes.
  const uitem = '1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n'
    + '2|GoldenEye (1995)|01-Jan-1995||http://y|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n'
    + '4|Get Shorty (1995)|01-Jan-1995||http://z|0|1|0|0|0|1|0|0|1|0|0|0|0|0|0|0|0|0|0\n'
    + '9|Dead Man Walking, The (1995)|01-Jan-1995||http://w|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n';
  assert.equal(detectDelimiter(sampleLines(uitem)), '|');
  // Options fix what detection would choose: here the rating is the fourth column, no header.
  const fixed = guessLayout('a,x,1700000000,4\nb,y,1700000001,5\n', { ratingColumn: 3, header: false });
  assert.deepEqual([fixed.rating, fixed.header], [3, false]);
  assert.deepEqual(guessLayout('u,i\na,x\n', { ratingColumn: 'none' }).rating, -1);
  assert.deepEqual(splitLine('a::b::"c::d"', '::'), ['a', 'b', 'c::d']);
});

test('the first bytes of a file: UTF-8 or latin-1, a cut line dropped', () => {
  const latin1 = Uint8Array.from([0x31, 0x7c, 0x4d, 0x69, 0x73, 0xe9, 0x72, 0x61, 0x62, 0x6c, 0x65, 0x73, 0x0a, 0x32, 0x7c, 0x58]);
  assert.deepEqual(decodeHead(latin1, false), { text: '1|Misérables\n', encoding: 'latin-1' });
  assert.deepEqual(decodeHead(latin1, true).text, '1|Misérables\n2|X');
  const utf8 = new TextEncoder().encode('\uFEFFuser,item\nzoë,x\n');
  assert.deepEqual(decodeHead(utf8, true), { text: 'user,item\nzoë,x\n', encoding: 'utf-8' });
  // A multi-byte character cut at the end of the sample is not mistaken for latin-1.
  const cut = new TextEncoder().encode('a,ü,1\nb,ü,2\nc,').slice(0, -1);
  assert.equal(decodeHead(Uint8Array.from([...new TextEncoder().encode('a,x,1\nb,ü'), 0xc3]), false).encoding, 'utf-8');
  assert.equal(decodeHead(cut, false).text, 'a,ü,1\nb,ü,2\n');
});

test('the memory check: file size plus about 20 bytes per rating, within 3/4 of 4 GB', () => {
  const sample = 'u1,i1,4\nu2,i2,5\n'; // 8 bytes per line
  const small = memoryCheck(100 * 1024 ** 2, sample);
  assert.equal(small.ok, true);
  assert.equal(small.rows, Math.ceil((100 * 1024 ** 2) / 8));
  assert.equal(small.needed, 100 * 1024 ** 2 + small.rows * 20);
  const large = memoryCheck(1.5 * 1024 ** 3, sample); // ~200M ratings: 5.5 GB
  assert.equal(large.ok, false);
  assert.equal(memoryCheck(2000, sample, { limit: 1000 }).ok, false);
});

test('MovieLens 100k genre flags, genre columns, CSV fields, histogram bins', () => {
  const fields = ['1', 'Toy Story (1995)', '01-Jan-1995', '', 'http://x', '0', '0', '0', '1', '1', '1', ...Array(13).fill('0')];
  assert.deepEqual(genreFlags(fields), ['Animation', "Children's", 'Comedy']);
  assert.equal(genreFlags(['1', 'Toy Story', 'x']), null);
  assert.equal(genreFlags([...fields.slice(0, 5), 'yes', ...fields.slice(6)]), null);
  assert.equal(genreColumn(['movieId', 'title', 'genres']), 2);
  assert.equal(genreColumn(['id', 'title']), null);
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('Godfather, The'), '"Godfather, The"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.deepEqual(powerOfTwoBins([1, 2, 3, 4, 9]).map((b) => [b.label, b.count]), [['1', 1], ['2–3', 2], ['4–7', 1], ['8–15', 1]]);
  assert.deepEqual(ratingBins([1, 2, 3], [5, 6, 7]), [{ label: '1', count: 5 }, { label: '2', count: 6 }, { label: '3', count: 7 }]);
  const many = Array.from({ length: 40 }, (_, k) => k / 4);
  const bins = ratingBins(many, many.map(() => 1));
  assert.equal(bins.length, 20);
  assert.equal(bins.reduce((s, b) => s + b.count, 0), 40);
});
