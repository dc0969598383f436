/**
 * Builds the static figure gallery: reads `figures/<study>/*.vl.json` (+ PNG), figures/README.md and
 * the notebooks' size markers, checks every spec, and writes `index.html` and `gallery/` (vendored
 * vega, vega-lite, vega-embed; gallery.js/css; one specs script per study) into the output folder.
 * It refuses smoke-size or unknown-size studies unless `allowSmoke`, and names every bad spec.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { collectFigures, type StudyFigures } from './collect';
import { checkSpec } from './compile';
import { indexHtml, specsScript, specsScriptPath, type StudyPage } from './page';
import { parseFiguresReadme, type FiguresReadme } from './readme';
import { studySize, type StudySize } from './size';

/** Where to read and write. */
export interface GalleryOptions {
  /** The figures folder (study folders and README.md). */
  figuresDir: string;
  /** Where `<study>.ipynb` are (their outputs print the size they ran at). */
  notebooksDir: string;
  /** Build even when some study is smoke size or of unknown size (the page marks them). */
  allowSmoke?: boolean;
}

/** One file of the gallery: text to write, or a file to copy (a vendored library or its licence). */
export type GalleryFile = { path: string; text: string } | { path: string; copyOf: string };

/** A planned gallery: every file it consists of, the index path, counts and the spec checks' warnings. */
export interface GalleryPlan {
  index: string;
  studies: number;
  charts: number;
  warnings: string[];
  files: GalleryFile[];
  /** Specs scripts in gallery/specs/ of the output folder that belong to no current study (a build removes them). */
  stale: string[];
}

/**
 * The bundled browser builds, in load order (vega-lite and vega-embed expect the globals of the ones before), and
 * the package whose LICENSE goes beside each (the vega package ships none; its build bundles vega-view and the other
 * vega-* packages, which carry its BSD-3-Clause licence).
 */
const VENDOR: readonly { pkg: string; file: string; licenseOf: string }[] = [
  { pkg: 'vega', file: 'vega.min.js', licenseOf: 'vega-view' },
  { pkg: 'vega-lite', file: 'vega-lite.min.js', licenseOf: 'vega-lite' },
  { pkg: 'vega-embed', file: 'vega-embed.min.js', licenseOf: 'vega-embed' },
];

/** Returns a package's folder in node_modules (from its main entry, which sits in build/). */
function packageDir(pkg: string): string {
  return join(dirname(require.resolve(pkg)), '..');
}

/** Returns the installed version of `pkg`. */
function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Returns `path` relative to `from`, with forward slashes (for an href). */
function href(from: string, path: string): string {
  return relative(from, path).split(sep).join('/');
}

/** Returns the problems of the studies' README text: a study folder needs a **Question.** and a **Method.** paragraph. */
function textProblems(studies: StudyFigures[], readme: FiguresReadme, readmeFile: string): string[] {
  return studies.flatMap((s) => {
    const t = readme.studies.get(s.id);
    const missing = [!t?.question && '**Question.**', !t?.method && '**Method.**'].filter(Boolean);
    return missing.length
      ? [`${readmeFile}: study ${s.id} has no ${missing.join(' and ')} paragraph; add a "### ${s.id}: <title>" section under "## Studies"`]
      : [];
  });
}

/** Throws, listing them with their size markers, when some study is not full size and smoke was not allowed. */
function refuseNotFull(sizes: Map<string, StudySize>, allowSmoke: boolean): void {
  const notFull = [...sizes].filter(([, s]) => s.size !== 'full');
  if (notFull.length === 0 || allowSmoke) return;
  const lines = notFull.map(
    ([id, s]) => `${id}: ${s.size} (${s.evidence.join('; ') || 'no rows.json sizes and no "size …" line in its notebook outputs'})`,
  );
  throw new Error(
    `gallery: refusing to build from figures that are not full size (pass --allow-smoke to build anyway):\n  ${lines.join('\n  ')}`,
  );
}

