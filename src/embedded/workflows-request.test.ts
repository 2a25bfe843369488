/** Listing across workflow names, and counting with a reader that only lists (an embedded worker's client). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListWorkflowsOptions, WorkflowPage, WorkflowSummary } from '@infinitic/runtime';
import { LIST_SCAN_LIMIT, listAcross, listPage, type WorkflowReader } from './workflows-request.ts';

const summary = (workflowName: string, workflowId: string, startedAt: number): WorkflowSummary => ({
  workflowName,
  workflowId,
  status: 'running',
  version: 0,
  method: 'run',
  tags: [],
  meta: {},
  startedAt,
  updatedAt: startedAt,
  historyLength: 1,
  pendingCommands: 1,
});

const stored = [
  summary('A', 'a1', 10),
  summary('A', 'a2', 40),
  summary('A', 'a3', 30),
  summary('B', 'b1', 20),
  summary('B', 'b2', 40),
];

/** A reader over `stored` answering in storage order, as a client's listWorkflows would not; asks are recorded. */
function listingReader(asked: ListWorkflowsOptions[] = []): WorkflowReader {
  return {
    listWorkflows: async (name, options) => {
      asked.push(options);
      return stored.filter((s) => s.workflowName === name).slice(0, options.limit);
    },
    inspectWorkflow: async () => undefined,
  };
}

describe('listing for `infinitic workflows list`', () => {
  it('a reader without pages is asked for every match, then sorted newest first and cut', async () => {
    const asked: ListWorkflowsOptions[] = [];
    const page = await listPage(listingReader(asked), 'A', { limit: 2, status: 'running' });
    assert.deepEqual(asked, [{ limit: LIST_SCAN_LIMIT, status: 'running' }]);
    assert.deepEqual(
      page.instances.map((s) => s.workflowId),
      ['a2', 'a3'],
    );
    assert.deepEqual([page.matched, page.scanLimitReached], [3, false]);
  });

  it('merges names newest first (id breaks ties), adds up matches and names the capped ones', async () => {
    const pages: Record<string, WorkflowPage> = {
      A: { instances: [stored[1], stored[2]] as WorkflowSummary[], matched: 3, scanLimitReached: false },
      B: { instances: [stored[4], stored[3]] as WorkflowSummary[], matched: 12_000, scanLimitReached: true },
    };
    const reader: WorkflowReader = {
      ...listingReader(),
      listWorkflowPage: async (name) => pages[name] as WorkflowPage,
    };
    const list = await listAcross(reader, ['A', 'B'], { limit: 3 });
    assert.deepEqual(
      list.instances.map((s) => s.workflowId),
      ['a2', 'b2', 'a3'],
    );
    assert.equal(list.matched, 12_003);
    assert.deepEqual(list.scanLimitReached, ['B']);
    const fromLists = await listAcross(listingReader(), ['B', 'A'], { limit: 10 });
    assert.deepEqual(
      fromLists.instances.map((s) => s.workflowId),
      ['a2', 'b2', 'a3', 'b1', 'a1'],
    );
    assert.deepEqual([fromLists.matched, fromLists.scanLimitReached], [5, []]);
  });
});
