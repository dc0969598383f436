/** A notebook run stopped by a signal stops its kernel too (a kernel left behind would go on computing unseen). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Notebook } from '../../src/jupyter/nbformat';

const CLI = resolve(__dirname, '..', '..', 'src', 'jupyter', 'cli.ts');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gl-signals-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Returns whether process `pid` exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `check` holds, polling every 100 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SIGTERM to `run` kills the kernel running a long cell and exits with 143', async () => {
  const pidFile = join(dir, 'kernel.pid');
  const nb: Notebook = {
    cells: [
      {
        cell_type: 'code',
        id: 'long',
        source: `import { writeFileSync } from 'fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nawait new Promise((r) => setTimeout(r, 120_000));`,
        metadata: {},
        outputs: [],
        execution_count: null,
      },
    ],
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const input = join(dir, 'long.ipynb');
  await writeFile(input, JSON.stringify(nb));
  const cli = spawn(process.execPath, ['--import', 'tsx', CLI, 'run', input, '--out', join(dir, 'out.ipynb'), '--no-echo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => cli.once('exit', (code) => r(code)));
  try {
    await until(() => existsSync(pidFile), 60_000, 'the kernel to run the cell');
    const kernelPid = Number(await readFile(pidFile, 'utf8'));
    assert.ok(alive(kernelPid), 'the kernel runs the cell');
    cli.kill('SIGTERM');
    assert.equal(await exited, 143, stderr);
    await until(() => !alive(kernelPid), 5000, `kernel ${kernelPid} to exit`);
    assert.match(stderr, /SIGTERM: stopped 1 kernel;/);
  } finally {
    cli.kill('SIGKILL');
  }
});
