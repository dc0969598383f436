/**
 * Text widths from a TrueType font's own advance widths (tables head, hhea, hmtx and a format-4
 * cmap), so vega can lay out text in Node without the `canvas` package.
 */
import { readFileSync } from 'node:fs';

/** Returns the width in pixels of `text` drawn at `fontSize` px. */
export type MeasureText = (text: string, fontSize: number) => number;

/** Returns a MeasureText for the TTF at `path`; throws naming the file when it is not a TrueType font with a Unicode BMP cmap. */
export function fontMeasure(path: string): MeasureText {
  const buf = readFileSync(path);
  const tables = new Map<string, number>();
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font ${path} has no "${tag}" table; need a TrueType font (head, hhea, hmtx, cmap)`);
    return offset;
  };
  const unitsPerEm = buf.readUInt16BE(table('head') + 18);
  const numHMetrics = buf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numHMetrics - 1));

  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < buf.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const offset = cmap + buf.readUInt32BE(rec + 4);
    if (((platform === 3 && encoding === 1) || platform === 0) && buf.readUInt16BE(offset) === 4) {
      sub = offset;
      break;
    }
  }
  if (sub < 0) throw new Error(`font ${path} has no format-4 Unicode cmap`);
  const segCount = buf.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  const glyphOf = (code: number): number => {
    for (let i = 0; i < segCount; i++) {
      if (buf.readUInt16BE(ends + 2 * i) < code) continue;
      const start = buf.readUInt16BE(starts + 2 * i);
      if (start > code) return 0;
      const delta = buf.readUInt16BE(deltas + 2 * i);
      const ro = buf.readUInt16BE(rangeOffsets + 2 * i);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = buf.readUInt16BE(rangeOffsets + 2 * i + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };

  const em = new Map<number, number>(); // code point → advance in em
  const widthEm = (code: number): number => {
    let w = em.get(code);
    if (w === undefined) em.set(code, (w = advance(code > 0xffff ? 0 : glyphOf(code)) / unitsPerEm));
    return w;
  };
  return (text, fontSize) => {
    let total = 0;
    for (const ch of text) total += widthEm(ch.codePointAt(0) as number);
    return total * fontSize;
  };
}
