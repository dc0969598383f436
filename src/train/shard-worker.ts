/**
 * Worker-thread entry of data-parallel training: builds the model once, then for each step it is sent
 * takes the parameters, computes its shard's gradient share and posts it back flattened.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { createDenoiser } from '../model/factory';
import { assignFlat, flatten, shardGradients, type FromShard, type ShardWorkerSetup, type ToShard } from './shards';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('train/shard-worker.ts runs only as a worker thread');
  const setup = workerData as ShardWorkerSetup;
  const post = (m: FromShard, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    await initBackend(setup.backend);
    const model = createDenoiser(setup.config, 0);
    const vars = [...model.net.params.vars.values()];
    port.on('message', (m: ToShard) => {
      try {
        assignFlat(vars, m.params);
        const { value, grads } = shardGradients(model, vars, setup.data, m.step, setup.shard, setup.shards);
        const flat = flatten(vars.map((v) => grads[v.name]));
        const loss = value.dataSync()[0];
        tf.dispose([value, grads]);
        post({ type: 'grads', loss, grads: flat }, [flat.buffer]);
      } catch (e) {
        post({ type: 'error', message: (e as Error).stack ?? String(e) });
      }
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
}

void main();
