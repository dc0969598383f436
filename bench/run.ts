/**
 * `npm run bench`: every benchmark, printed as a table and written to bench/results/<date>.json.
 * The backend section also runs in a child process with tfjs's stock wasm kernels, for before/after; the peer
 * section compares with a PyTorch mirror of the shipped models (bench/peer.ts). `npm run bench peer` runs one section.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/backend';
import { benchBackend } from './backend';
import { benchDenoisers } from './denoisers';
import { benchPeer } from './peer';
import type { Row } from './timing';

type Section = { name: string; run: () => Row[] | Promise<Row[]> };

async function optional(path: string, fn: string): Promise<Row[]> {
  try {
    const mod = (await import(path)) as Record<string, () => Promise<Row[]>>;
    return await mod[fn]();
  } catch (e) {
    process.stderr.write(`bench ${path}: ${(e as Error).message}\n`);
    return [];
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--backend-only')) {
    await initBackend();
    process.stdout.write(JSON.stringify(benchBackend()));
    return;
  }
  const backend = await initBackend();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const stock = (): Row[] => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--backend-only'], {
      env: { ...process.env, GUIDANCE_LAB_WASM_KERNELS: 'stock', GUIDANCE_LAB_BACKEND: 'wasm', GUIDANCE_LAB_QUIET: '1' },
      encoding: 'utf8',
    });
    return (JSON.parse(out) as Array<{ name: string; value: number | null; unit: string }>).map((r) => ({
      ...r,
      value: r.value ?? NaN,
      name: `${r.name} [stock tfjs wasm]`,
    }));
  };
  const sections: Section[] = [
    { name: 'backend', run: benchBackend },
    ...(backend === 'wasm' ? [{ name: 'backend-stock', run: stock }] : []),
    { name: 'denoisers', run: benchDenoisers },
    { name: 'training', run: () => optional('./training', 'benchTraining') },
    { name: 'metrics', run: () => optional('./metrics', 'benchMetrics') },
    { name: 'guidance', run: () => optional('./guidance', 'benchGuidance') },
    { name: 'sweep', run: () => optional('./sweep', 'benchSweep') },
    { name: 'sampling', run: () => optional('./sampling', 'benchSampling') },
    { name: 'peer', run: benchPeer },
  ];
  const results: Record<string, Row[]> = {};
  for (const s of sections) {
    if (only.length && !only.includes(s.name)) continue;
    process.stderr.write(`bench: ${s.name}…\n`);
    results[s.name] = await s.run();
    for (const r of results[s.name])
      console.log(
        `${s.name.padEnd(14)} ${r.name.padEnd(64)} ${Number.isNaN(r.value) ? 'n/a (not registered)' : r.value.toFixed(2).padStart(10)} ${r.unit}`,
      );
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const file = join(__dirname, 'results', `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ backend, node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n');
  console.log(`written ${file}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
