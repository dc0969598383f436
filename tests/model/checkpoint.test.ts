import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, fromFloat16Bits, loadCheckpoint, saveCheckpoint, toFloat16Bits } from '../../src/model/checkpoint';

const dir = mkdtempSync(join(tmpdir(), 'guidance-lab-ckpt-'));
const tensors = {
  'blocks.0.attn.qkv': { data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3)), shape: [2, 3, 4] },
  bias: { data: Float32Array.from([-0, 65504, 1e-7, Math.PI]), shape: [4] },
  scalar: { data: Float32Array.from([42]), shape: [] },
  empty: { data: new Float32Array(0), shape: [0, 3] },
};
const meta = { config: { width: 128, blocks: 4, name: 'dit' }, training: { step: 1000, loss: 0.28 } };

/** Bytes of a safetensors file with the given header text and data buffer, length field `n` by default correct. */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0), n = Buffer.byteLength(header)): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(n));
  return Buffer.concat([prefix, Buffer.from(header), data]);
}

test('F32 round trip is exact; metadata comes back parsed; layout follows the spec', async () => {
  const path = join(dir, 'f32.safetensors');
  const saved = await saveCheckpoint(path, tensors, meta);
  const bytes = readFileSync(path);
  assert.equal(saved.bytes, bytes.length);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0, 'header padded to 8 bytes');
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
  assert.deepEqual(header.__metadata__, { config: JSON.stringify(meta.config), training: JSON.stringify(meta.training) });
  assert.deepEqual(header.bias, { dtype: 'F32', shape: [4], data_offsets: [0, 16] });
  assert.equal(bytes.length, 8 + n + (24 + 4 + 1) * 4);
  assert.equal(bytes.readFloatLE(8 + n + 4), 65504, 'raw little-endian data at the offsets');

  const ck = await loadCheckpoint(path);
  assert.deepEqual(ck.metadata, meta);
  assert.equal(ck.digest, saved.digest);
  assert.deepEqual(Object.keys(ck.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    assert.deepEqual(ck.tensors[name].shape, t.shape, name);
    assert.deepEqual(ck.tensors[name].data, t.data, name);
  }
});

test('F16 round trip is within float16 precision and equals the float16 rounding of each value', async () => {
  const path = join(dir, 'f16.safetensors');
  await saveCheckpoint(path, tensors, meta, { dtype: 'F16' });
  const ck = await loadCheckpoint(path);
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(JSON.parse(bytes.subarray(8, 8 + n).toString()).bias.dtype, 'F16');
  for (const [name, t] of Object.entries(tensors)) {
    const got = ck.tensors[name].data;
    t.data.forEach((x, i) => {
      assert.ok(Object.is(got[i], fromFloat16Bits(toFloat16Bits(x))), `${name}[${i}]`);
      assert.ok(Math.abs(got[i] - x) <= Math.max(Math.abs(x) * 2 ** -11, 2 ** -25), `${name}[${i}] = ${x} → ${got[i]}`);
    });
  }
});

test('reads a file written by the Python reference implementation', async () => {
  const path = join(__dirname, '../fixtures/python-safetensors.safetensors');
  const ck = await loadCheckpoint(path);
  assert.equal(ck.digest, 'c407870de0328bf2ad806ecd7a7e717a2227db69c7ba0ed22fc57e9cf5a5c45e', 'sha256sum of the fixture');
  assert.deepEqual(ck.metadata, { config: { width: 8 }, format: 'np' });
  assert.deepEqual(ck.tensors.b, { data: Float32Array.from([7]), shape: [1] });
  assert.deepEqual(ck.tensors.w, { data: Float32Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5].map((v) => v / 3)), shape: [2, 3] });
  assert.deepEqual(Array.from(ck.tensors.h.data), [0.0999755859375, -0.333251953125, 65504, 5.960464477539063e-8, 0.00010001659393310547]);
});

test('digest is stable and changes when one byte changes', async () => {
  const a = join(dir, 'a.safetensors');
  const b = join(dir, 'b.safetensors');
  const first = await saveCheckpoint(a, tensors, meta);
  const second = await saveCheckpoint(b, tensors, meta);
  assert.match(first.digest, /^[0-9a-f]{64}$/);
  assert.equal(second.digest, first.digest);
  assert.equal((await loadCheckpoint(a)).digest, first.digest);
  const bytes = readFileSync(a);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(b, bytes);
  const changed = await loadCheckpoint(b);
  assert.notEqual(changed.digest, first.digest);
});

