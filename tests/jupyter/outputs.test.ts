import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellOutputs, type DisplayRegistry } from '../../src/jupyter/outputs';
import { createMessage } from '../../src/jupyter/wire';

const iopub = (type: string, content: Record<string, unknown>) => createMessage(type, content, 's');

test('consecutive writes to one stream merge; a different stream starts a new output', () => {
  const cell = new CellOutputs(new Map());
  cell.add(iopub('stream', { name: 'stdout', text: 'a\n' }));
  cell.add(iopub('stream', { name: 'stdout', text: 'b\n' }));
  cell.add(iopub('stream', { name: 'stderr', text: 'oops\n' }));
  cell.add(iopub('status', { execution_state: 'busy' }));
  assert.deepEqual(cell.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
    { output_type: 'stream', name: 'stderr', text: 'oops\n' },
  ]);
  assert.equal(cell.streamText('stderr'), 'oops\n');
});

test('display_data keeps JSON bundles as objects; update_display_data rewrites it in an earlier cell', () => {
  const displays: DisplayRegistry = new Map();
  const first = new CellOutputs(displays);
  const spec = { mark: 'point' };
  first.add(iopub('display_data', { data: { 'application/vnd.vegalite.v5+json': spec }, metadata: {}, transient: { display_id: 'd1' } }));
  new CellOutputs(displays).add(
    iopub('update_display_data', { data: { 'text/plain': 'new' }, metadata: {}, transient: { display_id: 'd1' } }),
  );
  assert.deepEqual(first.outputs, [{ output_type: 'display_data', data: { 'text/plain': 'new' }, metadata: {} }]);
});

test('clear_output clears at once, or before the next output when wait is set; error outputs keep their fields', () => {
  const cell = new CellOutputs(new Map());
  cell.add(iopub('stream', { name: 'stdout', text: 'x' }));
  cell.add(iopub('clear_output', { wait: true }));
  assert.equal(cell.outputs.length, 1);
  cell.add(iopub('error', { ename: 'Error', evalue: 'bad', traceback: ['t'] }));
  assert.deepEqual(cell.outputs, [{ output_type: 'error', ename: 'Error', evalue: 'bad', traceback: ['t'] }]);
  cell.add(iopub('clear_output', { wait: false }));
  assert.deepEqual(cell.outputs, []);
});
