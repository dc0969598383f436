/**
 * Small figure folders for the gallery tests: study folders with specs (and their PNGs, rendered by
 * src/viz), a figures/README.md with each study's question, method and a table, and size markers.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { saveFigure } from '../../src/viz';

/** One fixture study: its specs by name, its size marker (rows.json; none when null) and whether its README text is missing. */
export interface FixtureStudy {
  id: string;
  specs: Record<string, unknown>;
  size: 'full' | 'smoke' | null;
  noText?: boolean;
}

/** A Vega-Lite 5 line whose y is x·γ with γ a slider (0…4, starting at 1), with tooltips: the SVG changes with the slider. */
export function sliderSpec(): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'y = γ·x',
    width: 240,
    height: 160,
    params: [{ name: 'gamma', value: 1, bind: { input: 'range', min: 0, max: 4, step: 1, name: 'γ ' } }],
    data: { values: [0, 1, 2, 3, 4].map((x) => ({ x })) },
    transform: [{ calculate: 'datum.x * gamma', as: 'y' }],
    mark: { type: 'line', point: { size: 200 }, tooltip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative', scale: { domain: [0, 16] } },
    },
  };
}

/** Two lines with a legend-bound point selection (click a legend entry to highlight its line) and zoom/pan on the scales. */
export function legendSpec(): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'click the legend',
    data: {
      values: [
        { m: 'a', x: 0, y: 1 },
        { m: 'a', x: 1, y: 2 },
        { m: 'b', x: 0, y: 2 },
        { m: 'b', x: 1, y: 0 },
      ],
    },
    params: [
      { name: 'pick', select: { type: 'point', fields: ['m'] }, bind: 'legend' },
      { name: 'zoom', select: 'interval', bind: 'scales' },
    ],
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative' },
      color: { field: 'm', type: 'nominal' },
      opacity: { condition: { param: 'pick', value: 1 }, value: 0.15 },
    },
  };
}

/** A plain bar chart (no params) with tooltips. */
export function barSpec(title = 'bars'): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: {
      values: [
        { m: 'a', v: 1 },
        { m: 'b', v: 3 },
      ],
    },
    mark: { type: 'bar', tooltip: true },
    encoding: { x: { field: 'm', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
  };
}

/** Returns the README text for `studies`: a figures table, a Studies section and a results table per study (value = its index). */
export function fixtureReadme(studies: readonly FixtureStudy[]): string {
  const figureRows = studies.flatMap((s) =>
    Object.keys(s.specs).map((name, i) => `| ${i === 0 ? s.id : ''} | \`${name}\` | the ${name} chart of ${s.id} |`),
  );
  const text = studies
    .filter((s) => !s.noText)
    .map((s) => `### ${s.id}: study ${s.id}\n\n**Question.** What does ${s.id} ask?\n\n**Method.** It measures ${s.id}.\nIn two lines.\n`);
  const results = studies.map(
    (s, i) => `#### ${s.id}  (samples 8)\n\n| method | FID |\n|---|---|\n| **m${i}** | ${(i + 1.25).toFixed(2)} |\n`,
  );
  return [
    '# Figures\n',
    '## The figures\n',
    '| notebook | figure | what it shows |\n|---|---|---|',
    ...figureRows,
    '\n## Studies\n',
    ...text,
    '## Results at full size\n',
    ...results,
  ].join('\n');
}

/** Writes a figures folder (and an empty notebooks folder) for `studies` into a new temp dir; returns both paths. */
export async function makeFixture(studies: readonly FixtureStudy[]): Promise<{ root: string; figures: string; notebooks: string }> {
  const root = mkdtempSync(join(tmpdir(), 'gallery-fixture-'));
  const figures = join(root, 'figures');
  const notebooks = join(root, 'notebooks');
  mkdirSync(notebooks, { recursive: true });
  for (const s of studies) {
    const dir = join(figures, s.id);
    mkdirSync(dir, { recursive: true });
    for (const [name, spec] of Object.entries(s.specs)) {
      const base = join(dir, name);
      try {
        await saveFigure(spec as TopLevelSpec, base, 1);
      } catch {
        // A deliberately broken spec cannot be rendered: give it a placeholder PNG and its JSON as is.
        writeFileSync(`${base}.png`, Buffer.from('89504e470d0a1a0a', 'hex'));
        writeFileSync(`${base}.vl.json`, JSON.stringify(spec));
      }
    }
    if (s.size)
      writeFileSync(join(dir, 'rows.json'), JSON.stringify({ sizes: { size: s.size, samples: 8, sampler: 'euler', steps: 2 }, rows: {} }));
  }
  writeFileSync(join(figures, 'README.md'), fixtureReadme(studies));
  return { root, figures, notebooks };
}
