import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadDataset, loadIdxFolder, parseIdx } from '../../src/data';

const root = mkdtempSync(join(tmpdir(), 'guidance-lab-idx-'));

/** idx bytes built by hand: magic 0x0000 08 <dims>, big-endian sizes, then the data. */
function idx(shape: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x0800 | shape.length, 0);
  shape.forEach((s, i) => header.writeUInt32BE(s, 4 + 4 * i));
  return Buffer.concat([header, data]);
}
const pixel = (n: number, y: number, x: number) => (n * 97 + y * 28 + x * 3) % 256;
const N = 3;
const images = Uint8Array.from({ length: N * 784 }, (_, i) => pixel(Math.floor(i / 784), Math.floor((i % 784) / 28), i % 28));
const labels = Uint8Array.from([4, 0, 7]);

function folder(files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(root, 'set-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

test('parseIdx reads shape and data of an idx3 file', () => {
  const got = parseIdx(idx([2, 1, 3], Uint8Array.from([1, 2, 3, 4, 5, 6])), 3, 'mem');
  assert.deepEqual(got.shape, [2, 1, 3]);
  assert.deepEqual(Array.from(got.data), [1, 2, 3, 4, 5, 6]);
});

test('an idx folder (gzipped and plain) loads as 32×32 images in [-1, 1] padded with -1', async () => {
  const dir = folder({
    'train-images-idx3-ubyte.gz': gzipSync(idx([N, 28, 28], images)),
    'train-labels-idx1-ubyte.gz': gzipSync(idx([N], labels)),
    't10k-images.idx3-ubyte': idx([1, 28, 28], images.subarray(0, 784)),
    't10k-labels.idx1-ubyte': idx([1], Uint8Array.from([9])),
  });
  const ds = await loadIdxFolder(dir);
  assert.equal(ds.count, N);
  assert.deepEqual([ds.height, ds.width, ds.channels, ds.classes], [32, 32, 1, 8]);
  assert.deepEqual(Array.from(ds.labels), [4, 0, 7]);
  assert.equal(ds.images.length, N * 1024);
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        const want = inside ? (2 * pixel(n, y - 2, x - 2)) / 255 - 1 : -1;
        assert.ok(Math.abs(ds.images[n * 1024 + y * 32 + x] - want) < 1e-6, `image ${n} (${y}, ${x})`);
      }
    }
  }
  const t10k = await loadDataset(dir, { part: 't10k' });
  assert.equal(t10k.count, 1);
  assert.match(t10k.name, /^set-.*:t10k$/);
  assert.deepEqual(Array.from(t10k.images.subarray(0, 1024)), Array.from(ds.images.subarray(0, 1024)));
});

test('missing or malformed idx files give errors naming the path and what was expected', async () => {
  const good = { 'train-images-idx3-ubyte': idx([N, 28, 28], images), 'train-labels-idx1-ubyte': idx([N], labels) };
  const cases: [string, Record<string, Uint8Array>, (dir: string) => RegExp][] = [
    ['gzip data not named .gz', { ...good, 'train-images-idx3-ubyte': gzipSync(good['train-images-idx3-ubyte']) },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte: expected idx3 magic 0x00000803, got 0x1f8b0800 \\(the file is gzip-compressed`)],
    ['labels given as images', { ...good, 'train-images-idx3-ubyte': good['train-labels-idx1-ubyte'] },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte: expected idx3 magic 0x00000803, got 0x00000801$`)],
    ['truncated images', { ...good, 'train-images-idx3-ubyte': good['train-images-idx3-ubyte'].subarray(0, 1000) },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte: header declares shape \\[3, 28, 28\\] = 2352 bytes of data, but the file has 984 after the 16-byte header \\(truncated\\)`)],
    ['trailing bytes', { ...good, 'train-labels-idx1-ubyte': Buffer.concat([good['train-labels-idx1-ubyte'], Buffer.from([1])]) },
      (d) => new RegExp(`^${d}/train-labels-idx1-ubyte: header declares shape \\[3\\] = 3 bytes of data, but the file has 4 .*\\(trailing bytes\\)`)],
    ['empty file', { ...good, 'train-labels-idx1-ubyte': new Uint8Array(0) },
      (d) => new RegExp(`^${d}/train-labels-idx1-ubyte: expected idx1 magic 0x00000801, got a 0-byte file`)],
    ['header cut short', { ...good, 'train-images-idx3-ubyte': good['train-images-idx3-ubyte'].subarray(0, 6) },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte: file is 6 bytes; an idx3 file starts with a 16-byte header`)],
    ['count mismatch', { ...good, 'train-labels-idx1-ubyte': idx([2], labels.subarray(0, 2)) },
      (d) => new RegExp(`^${d}/train-labels-idx1-ubyte: 2 labels but ${d}/train-images-idx3-ubyte has 3 images; expected equal counts`)],
    ['wrong image size', { ...good, 'train-images-idx3-ubyte': idx([1, 32, 32], new Uint8Array(1024)) },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte: expected 28×28 images, got 32×32`)],
    ['.gz that is not gzip', { 'train-images-idx3-ubyte.gz': good['train-images-idx3-ubyte'], 'train-labels-idx1-ubyte': good['train-labels-idx1-ubyte'] },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte.gz: expected gzip data`)],
    ['truncated gzip', { 'train-images-idx3-ubyte.gz': gzipSync(good['train-images-idx3-ubyte']).subarray(0, 40), 'train-labels-idx1-ubyte': good['train-labels-idx1-ubyte'] },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte.gz: expected gzip data \\(unexpected end of file\\)`)],
    ['labels missing', { 'train-images-idx3-ubyte': good['train-images-idx3-ubyte'] },
      (d) => new RegExp(`^${d}/train-images-idx3-ubyte: no matching labels file; expected ${d}/train-labels-idx1-ubyte\\[\\.gz\\]`)],
    ['no idx files', { 'readme.txt': Buffer.from('hi') },
      (d) => new RegExp(`^${d}: no idx data found; expected <part>-images-idx3-ubyte\\[\\.gz\\]`)],
  ];
  for (const [what, files, message] of cases) {
    const dir = folder(files);
    await assert.rejects(loadDataset(dir), (e: Error) => {
      assert.match(e.message, message(dir), what);
      return true;
    });
  }
  const twoParts = folder({ ...good, 'a-images-idx3-ubyte': good['train-images-idx3-ubyte'], 'a-labels-idx1-ubyte': good['train-labels-idx1-ubyte'] });
  await assert.rejects(loadDataset(twoParts, { part: 'b' }), new RegExp(`^Error: ${twoParts}: no part "b"; choose one of a, train$`));
  const noTrain = folder({ 'a-images-idx3-ubyte': good['train-images-idx3-ubyte'], 'a-labels-idx1-ubyte': good['train-labels-idx1-ubyte'], 'b-images-idx3-ubyte': good['train-images-idx3-ubyte'], 'b-labels-idx1-ubyte': good['train-labels-idx1-ubyte'] });
  await assert.rejects(loadIdxFolder(noTrain), /several parts and none is "train"; choose one of a, b/);
  mkdirSync(join(root, 'empty'));
  await assert.rejects(loadDataset(join(root, 'missing')), /unknown dataset ".*missing": not one of mnist, fashion-mnist and no such idx folder/);
});