/** Checks every spec and the studies' README text; returns the specs' warnings, throws listing every problem. */
async function checkAll(studies: StudyFigures[], figuresDir: string, readme: FiguresReadme, readmeFile: string): Promise<string[]> {
  const problems = textProblems(studies, readme, readmeFile);
  const warnings: string[] = [];
  for (const chart of studies.flatMap((s) => s.charts)) {
    try {
      warnings.push(...(await checkSpec(join(figuresDir, chart.specFile), chart.spec)));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(`gallery: not built, ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return warnings;
}

/** Returns the files under `<outDir>/gallery/`: vendored builds and licences, gallery.js/css, one specs script per study. */
function assetFiles(outDir: string, studies: StudyFigures[]): GalleryFile[] {
  const galleryDir = join(outDir, 'gallery');
  const files: GalleryFile[] = VENDOR.flatMap((v) => [
    { path: join(galleryDir, 'vendor', v.file), copyOf: join(packageDir(v.pkg), 'build', v.file) },
    { path: join(galleryDir, 'vendor', `${v.pkg}.LICENSE`), copyOf: join(packageDir(v.licenseOf), 'LICENSE') },
  ]);
  for (const f of ['gallery.js', 'gallery.css']) files.push({ path: join(galleryDir, f), copyOf: join(__dirname, 'static', f) });
  for (const s of studies) files.push({ path: join(outDir, specsScriptPath(s.id)), text: specsScript(s.charts) });
  return files;
}

/** Returns the specs scripts in `<outDir>/gallery/specs/` that belong to none of `studies`. */
function staleSpecs(outDir: string, studies: StudyFigures[]): string[] {
  const specsDir = join(outDir, 'gallery', 'specs');
  if (!existsSync(specsDir)) return [];
  const current = new Set(studies.map((s) => `${s.id}.js`));
  return readdirSync(specsDir)
    .filter((f) => f.endsWith('.js') && !current.has(f))
    .map((f) => join(specsDir, f));
}

/** Plans the gallery (see the module comment) without writing anything; throws listing every problem found. */
export async function planGallery(options: GalleryOptions): Promise<GalleryPlan> {
  const { figuresDir, notebooksDir } = options;
  const outDir = figuresDir; // index.html and gallery/ sit beside the figures they link
  const readmeFile = join(figuresDir, 'README.md');
  if (!existsSync(readmeFile)) throw new Error(`${readmeFile} does not exist; the gallery takes each study's text and tables from it`);
  const readme = parseFiguresReadme(readFileSync(readmeFile, 'utf8'));
  const order = (study: string) =>
    [...readme.captions.keys()].filter((k) => k.startsWith(`${study}/`)).map((k) => k.slice(study.length + 1));
  const studies = collectFigures(figuresDir, order);
  if (studies.length === 0) throw new Error(`${figuresDir} has no study folders (NN-name/); nothing to show`);
  const sizes = new Map(studies.map((s) => [s.id, studySize(s.id, figuresDir, notebooksDir)]));
  refuseNotFull(sizes, options.allowSmoke ?? false);
  const warnings = await checkAll(studies, figuresDir, readme, readmeFile);

  const pages: StudyPage[] = studies.map((s) => {
    const notebook = join(notebooksDir, `${s.id}.ipynb`);
    return {
      id: s.id,
      text: readme.studies.get(s.id)!,
      size: sizes.get(s.id)!,
      charts: s.charts,
      captions: new Map(s.charts.map((c) => [c.name, readme.captions.get(`${s.id}/${c.name}`) ?? ''])),
      notebookHref: existsSync(notebook) ? href(outDir, notebook) : null,
    };
  });
  const versions = { vega: packageVersion('vega'), vegaLite: packageVersion('vega-lite'), vegaEmbed: packageVersion('vega-embed') };
  const vendorScripts = VENDOR.map((v) => `gallery/vendor/${v.file}`);
  const index = join(outDir, 'index.html');
  const html = indexHtml({ studies: pages, versions, vendorScripts });
  const files = [...assetFiles(outDir, studies), { path: index, text: html }];
  const charts = pages.reduce((n, p) => n + p.charts.length, 0);
  return { index, studies: studies.length, charts, warnings, files, stale: staleSpecs(outDir, studies) };
}

/** Builds the gallery: plans it, writes (or copies) every file, removes stale specs scripts; returns the plan. */
export async function buildGallery(options: GalleryOptions): Promise<GalleryPlan> {
  const plan = await planGallery(options);
  for (const f of plan.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    if ('text' in f) writeFileSync(f.path, f.text);
    else copyFileSync(f.copyOf, f.path);
  }
  for (const path of plan.stale) rmSync(path);
  return plan;
}
