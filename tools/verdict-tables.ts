/**
 * Writes the per-method verdict section of figures/README.md from every study's committed `figures/<nb>/ranking.json`
 * (written by each notebook's ranking cell at full size), so the README's intervals and verdicts are generated.
 *   node --import tsx tools/verdict-tables.ts [--figures figures] [--check]
 * --check exits 1 (writing nothing) when the README's section differs from what the rankings give.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyRanking } from '../src/notebook/ranking';
import { replaceVerdicts, verdictSection, type NotebookRanking } from '../src/notebook/verdicts';
import { option } from './argv';

function main(): void {
  const figures = option('figures', 'figures');
  const rankings: NotebookRanking[] = readdirSync(figures, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(figures, d.name, 'ranking.json')))
    .map((d) => ({ notebook: d.name, ranking: JSON.parse(readFileSync(join(figures, d.name, 'ranking.json'), 'utf8')) as StudyRanking }));
  const readmePath = join(figures, 'README.md');
  const before = readFileSync(readmePath, 'utf8');
  const after = replaceVerdicts(before, verdictSection(rankings));
  if (process.argv.includes('--check')) {
    if (after !== before) {
      console.error(`${readmePath}: the verdict section differs from ${rankings.length} ranking.json file(s); run tools/verdict-tables.ts`);
      process.exit(1);
    }
    console.log(`${readmePath}: verdict section up to date (${rankings.length} rankings)`);
    return;
  }
  writeFileSync(readmePath, after);
  console.log(`${readmePath}: verdict section written from ${rankings.map((r) => r.notebook).join(', ') || 'no rankings'}`);
}

main();
