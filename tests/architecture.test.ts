import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

/** Returns every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** One relative import of a source file: the file it names and whether it is type-only. */
interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Returns the file a relative specifier names (x.ts or x/index.ts). */
function resolveSpecifier(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const c of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve "${spec}"`);
}

/** Returns the relative imports and re-exports of every file under src/. */
function importGraph(): Edge[] {
  return sources(SRC).flatMap((from) => {
    const text = readFileSync(from, 'utf8');
    const found = text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']*)'|^import\s+'(\.[^']*)'|require\('(\.[^']*)'\)/gm);
    return [...found].map((m) => ({ from, to: resolveSpecifier(from, m[3] ?? m[4] ?? m[5]), typeOnly: m[2] !== undefined }));
  });
}

/** Returns a file's stage: its top folder under src/ (src/index.ts, the package root, is "index"). */
function stage(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? parts[0].replace(/\.ts$/, '') : parts[0];
}

/** The stage order, lowest first, as ARCHITECTURE.md states it (the line starting "Stages, lowest first:"). */
function documentedOrder(): string[] {
  const line = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Stages, lowest first:'));
  assert.ok(line, 'ARCHITECTURE.md has a line "Stages, lowest first: `a` → `b` → …"');
  return [...line.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
}

test('every folder of src/ is a stage of ARCHITECTURE.md, and no import runs back up the stage order', () => {
  const order = documentedOrder();
  const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
  assert.deepEqual([...folders].sort(), [...order].sort(), 'the folders of src/ are the stages ARCHITECTURE.md lists');
  const upward = importGraph()
    .filter((e) => stage(e.from) !== 'index' && stage(e.from) !== stage(e.to))
    .filter((e) => order.indexOf(stage(e.to)) > order.indexOf(stage(e.from)))
    .map((e) => `${relative(SRC, e.from)} → ${relative(SRC, e.to)}`);
  assert.deepEqual(upward, [], `imports from a lower stage into a higher one:\n${upward.join('\n')}`);
});

test('no runtime import cycle between files (type-only imports aside)', () => {
  const next = new Map<string, string[]>();
  for (const e of importGraph()) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const t of next.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of sources(SRC)) visit(f, []);
  assert.deepEqual(cycles, []);
});
