/** Loads a shipped classifier checkpoint into the `Classifier` API. */
import { join } from 'node:path';
import { loadCheckpoint } from '../../model/checkpoint';
import { classifierFromNet, type Classifier } from './classifier';
import { ClassifierNet, type ClassifierConfig } from './model';

/** The shipped MNIST classifier (relative to the package root, from `src/` or `dist/`). */
export const DEFAULT_CLASSIFIER_PATH = join(__dirname, '..', '..', '..', 'data', 'classifier', 'mnist.safetensors');

/** Returns the classifier stored at `path` (default: the shipped MNIST one), identified by the file's sha256. */
export async function loadClassifier(path: string = DEFAULT_CLASSIFIER_PATH): Promise<Classifier> {
  const ckpt = await loadCheckpoint(path);
  const config = ckpt.metadata.config as unknown as ClassifierConfig;
  if (config.arch !== 'attn-classifier')
    throw new Error(`${path}: config.arch is "${String(config.arch)}", not a classifier ("attn-classifier")`);
  const net = new ClassifierNet(config);
  net.params.load(ckpt.tensors, path);
  return classifierFromNet(net, ckpt.digest);
}
