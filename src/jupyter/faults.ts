/**
 * Faults a cell's status does not show: a promise rejected with nobody awaiting it, or an exception
 * thrown from a timer. tslab only prints these to stderr (or not at all when they come after the last
 * cell), so the runner installs its own recorder in the kernel and asks it after every cell.
 */

const MARKER = '__guidance_lab_faults__';
const STORE = '__guidanceLabFaults';

/** Code of the hidden cell run first: records every unhandled rejection and uncaught exception in the kernel. */
export const INSTALL_FAULT_RECORDER = `(() => {
  const g = globalThis as any;
  if (g.${STORE}) return;
  g.${STORE} = [];
  const record = (kind: string) => (e: any) => g.${STORE}.push(kind + ': ' + (e && e.stack ? e.stack : String(e)));
  g.process.on('unhandledRejection', record('unhandled promise rejection (a promise nobody awaited or caught)'));
  g.process.on('uncaughtException', record('uncaught exception (thrown from a timer or callback)'));
})();`;

/** Returns the code of the hidden cell run after each cell: waits `settleMs`, then prints and clears the faults recorded. */
export function faultProbe(settleMs: number): string {
  const report = `console.log('${MARKER}' + JSON.stringify((globalThis as any).${STORE}.splice(0)));`;
  return `await new Promise((r) => setTimeout(r, ${settleMs}));\n${report}`;
}

/** Returns the faults reported in `text` (a stdout chunk of the probe), or undefined when `text` is not the report. */
export function parseFaultReport(text: string): string[] | undefined {
  const at = text.indexOf(MARKER);
  if (at < 0) return undefined;
  return JSON.parse(text.slice(at + MARKER.length).trim()) as string[];
}
