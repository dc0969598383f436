/**
 * The committed figures as the gallery sees them: one study per `figures/<NN-name>/` folder, one
 * chart per `<name>.vl.json` there with its `<name>.png` beside it as the no-script fallback.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STUDY_ID } from './readme';

/** One chart: its study, its name (file name without `.vl.json`), its files relative to the figures folder, and its parsed spec. */
export interface Chart {
  study: string;
  name: string;
  specFile: string;
  pngFile: string;
  svgFile: string | null;
  spec: unknown;
}

/** One study folder and its charts, in the order of `order` (README order) and then by name. */
export interface StudyFigures {
  id: string;
  charts: Chart[];
}

/** Returns the study folders of `figuresDir` with their charts; throws naming a spec that is not JSON or has no PNG. */
export function collectFigures(figuresDir: string, order: (study: string) => string[] = () => []): StudyFigures[] {
  if (!existsSync(figuresDir)) throw new Error(`figures folder ${figuresDir} does not exist`);
  const ids = readdirSync(figuresDir)
    .filter((d) => STUDY_ID.test(d) && statSync(join(figuresDir, d)).isDirectory())
    .sort();
  return ids.map((id) => {
    const names = readdirSync(join(figuresDir, id))
      .filter((f) => f.endsWith('.vl.json'))
      .map((f) => f.slice(0, -'.vl.json'.length));
    const ranked = order(id);
    const rank = (n: string) => {
      const i = ranked.indexOf(n);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    const charts = names.map((name): Chart => {
      const specFile = `${id}/${name}.vl.json`;
      const pngFile = `${id}/${name}.png`;
      const svgFile = `${id}/${name}.svg`;
      if (!existsSync(join(figuresDir, pngFile))) {
        throw new Error(
          `${join(figuresDir, specFile)} has no ${name}.png beside it; the gallery shows it when scripts are off (saveFigure writes both)`,
        );
      }
      let spec: unknown;
      try {
        spec = JSON.parse(readFileSync(join(figuresDir, specFile), 'utf8'));
      } catch (e) {
        throw new Error(`${join(figuresDir, specFile)}: not readable JSON (${(e as Error).message})`);
      }
      return { study: id, name, specFile, pngFile, svgFile: existsSync(join(figuresDir, svgFile)) ? svgFile : null, spec };
    });
    return { id, charts };
  });
}
