#!/usr/bin/env node
/**
 * The `guidance-lab` command line.
 */
import { Command } from 'commander';
import { trainCommand } from './train';
import { shipCommand } from './ship';
import { simsCommand } from './sims';
import { sampleCommand } from './sample';
import { sweepCommands } from './sweep';
import { modelsCommand } from './models';
import { methodsCommand } from './methods';
import { workerCommand } from './queue';
import { autoencoderCommands } from './autoencoder';

const program = new Command('guidance-lab').description('see and measure diffusion guidance');
trainCommand(program);
shipCommand(program);
simsCommand(program);
sampleCommand(program);
sweepCommands(program);
modelsCommand(program);
methodsCommand(program);
workerCommand(program);
autoencoderCommands(program);
// Every error (a bad option, a refused input, a failure during the work) ends the command with exit code 1.
program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`guidance-lab: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
