import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Marks a node_modules entry as written by linkSelf, so it is never confused with (or overwrites) a real install. */
const MARKER = 'guidance-lab self-reference';

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  types?: string;
}

/** Returns the parsed package.json of `dir`, or throws naming the file. */
async function readPackageJson(dir: string): Promise<PackageJson> {
  const path = join(dir, 'package.json');
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PackageJson;
  } catch (err) {
    throw new Error(`cannot read "${path}": ${(err as Error).message}`);
  }
}

/**
 * Writes `<root>/node_modules/<name>/package.json` whose `main` and `types` point back at the root package's built files,
 * so that notebooks (tslab: Node10 resolution, no `exports`, no self-reference) can `import … from '<name>'`.
 * Returns the path written, or null when it was already up to date; throws if the build output is missing.
 */
export async function linkSelf(root: string): Promise<string | null> {
  const pkg = await readPackageJson(root);
  const { name, main, types } = pkg;
  if (!name || !main || !types) {
    throw new Error(
      `"${join(root, 'package.json')}" needs name, main and types to be imported by name (got ${JSON.stringify({ name, main, types })})`,
    );
  }
  for (const file of [main, types]) {
    if (!existsSync(join(root, file))) throw new Error(`"${join(root, file)}" does not exist: run \`npm run build\` first`);
  }
  const dir = join(root, 'node_modules', ...name.split('/'));
  const toRoot = (file: string): string => relative(dir, join(root, file)).split(sep).join('/');
  const stub = { name, version: pkg.version, private: true, description: MARKER, main: toRoot(main), types: toRoot(types) };
  const text = JSON.stringify(stub, null, 2) + '\n';
  const path = join(dir, 'package.json');
  if (existsSync(path)) {
    const current = await readFile(path, 'utf8');
    if (current === text) return null;
    if ((JSON.parse(current) as PackageJson & { description?: string }).description !== MARKER) {
      throw new Error(`"${path}" exists and was not written by linkSelf; remove "${dir}" to let notebooks import this checkout`);
    }
  }
  await mkdir(dir, { recursive: true });
  await writeFile(path, text);
  return path;
}
