/** Command-line reading shared by the tools. */

/** Returns the value after `--name` on the command line, or `fallback` when it is absent. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
