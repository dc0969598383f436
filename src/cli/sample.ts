/**
 * `guidance-lab sample`: guided samples from a shipped model, written as a PNG grid.
 */
import type { Command } from 'commander';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../backend';
import { loadShipped } from '../model/shipped';
import { NULL_LABEL } from '../model/denoiser';
import { METHODS } from '../guidance/term';
import { guidanceTerm } from '../guidance/methods';
import { cfg } from '../guidance/cfg';
import { sample } from '../guidance/sample';
import type { GuidanceTerm } from '../guidance/term';
import { sampleGrid } from '../viz/specs/grid';
import { toPng } from '../viz/render';
import { positiveInt } from './train';

interface SampleCli {
  model: string;
  method?: string;
  gamma?: number;
  cfg?: number;
  layers?: string[];
  sigma?: number;
  strategy?: string;
  guide?: string;
  negative?: string;
  variant?: string;
  s?: number;
  alpha?: number;
  interval?: [number, number];
  labels?: number[];
  n: number;
  steps: number;
  sampler: 'heun' | 'euler';
  seed: number;
  out: string;
}

/** Registers the `sample` command on `program`. */
export function sampleCommand(program: Command): void {
  program
    .command('sample')
    .description('sample a shipped model with a guidance method and write a PNG grid')
    .requiredOption('--model <name>', 'shipped model name (see data/checkpoints) or checkpoint path')
    .requiredOption('--out <file.png>', 'output PNG')
    .option('--method <name>', `guidance method: ${METHODS.join(', ')}`)
    .option('--gamma <γ>', 'guidance weight γ of --method (γ = 0 is unguided)', Number)
    .option('--cfg <γ>', 'stack classifier-free guidance with this γ', Number)
    .option('--layers <names>', 'attention layers for pag/seg (comma-separated, exact names)', (v) => v.split(','))
    .option('--sigma <σ>', 'blur σ (sag, seg; seg: > 9999 means ∞)', Number)
    .option('--strategy <name>', 'sag masking strategy')
    .option('--guide <name>', 'autoguidance guide model')
    .option('--negative <name>', 'sims negative model')
    .option('--variant <name>', 'icg variant (random-class, gaussian)')
    .option('--s <s>', 'tsg perturbation scale', Number)
    .option('--alpha <α>', 'tsg exponent', Number)
    .option('--interval <lo,hi>', 'apply the method only for σ in (lo, hi]', (v) => v.split(',').map(Number) as [number, number])
    .option('--labels <list>', 'classes, comma-separated (default 0…9 repeated)', (v) => v.split(',').map(Number))
    .option('--n <n>', 'number of samples', (v) => positiveInt(v, '--n'), 20)
    .option('--steps <n>', 'sampler steps', (v) => positiveInt(v, '--steps'), 18)
    .option('--sampler <name>', 'heun or euler', 'heun')
    .option('--seed <n>', 'noise seed', (v) => positiveInt(v, '--seed'), 1)
    .action(async (o: SampleCli) => {
      await initBackend();
      const { model } = await loadShipped(o.model);
      const guidance: GuidanceTerm[] = [];
      if (o.cfg !== undefined) guidance.push(cfg({ gamma: o.cfg }));
      if (o.method) {
        // SAG reads one layer (its mask); PAG and SEG perturb a list.
        const layerOpt = o.method === 'sag' ? { layer: o.layers?.[0] } : { layers: o.layers };
        const opts: Record<string, unknown> = {
          gamma: o.gamma, ...layerOpt, sigma: o.sigma, strategy: o.strategy, variant: o.variant, s: o.s, alpha: o.alpha, interval: o.interval,
          guide: o.guide && (await loadShipped(o.guide)).model,
          negative: o.negative && (await loadShipped(o.negative)).model,
        };
        for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k];
        guidance.push(guidanceTerm(o.method, opts));
      }
      const classes = model.config.classes;
      const labels = o.labels ?? Array.from({ length: o.n }, (_, i) => (classes > 0 ? i % classes : NULL_LABEL));
      const images = await sample({ model, guidance, labels, steps: o.steps, sampler: o.sampler, seed: o.seed });
      const pixels = images.dataSync();
      images.dispose();
      const title = `${o.model}: ${[o.cfg !== undefined ? `cfg γ=${o.cfg}` : '', o.method ? `${o.method} γ=${o.gamma ?? 'default'}` : ''].filter(Boolean).join(' + ') || 'unguided'}, ${o.steps} ${o.sampler} steps`;
      const spec = sampleGrid(labels.map((l, i) => ({ pixels: Array.from(pixels.subarray(i * 1024, (i + 1) * 1024)), height: 32, width: 32, label: l === NULL_LABEL ? undefined : String(l) })), { columns: Math.min(10, labels.length), title });
      mkdirSync(dirname(o.out), { recursive: true });
      writeFileSync(o.out, (await toPng(spec)).png);
      process.stderr.write(`wrote ${o.out}\n`);
    });
}
