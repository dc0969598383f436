/**
 * `guidance-lab sample`: guided samples from a shipped model, written as a PNG grid.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { initBackend } from '../backend';
import { loadShipped } from '../model/shipped';
import { NULL_LABEL } from '../model/denoiser';
import { METHODS, type MethodName } from '../guidance/term';
import { METHOD_OPTIONS, guidanceTerm, modelOption } from '../guidance/methods';
import { SAMPLERS, type SamplerName } from '../diffusion';
import { cfg } from '../guidance/cfg';
import { sample } from '../guidance/sample';
import type { GuidanceTerm } from '../guidance/term';
import { sampleGrid } from '../viz/specs/grid';
import { toPng } from '../viz/render';
import { integer, interval, nameList, number, numberList, oneOf } from './options';
import { checkWritable } from './files';

interface SampleCli {
  model: string;
  method?: MethodName;
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
  sampler: SamplerName;
  seed: number;
  workers?: number;
  out: string;
}

/** The flags that set an option of --method, by the option they set (--layers sets `layer` for sag, which reads one). */
const METHOD_FLAGS = ['gamma', 'layers', 'sigma', 'strategy', 'guide', 'negative', 'variant', 's', 'alpha', 'interval'] as const;
type MethodFlag = (typeof METHOD_FLAGS)[number];

/** Returns the name of the option `flag` sets in `method`'s builder, or undefined when the method takes none. */
function optionOf(method: MethodName, flag: MethodFlag): string | undefined {
  const table = METHOD_OPTIONS[method];
  if (flag === 'layers' && table.layer !== undefined) return 'layer';
  return table[flag] === undefined ? undefined : flag;
}

/**
 * Returns the options of --method from the flags given (models by name), or throws naming a flag
 * that does not apply (no --method, or a method that takes no such option) and a missing model.
 */
export function methodOptions(o: Partial<SampleCli>): Record<string, unknown> {
  const given = METHOD_FLAGS.filter((f) => o[f] !== undefined);
  if (!o.method) {
    if (given.length > 0) {
      throw new Error(
        `--${given[0]} sets an option of --method, and no --method is given (methods: ${METHODS.join(', ')}; --cfg alone stacks CFG)`,
      );
    }
    return {};
  }
  const method = o.method;
  const accepted = METHOD_FLAGS.filter((f) => optionOf(method, f) !== undefined).map((f) => `--${f}`);
  const opts: Record<string, unknown> = {};
  for (const f of given) {
    const key = optionOf(method, f);
    if (key === undefined) throw new Error(`--${f} does not apply to ${method}; ${method} takes ${accepted.join(', ')}`);
    if (key === 'layer' && o.layers!.length !== 1) {
      throw new Error(`--layers: ${method} reads one layer (its mask); got ${o.layers!.length}: "${o.layers!.join(',')}"`);
    }
    opts[key] = key === 'layer' ? o.layers![0] : o[f];
  }
  const needs = modelOption(method);
  if (needs !== undefined && opts[needs] === undefined) {
    throw new Error(`${method} needs --${needs} <model> (a shipped name or checkpoint path)`);
  }
  return opts;
}

/** Returns the labels to sample: `--labels` checked against the model's classes and `--n`, or 0…classes−1 repeated. */
function sampleLabels(o: SampleCli, nGiven: boolean, classes: number): number[] {
  if (o.labels === undefined) return Array.from({ length: o.n }, (_, i) => (classes > 0 ? i % classes : NULL_LABEL));
  if (classes === 0) throw new Error(`--labels: ${o.model} is unconditional (0 classes); drop --labels`);
  const bad = o.labels.find((l) => l >= classes);
  if (bad !== undefined) throw new Error(`--labels: class ${bad} is not one of ${o.model}'s classes 0…${classes - 1}`);
  if (nGiven && o.n !== o.labels.length) {
    throw new Error(`--n ${o.n} but --labels lists ${o.labels.length} classes; give one of them, or as many labels as --n`);
  }
  return o.labels;
}