test('bad files give errors naming the path and the problem', async () => {
  const good = readFileSync(join(dir, 'f32.safetensors'));
  const n = Number(good.readBigUInt64LE(0));
  const f32 = (k: number) => new Uint8Array(4 * k);
  const cases: [string, Uint8Array, RegExp][] = [
    ['short', good.subarray(0, 5), /file is 5 bytes; a safetensors file starts with an 8-byte header length/],
    ['cut-in-header', good.subarray(0, 8 + n - 10), new RegExp(`header length ${n} exceeds the ${n - 10} bytes after the length field`)],
    ['huge-length', rawFile('{}', undefined, 2 ** 40), /header length 1099511627776 exceeds the 2 bytes/],
    [
      'truncated',
      good.subarray(0, good.length - 4),
      /tensor "scalar": data_offsets \[112, 116\] run past the 112-byte data buffer \(file truncated\?\)/,
    ],
    ['bad-json', rawFile('{"w": {"dtype": "F32",'), /header is not valid JSON/],
    ['not-object', rawFile('[1, 2]'), /header must be a JSON object starting with "\{"/],
    [
      'out-of-range',
      rawFile('{"w":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}}', f32(4)),
      /tensor "w": data_offsets \[0, 4000\] run past the 16-byte data buffer/,
    ],
    [
      'unknown-dtype',
      rawFile('{"w":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}}', f32(1)),
      /tensor "w": unsupported dtype "F17" \(supported: F32, F16\)/,
    ],
    [
      'wrong-size',
      rawFile('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f32(2)),
      /tensor "w": data_offsets \[0, 8\] hold 8 bytes but shape \[3\] of F32 needs 12/,
    ],
    [
      'overlap',
      rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', f32(3)),
      /tensor "b" starts at byte 4 but tensor "a" ends at 8/,
    ],
    [
      'hole',
      rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(2)),
      /tensor "a" starts at byte 4 but the data buffer starts at 0/,
    ],
    [
      'trailing',
      rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32(2)),
      /data buffer is 8 bytes but the tensors cover 4/,
    ],
    ['missing-fields', rawFile('{"a":{"dtype":"F32","shape":[1]}}', f32(1)), /tensor "a": expected \{"dtype": string, "shape"/],
    ['bad-metadata', rawFile('{"__metadata__":{"config":{"width":8}}}'), /__metadata__\["config"\] must be a string/],
    ['no-config', rawFile('{"__metadata__":{"format":"pt"}}'), /__metadata__.config must be a JSON object string; got nothing/],
    [
      'config-not-json',
      rawFile('{"__metadata__":{"config":"width=8"}}'),
      /__metadata__.config must be a JSON object string; got "width=8"/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    const path = join(dir, `${name}.safetensors`);
    writeFileSync(path, bytes);
    await assert.rejects(loadCheckpoint(path), (e: Error) => {
      assert.ok(e.message.startsWith(`${path}: `), `${name}: ${e.message}`);
      assert.match(e.message, message, name);
      return true;
    });
  }
  await assert.rejects(loadCheckpoint(join(dir, 'nope.safetensors')), /nope\.safetensors: cannot read checkpoint \(ENOENT/);
});

test('decode accepts a header padded with spaces and tensors stored out of name order', () => {
  const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
  const header = '{"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}     ';
  const got = decodeSafetensors(rawFile(header, data), 'mem');
  assert.deepEqual(got.tensors, { z: { data: Float32Array.from([1]), shape: [1] }, a: { data: Float32Array.from([2, 3]), shape: [2] } });
});

test('save refuses inconsistent tensors and leaves no temporary files', async () => {
  const sub = mkdtempSync(join(dir, 'refuse-'));
  await assert.rejects(
    saveCheckpoint(join(sub, 'x.safetensors'), { w: { data: new Float32Array(5), shape: [2, 3] } }, meta),
    /tensor "w": shape \[2, 3\] needs 6 values; got 5/,
  );
  await assert.rejects(saveCheckpoint(join(sub, 'missing-dir', 'x.safetensors'), tensors, meta), /ENOENT/);
  assert.deepEqual(readdirSync(sub), []);
});

test('readers during saves and a kill mid-save only ever see complete checkpoints', async () => {
  const path = join(mkdtempSync(join(dir, 'kill-')), 'model.safetensors');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'checkpoint-save-loop.ts'), path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
  });
  const complete = async () => {
    const ck = await loadCheckpoint(path);
    const fill = ck.metadata.config.fill as number;
    assert.ok(
      ck.tensors.w.data.every((v) => v === fill),
      `data of save ${fill} matches its metadata`,
    );
    return fill;
  };
  // A writer that truncated and rewrote `path` in place would be caught here within a few saves.
  const fills = new Set<number>();
  try {
    for (const stop = Date.now() + 1200; Date.now() < stop;) fills.add(await complete());
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  assert.ok(fills.size > 1, `saw saves ${[...fills]}`);
  await complete();
});
