// Trains the toy laboratory's learned denoisers (src/toy/models.ts) and writes them to data/toy/
// (or the folder given as the first argument). Deterministic: the same seeds give the same files.
import { initBackend } from '../src/backend';
import { TOY_DIR, shipToyModels } from '../src/toy/models';
import { toyMixture } from '../src/toy/tree';

(async () => {
  await initBackend('wasm');
  const dir = process.argv[2] ?? TOY_DIR;
  for (const r of await shipToyModels(toyMixture(), dir)) console.log(`${r.name}: ${r.seconds.toFixed(1)} s → ${r.path}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
