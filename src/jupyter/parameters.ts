/**
 * Parameterised runs, papermill's convention for a TypeScript kernel: the cell tagged `parameters`
 * declares the defaults (`const name: Type = value;`), and a run's `-p name=value` pairs become an
 * `injected-parameters` cell right after it that redeclares those names (tslab allows redeclaring a
 * name in a later cell). Only declared names are accepted; the values are recorded in the notebook's
 * metadata (`guidance_lab.parameters`).
 */
import { readNotebook, writeNotebook, joinText, type Cell, type Notebook } from './nbformat';

/** The tag of the cell that declares a notebook's parameters. */
export const PARAMETERS_TAG = 'parameters';
/** The tag of the cell a run injects after it. */
export const INJECTED_TAG = 'injected-parameters';

/** A declared parameter: its keyword and its type annotation, if any. */
export interface DeclaredParameter {
  keyword: 'const' | 'let' | 'var';
  type?: string;
}

/** Returns `[name, value]` of a `-p name=value` argument: the value parsed as JSON when it parses, else the text itself. */
export function parseParameter(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new Error(`-p "${text}": expected name=value with name an identifier (e.g. -p seeds=[0,1,2] or -p size=full)`);
  }
  const raw = text.slice(eq + 1);
  try {
    return [name, JSON.parse(raw) as unknown];
  } catch {
    return [name, raw];
  }
}

/** Returns the names declared at the top level of a parameters cell (`const|let|var name[: Type] = …`), in order. */
export function declaredParameters(source: string): Map<string, DeclaredParameter> {
  const declared = new Map<string, DeclaredParameter>();
  const re = /^(?:export\s+)?(const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*((?:[^=]|=>)+?))?\s*=(?!>)/gm;
  for (const m of source.matchAll(re)) {
    declared.set(m[2], { keyword: m[1] as DeclaredParameter['keyword'], ...(m[3] === undefined ? {} : { type: m[3].trim() }) });
  }
  return declared;
}

const tags = (cell: Cell): unknown[] => (Array.isArray(cell.metadata.tags) ? (cell.metadata.tags as unknown[]) : []);

/**
 * Returns a copy of `nb` with an `injected-parameters` cell (replacing one from an earlier run) after the
 * cell tagged `parameters`, and the values in `metadata.guidance_lab.parameters`; throws naming `where`
 * when no cell is tagged, or naming an undeclared key and the declared ones.
 */
export function injectParameters(nb: Notebook, params: Record<string, unknown>, where: string): Notebook {
  const cells = nb.cells.filter((c) => !tags(c).includes(INJECTED_TAG));
  const at = cells.findIndex((c) => tags(c).includes(PARAMETERS_TAG));
  if (at < 0) throw new Error(`${where} has no cell tagged "${PARAMETERS_TAG}" (cell.metadata.tags), so it takes no -p parameters`);
  const declared = declaredParameters(joinText(cells[at].source));
  const lines = Object.entries(params).map(([name, value]) => {
    const d = declared.get(name);
    const names = [...declared.keys()].join(', ') || 'nothing';
    if (!d) throw new Error(`${where} declares no parameter "${name}"; its parameters cell declares: ${names}`);
    return `${d.keyword} ${name}${d.type === undefined ? '' : `: ${d.type}`} = ${JSON.stringify(value)};\n`;
  });
  const injected: Cell = {
    cell_type: 'code',
    ...(cells[at].id === undefined ? {} : { id: INJECTED_TAG }),
    metadata: { tags: [INJECTED_TAG] },
    source: ['// Parameters of this run (injected after the cell tagged "parameters")\n', ...lines].join(''),
    outputs: [],
    execution_count: null,
  };
  const metadata = { ...nb.metadata, guidance_lab: { ...(nb.metadata.guidance_lab as object | undefined), parameters: params } };
  return { ...nb, metadata, cells: [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)] };
}

/** Writes to `output` the notebook at `input` with `params` injected (see injectParameters); returns nothing. */
export async function writeParameterised(input: string, output: string, params: Record<string, unknown>): Promise<void> {
  const nb = await readNotebook(input);
  await writeNotebook(output, injectParameters(nb, params, input));
}
