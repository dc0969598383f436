#!/usr/bin/env node
// `npm run jupyter-kernel`: installs the tslab kernel spec for JupyterLab, pointing at this checkout's tslab
// (the spec `npx tslab install` writes calls a bare `tslab` that is not on PATH). Extra arguments go to
// `tslab install` (e.g. --python /path/to/venv/bin/python, --sys-prefix).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const tslab = join(root, 'node_modules', 'tslab', 'bin', 'tslab');
if (!existsSync(tslab)) {
  console.error(`tslab is not installed at ${tslab}: run \`npm ci\` in ${root} first`);
  process.exit(1);
}
const args = process.argv.slice(2);
const pythonArg = args.find((a) => a.startsWith('--python='));
const python = pythonArg ? pythonArg.slice('--python='.length) : 'python3';
const probe = spawnSync(python, ['-c', 'import jupyter_client'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.error(
    `${python} cannot import jupyter_client: install JupyterLab first (\`pip install jupyterlab\`), or pass --python=<the python that has it>`,
  );
  process.exit(1);
}
const r = spawnSync(process.execPath, [tslab, 'install', `--binary=${tslab}`, ...(pythonArg ? [] : [`--python=${python}`]), ...args], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
