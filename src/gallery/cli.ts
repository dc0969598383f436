#!/usr/bin/env node
/**
 * `npm run gallery`: builds the static figure gallery (figures/index.html + figures/gallery/) from the
 * committed figures. Exits 1 naming every bad spec, or when some study is not full size (unless --allow-smoke).
 */
import { Command } from 'commander';
import { buildGallery } from './build';

const program = new Command('gallery')
  .description('build the static figure gallery (index.html + gallery/) from figures/<study>/*.vl.json, their PNGs and figures/README.md')
  .option('--figures <dir>', 'the figures folder', 'figures')
  .option('--notebooks <dir>', 'the notebooks whose outputs tell the size each study ran at', 'notebooks')
  .option('--allow-smoke', 'build even when some study is smoke size or of unknown size (the page marks them)', false)
  .action(async (o: { figures: string; notebooks: string; allowSmoke: boolean }) => {
    const report = await buildGallery({
      figuresDir: o.figures,
      notebooksDir: o.notebooks,
      allowSmoke: o.allowSmoke,
    });
    for (const w of report.warnings) process.stderr.write(`gallery: warning: ${w}\n`);
    process.stdout.write(`gallery: ${report.studies} studies, ${report.charts} charts → ${report.index}\n`);
  });
program.parseAsync(process.argv).catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
