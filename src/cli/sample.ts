/**
 * `guidance-lab sample`: guided samples from a shipped model, written as a PNG grid.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { initBackend } from '../backend';
import { loadShipped } from '../model/shipped';
import { NULL_LABEL } from '../model/denoiser';
import { methodNames, guidanceTerm, modelParam } from '../guidance/registry';
import { SAMPLERS, type SamplerName } from '../diffusion';
import { cfg } from '../guidance/builders';
import { sample } from '../guidance/sample';
import type { GuidanceTerm } from '../guidance/term';
import { sampleGrid } from '../viz/specs/grid';
import { toPng } from '../viz/render';
import { integer, number, numberList, oneOf } from './options';
import { checkWritable } from './files';
import { type MethodFlagValues, addMethodFlags, methodOptions } from './method-flags';

export { methodOptions };

/** The sample command's options: its own, then --method's flags (derived from the method descriptors). */
type SampleCli = MethodFlagValues & {
  model: string;
  cfg?: number;
  labels?: number[];
  n: number;
  steps: number;
  sampler: SamplerName;
  seed: number;
  workers?: number;
  out: string;
};

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
  const cmd = program
    .command('sample')
    .description('sample a shipped model with a guidance method and write a PNG grid')
    .requiredOption('--model <name>', 'shipped model name (see data/checkpoints) or checkpoint path')
    .requiredOption('--out <file.png>', 'output PNG')
    .option('--method <name>', `guidance method: ${methodNames().join(', ')} (see guidance-lab methods)`, oneOf('--method', methodNames()))
    .option('--cfg <γ>', 'stack classifier-free guidance with this γ', number('--cfg', { min: -1 }));
  addMethodFlags(cmd)
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
        const role = modelParam(o.method);
        if (role !== undefined) opts[role] = (await loadShipped(opts[role] as string)).model;
        guidance.push(guidanceTerm(o.method, opts));
      }
      const images = await sample({ model, guidance, labels, steps: o.steps, sampler: o.sampler, seed: o.seed, workers: o.workers });
      const pixels = images.dataSync();
      images.dispose();
      const title = `${o.model}: ${[o.cfg !== undefined ? `cfg γ=${o.cfg}` : '', o.method ? `${o.method} γ=${named.gamma ?? 'default'}` : ''].filter(Boolean).join(' + ') || 'unguided'}, ${o.steps} ${o.sampler} steps`;
      const spec = sampleGrid(
        labels.map((l, i) => ({
          pixels: Array.from(pixels.subarray(i * 1024, (i + 1) * 1024)),
          height: 32,
          width: 32,
          label: l === NULL_LABEL ? undefined : String(l),
        })),
        { columns: Math.min(10, labels.length), title },
      );
      writeFileSync(o.out, (await toPng(spec)).png);
      process.stderr.write(`wrote ${o.out}\n`);
    });
}
