/** Command-line reading shared by the tools. */

/** Returns the value after `--name` on the command line, or `fallback` when it is absent. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Returns the comma-separated numbers after `--name` (or in `fallback`); throws naming the option when one is not a number. */
export function numbers(name: string, fallback: string): number[] {
  const list = option(name, fallback).split(',').map(Number);
  if (list.some((v) => !Number.isFinite(v))) {
    throw new Error(`--${name}: ${option(name, fallback)} is not a comma-separated list of numbers`);
  }
  return list;
}
