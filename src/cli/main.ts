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

const program = new Command('guidance-lab').description('see and measure diffusion guidance');
trainCommand(program);
shipCommand(program);
simsCommand(program);
sampleCommand(program);
sweepCommands(program);
modelsCommand(program);
program.parseAsync(process.argv).catch((e: Error) => {
  process.stderr.write(`guidance-lab: ${e.message}\n`);
  process.exit(1);
});
