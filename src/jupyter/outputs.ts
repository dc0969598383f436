import { joinText, type DisplayDataOutput, type ExecuteResultOutput, type Output } from './nbformat';
import type { JupyterMessage } from './wire';

/** Outputs shown under a display_id, across all cells of one notebook run (targets of update_display_data). */
export type DisplayRegistry = Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>;

/** Collects one cell's iopub messages into nbformat 4 outputs, the way a notebook front end shows them. */
export class CellOutputs {
  readonly outputs: Output[] = [];
  private clearOnNextOutput = false;

  constructor(private readonly displays: DisplayRegistry) {}

  /** Applies one iopub message of this cell (other message types are ignored) and returns nothing. */
  add(msg: JupyterMessage): void {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case 'stream':
        return this.addStream(c.name === 'stderr' ? 'stderr' : 'stdout', String(c.text ?? ''));
      case 'display_data':
        return this.addDisplay({ output_type: 'display_data', data: bundle(c.data), metadata: bundle(c.metadata) }, c);
      case 'execute_result':
        return this.addDisplay(
          {
            output_type: 'execute_result',
            execution_count: typeof c.execution_count === 'number' ? c.execution_count : null,
            data: bundle(c.data),
            metadata: bundle(c.metadata),
          },
          c,
        );
      case 'update_display_data':
        for (const output of this.displays.get(displayId(c) ?? '') ?? []) {
          output.data = bundle(c.data);
          output.metadata = bundle(c.metadata);
        }
        return;
      case 'error':
        return this.push({
          output_type: 'error',
          ename: String(c.ename ?? ''),
          evalue: String(c.evalue ?? ''),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
      case 'clear_output':
        if (c.wait === true) this.clearOnNextOutput = true;
        else this.outputs.length = 0;
        return;
    }
  }

  /** Returns everything this cell wrote to `name` ('stdout' or 'stderr'), joined. */
  streamText(name: 'stdout' | 'stderr'): string {
    return this.outputs.map((o) => (o.output_type === 'stream' && o.name === name ? joinText(o.text) : '')).join('');
  }

  private addStream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.clearOnNextOutput ? undefined : this.outputs[this.outputs.length - 1];
    if (last?.output_type === 'stream' && last.name === name) last.text = joinText(last.text) + text;
    else this.push({ output_type: 'stream', name, text });
  }

  private addDisplay(output: DisplayDataOutput | ExecuteResultOutput, content: Record<string, unknown>): void {
    const id = displayId(content);
    if (id !== undefined) this.displays.set(id, [...(this.displays.get(id) ?? []), output]);
    this.push(output);
  }

  private push(output: Output): void {
    if (this.clearOnNextOutput) {
      this.outputs.length = 0;
      this.clearOnNextOutput = false;
    }
    this.outputs.push(output);
  }
}

/** Returns `value` as a MIME bundle or metadata object (empty when the kernel sent none). */
function bundle(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : {};
}

/** Returns the display_id in a message's `transient` field, if any. */
function displayId(content: Record<string, unknown>): string | undefined {
  const transient = content.transient as { display_id?: unknown } | undefined;
  return typeof transient?.display_id === 'string' ? transient.display_id : undefined;
}
