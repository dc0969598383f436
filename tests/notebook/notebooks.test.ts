/**
 * Runs every notebook in notebooks/ (00-smoke has its own test) at smoke size on the real tslab
 * kernel, in a temporary copy of the folder layout so that outputs and figures never touch the
 * repository, and checks that each completes and shows at least one interactive chart. Two
 * notebooks run at once (each kernel is one wasm thread; this machine has two cores).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { executeNotebook } from '../../src/jupyter/execute';
import { readNotebook } from '../../src/jupyter/nbformat';
import { linkSelf } from '../../src/jupyter/self-reference';
import { shippedModels } from '../../src/model/shipped';

const ROOT = resolve(__dirname, '..', '..');
const SOURCE = join(ROOT, 'notebooks');
const VEGALITE = 'application/vnd.vegalite.v5+json';
// Read synchronously so that each notebook becomes its own test.
const notebooks = existsSync(SOURCE)
  ? readdirSync(SOURCE)
      .filter((f) => f.endsWith('.ipynb') && f !== '00-smoke.ipynb')
      .sort()
  : [];

// The notebooks need the main checkpoints (data/checkpoints, or GUIDANCE_LAB_CHECKPOINTS).
const missing = ['mnist-unet-main'].filter((m) => !shippedModels().includes(m));
let root: string;

before(async () => {
  await linkSelf(ROOT);
  root = await mkdtemp(join(tmpdir(), 'notebooks-test-'));
  // <root>/notebooks/*.ipynb with ../dist and ../node_modules as in the repository; figures go to <root>/figures.
  await mkdir(join(root, 'notebooks'));
  for (const entry of ['dist', 'node_modules']) await symlink(join(ROOT, entry), join(root, entry));
  for (const f of await readdir(SOURCE)) if (f.endsWith('.ipynb')) await copyFile(join(SOURCE, f), join(root, 'notebooks', f));
});
after(() => rm(root, { recursive: true, force: true }));

test('there are notebooks to run', () => {
  assert.ok(notebooks.length >= 10, `expected notebooks 00-quickstart … 09-comparison in ${SOURCE}; found ${notebooks.join(', ')}`);
});

describe('notebooks at smoke size', { concurrency: 2 }, () => {
  for (const name of notebooks) {
    test(
      `${name} runs top to bottom at smoke size and shows a Vega-Lite chart with a PNG`,
      { skip: missing.length ? `checkpoints missing: ${missing.join(', ')}` : false },
      async () => {
        const path = join(root, 'notebooks', name);
        const env = { ...process.env, GUIDANCE_LAB_SIZE: 'smoke', GUIDANCE_LAB_SIZES: '' };
        const cells = await executeNotebook(path, { env, cwd: join(root, 'notebooks'), cellTimeoutMs: 300_000 });
        assert.ok(cells > 0, `${name}: no code cells ran`);
        const nb = await readNotebook(path);
        const bundles = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'display_data') as {
          data?: Record<string, unknown>;
        }[];
        const chart = bundles.find(
          (b) =>
            b.data &&
            typeof b.data[VEGALITE] === 'object' &&
            b.data[VEGALITE] !== null &&
            !Array.isArray(b.data[VEGALITE]) &&
            typeof b.data['image/png'] === 'string',
        );
        assert.ok(
          chart,
          `${name}: no display bundle holds both ${VEGALITE} (as a JSON object) and image/png; bundles: ${JSON.stringify(bundles.map((b) => Object.keys(b.data ?? {})))}`,
        );
      },
    );
  }
});
