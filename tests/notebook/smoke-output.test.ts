/**
 * Smoke-size runs must never touch the repository: figures go to .smoke/figures and executed notebooks to
 * .smoke/notebooks (both ignored by git); only full size writes figures/ and the committed outputs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { figureDir } from '../../src/notebook/figure-dir';
import { joinText, readNotebook, type StreamOutput } from '../../src/jupyter/nbformat';
import { shippedModels } from '../../src/model/shipped';

const ROOT = resolve(__dirname, '..', '..');

test('figureDir is figures/<name> at full size and .smoke/figures/<name> at any other', () => {
  assert.equal(figureDir('03-sag', 'full'), '../figures/03-sag');
  assert.equal(figureDir('03-sag', 'smoke'), '../.smoke/figures/03-sag');
  for (const bad of ['', 'a/b', '..', 'x\\y']) assert.throws(() => figureDir(bad, 'full'), /plain folder name/);
});

/** Returns `git status --porcelain` of the checkout, or null outside a git checkout. */
function gitStatus(): string | null {
  const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

const skip = !existsSync(join(ROOT, 'dist', 'index.js'))
  ? 'dist/ not built (npm run build)'
  : !shippedModels().includes('mnist-unet-main')
    ? 'mnist-unet-main not shipped'
    : false;

test('npm run notebooks at smoke size leaves git status unchanged and shows no stderr in the notebook', { skip }, async () => {
  const before = gitStatus();
  const notebook = join('notebooks', '00-quickstart.ipynb');
  const r = spawnSync(process.execPath, [join('dist', 'jupyter', 'cli.js'), 'run', notebook, '--no-echo'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, GUIDANCE_LAB_SIZE: 'smoke', GUIDANCE_LAB_SIZES: '' },
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  if (before !== null) assert.equal(gitStatus(), before, 'a smoke run changed tracked or unignored files');
  assert.ok(
    existsSync(join(ROOT, '.smoke', 'figures', '00-quickstart', 'cfg-gamma-rows.png')),
    'the smoke figure is not in .smoke/figures',
  );
  const executed = await readNotebook(join(ROOT, '.smoke', 'notebooks', '00-quickstart.ipynb'));
  const stderr = executed.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o): o is StreamOutput => o.output_type === 'stream' && o.name === 'stderr');
  assert.deepEqual(
    stderr.map((o) => joinText(o.text)),
    [],
    'the notebook shows stderr output',
  );
});
