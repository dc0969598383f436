/**
 * A minimal PNG encoder for grayscale images in [-1, 1], used to embed samples in specs as
 * data URLs (an image mark is far smaller than one rect per pixel and renders crisply everywhere).
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Returns an 8-bit grayscale PNG of `pixels` (row-major h×w, [-1, 1] mapped to 0..255, clamped), each pixel drawn as a scale×scale block.
 */
export function encodeGrayPng(pixels: ArrayLike<number>, height: number, width: number, scale = 1): Buffer {
  const w = width * scale;
  const h = height * scale;
  const rowBytes = w + 1; // filter byte + one byte per pixel
  const raw = new Uint8Array(rowBytes * h);
  for (let y = 0; y < h; y++) {
    const o = y * rowBytes;
    if (y % scale !== 0) {
      raw[o] = 2; // filter "Up": a repeated row is all zeros, which deflate shrinks to almost nothing
      continue;
    }
    const src = (y / scale) * width;
    for (let x = 0; x < w; x++) {
      const v = pixels[src + Math.floor(x / scale)];
      raw[o + 1 + x] = Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: grayscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

/** Returns the PNG of `encodeGrayPng` as a `data:image/png;base64,…` URL. */
export function grayPngDataUrl(pixels: ArrayLike<number>, height: number, width: number, scale = 1): string {
  return `data:image/png;base64,${encodeGrayPng(pixels, height, width, scale).toString('base64')}`;
}

/** Returns the width and height stored in a PNG's IHDR chunk; throws when `png` is not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) {
    throw new Error(`not a PNG: first bytes ${Buffer.from(png.subarray(0, 8)).toString('hex')}; expected 89504e470d0a1a0a`);
  }
  const view = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}
