/**
 * Checks that a Vega-Lite spec works in the gallery's pinned vega and vega-lite: its `$schema`
 * names the installed Vega-Lite major version, it compiles to Vega, the Vega spec parses, and a
 * headless view runs its dataflow without logging an error. Errors name the spec's file.
 */
import * as vega from 'vega';
import { compile, version as vegaLiteVersion } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** The collected messages of one check. */
interface Messages {
  errors: string[];
  warnings: string[];
}

/** Returns a vega/vega-lite logger that records errors and warnings into `into` instead of printing them. */
function recordingLogger(into: Messages): vega.LoggerInterface {
  let level = vega.Warn;
  const text = (args: readonly unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: readonly unknown[]) => (into.errors.push(text(args)), logger),
    warn: (...args: readonly unknown[]) => (into.warnings.push(text(args)), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as vega.LoggerInterface;
}

/** Throws unless `spec` declares a Vega-Lite schema of the installed major version; `file` names it in the error. */
function checkSchema(file: string, spec: Record<string, unknown>): void {
  const schema = spec.$schema;
  const m = typeof schema === 'string' ? /vega-lite\/v(\d+)/.exec(schema) : null;
  const major = vegaLiteVersion.split('.')[0];
  if (!m || m[1] !== major) {
    throw new Error(
      `${file}: $schema is ${JSON.stringify(schema)}; the gallery ships vega-lite ${vegaLiteVersion}, ` +
        `so it must be .../vega-lite/v${major}.json`,
    );
  }
}

/** Compiles and runs `spec` headlessly; returns its warnings, throws `<file>: <reason>` on any error. */
export async function checkSpec(file: string, spec: unknown): Promise<string[]> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new Error(`${file}: not a JSON object, so not a Vega-Lite spec`);
  checkSchema(file, spec as Record<string, unknown>);
  const messages: Messages = { errors: [], warnings: [] };
  const logger = recordingLogger(messages);
  let view: vega.View | null = null;
  try {
    const compiled = compile(spec as TopLevelSpec, { logger });
    view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger });
    await view.runAsync();
  } catch (e) {
    messages.errors.push((e as Error).message);
  } finally {
    view?.finalize();
  }
  if (messages.errors.length > 0) throw new Error(`${file}: does not compile or run: ${messages.errors.join('; ')}`);
  return messages.warnings.map((w) => `${file}: ${w}`);
}
