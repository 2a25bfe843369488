import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeWorkflow, versionOf, WorkflowRegistry } from './definitions.ts';
import { WorkflowDefinitionError } from './errors.ts';
import { CHUNK_SIZE, type HistoryEntry, sealChunks, type WorkflowState } from './state.ts';
import { Workflow } from './workflow.ts';

class Order extends Workflow {
  async run() {
    return 0;
  }
}
class Order_2 extends Workflow {
  async run() {
    return 2;
  }
}
class OrderV7 extends Workflow {
  static version = 7;
  async run() {
    return 7;
  }
}

test('versions come from static version, else the _N suffix, else 0; the newest is the latest', () => {
  assert.equal(versionOf(Order), 0);
  assert.equal(versionOf(Order_2), 2);
  assert.equal(versionOf(OrderV7), 7);
  const registry = new WorkflowRegistry({ Order: [Order, Order_2, OrderV7] });
  assert.equal(registry.latestVersion('Order'), 7);
  assert.deepEqual(registry.versions('Order'), [0, 2, 7]);
  assert.equal(registry.get('Order', 2), Order_2);
});

test('a duplicated version is refused, naming both implementations', () => {
  class Again_2 extends Workflow {}
  assert.throws(
    () => new WorkflowRegistry({ Order: [Order_2, Again_2] }),
    (e: unknown) =>
      e instanceof WorkflowDefinitionError &&
      /version 2 is registered twice \(Order_2 and Again_2\)/.test(e.message),
  );
});

test('entry points: class methods; functions only run; Workflow helpers are not entry points', () => {
  assert.throws(() => invokeWorkflow(Order, 'service', []), /has no method 'service'/);
  assert.throws(() => invokeWorkflow(async () => 1, 'other', []), /only the entry point 'run'/);
});

test('sealChunks seals only entries of the loaded header and keeps a chunk in the tail', () => {
  const entry = (p: number): HistoryEntry => ({ t: 'cmd', p, kind: 'task', name: 'S.m' });
  const state = {
    chunks: 0,
    tail: Array.from({ length: 3 * CHUNK_SIZE }, (_, i) => entry(i)),
  } as WorkflowState;
  const sealed = sealChunks(state, CHUNK_SIZE + 1);
  assert.deepEqual(
    sealed.map((c) => c.index),
    [0],
  );
  assert.equal(state.chunks, 1);
  assert.equal(state.tail.length, 2 * CHUNK_SIZE);
  assert.equal((state.tail[0] as { p: number }).p, CHUNK_SIZE);
});
