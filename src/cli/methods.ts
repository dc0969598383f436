/**
 * `guidance-lab methods`: the guidance methods as a Markdown table, or one method's parameters, from their descriptors.
 */
import type { Command } from 'commander';
import { methodsTable, paramsTable } from '../guidance/methods-table';

/** Registers the `methods` command on `program`. */
export function methodsCommand(program: Command): void {
  program
    .command('methods')
    .description("list the guidance methods, or with a name that method's parameters (defaults, allowed values, sample flags)")
    .argument('[method]', 'a method name: show its parameters')
    .action((method: string | undefined) => {
      process.stdout.write(method === undefined ? methodsTable() : paramsTable(method));
    });
}