/** Registers the `sample` command on `program`. */
export function sampleCommand(program: Command): void {
  program
    .command('sample')
    .description('sample a shipped model with a guidance method and write a PNG grid')
    .requiredOption('--model <name>', 'shipped model name (see data/checkpoints) or checkpoint path')
    .requiredOption('--out <file.png>', 'output PNG')
    .option('--method <name>', `guidance method: ${METHODS.join(', ')}`, oneOf('--method', METHODS))
    .option('--gamma <γ>', 'guidance weight γ of --method (γ = 0 is unguided)', number('--gamma'))
    .option('--cfg <γ>', 'stack classifier-free guidance with this γ', number('--cfg', { min: -1 }))
    .option('--layers <names>', 'attention layers for pag/seg (comma-separated, exact names); sag: one layer', nameList('--layers'))
    .option('--sigma <σ>', 'blur σ (sag, seg; seg: > 9999 means ∞)', number('--sigma', { above: 0 }))
    .option('--strategy <name>', 'sag masking strategy')
    .option('--guide <name>', 'autoguidance guide model')
    .option('--negative <name>', 'sims negative model')
    .option('--variant <name>', 'icg variant (random-class, gaussian)')
    .option('--s <s>', 'tsg perturbation scale', number('--s', { min: 0 }))
    .option('--alpha <α>', 'tsg exponent', number('--alpha'))
    .option('--interval <lo,hi>', 'apply the method only for σ in (lo, hi]', interval('--interval'))
    .option('--labels <list>', 'classes, comma-separated (default 0…9 repeated)', numberList('--labels', { min: 0 }, true))
    .option('--n <n>', 'number of samples', integer('--n', { min: 1 }), 20)
    .option('--steps <n>', 'sampler steps', integer('--steps', { min: 1 }), 18)
    .option('--sampler <name>', 'heun or euler', oneOf('--sampler', SAMPLERS), 'heun')
    .option('--seed <n>', 'noise seed', integer('--seed', { min: 0 }), 1)
    .option('--workers <n>', 'threads the batches are split over (default: one per core; 1: this thread)', integer('--workers', { min: 1 }))
    .action(async (o: SampleCli, cmd: Command) => {
      const named = methodOptions(o);
      checkWritable(o.out, '--out');
      await initBackend();
      const { model } = await loadShipped(o.model);
      const labels = sampleLabels(o, cmd.getOptionValueSource('n') === 'cli', model.config.classes);
      const guidance: GuidanceTerm[] = [];
      if (o.cfg !== undefined) guidance.push(cfg({ gamma: o.cfg }));
      if (o.method) {
        const opts = { ...named };
        for (const role of ['guide', 'negative'] as const) {
          if (typeof opts[role] === 'string') opts[role] = (await loadShipped(opts[role] as string)).model;
        }
        guidance.push(guidanceTerm(o.method, opts));
      }
      const images = await sample({ model, guidance, labels, steps: o.steps, sampler: o.sampler, seed: o.seed, workers: o.workers });
      const pixels = images.dataSync();
      images.dispose();
      const title = `${o.model}: ${[o.cfg !== undefined ? `cfg γ=${o.cfg}` : '', o.method ? `${o.method} γ=${o.gamma ?? 'default'}` : ''].filter(Boolean).join(' + ') || 'unguided'}, ${o.steps} ${o.sampler} steps`;
      const spec = sampleGrid(labels.map((l, i) => ({ pixels: Array.from(pixels.subarray(i * 1024, (i + 1) * 1024)), height: 32, width: 32, label: l === NULL_LABEL ? undefined : String(l) })), { columns: Math.min(10, labels.length), title });
      writeFileSync(o.out, (await toPng(spec)).png);
      process.stderr.write(`wrote ${o.out}\n`);
    });
}
