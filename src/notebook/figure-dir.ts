/**
 * Where a notebook writes its figures and rows: the committed `figures/` folder only at full size
 * (`npm run figures`); every other size (smoke runs from tests, `npm run notebooks`, a JupyterLab
 * "Run All") writes to the untracked `.smoke/figures/`, so running a notebook never changes the repository.
 */
import { notebookSizes, type SizeName } from './sizes';

/** Folder of full-size figures, relative to the notebooks' folder (the kernel's working directory). */
const FIGURES = '../figures';
/** Folder of figures from any other size, relative to the notebooks' folder (ignored by git). */
const SMOKE_FIGURES = '../.smoke/figures';

/**
 * Returns the folder notebook `name` writes its figures to at `size` (default: the size of this run), relative to the notebooks' folder.
 */
export function figureDir(name: string, size: SizeName = notebookSizes().size): string {
  if (name.trim() === '' || /[\\/]|\.\./.test(name)) {
    throw new Error(`figure folder name "${name}" must be a plain folder name (no separators or ".."), e.g. "03-sag"`);
  }
  return `${size === 'full' ? FIGURES : SMOKE_FIGURES}/${name}`;
}
