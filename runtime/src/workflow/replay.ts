/**
 * Runs of a workflow instance: a new one (its code started from the beginning) and a rebuilt one
 * (the whole recorded history replayed into it, each command checked against the record).
 */
import type { Storage } from '../storage/storage.ts';
import { invokeWorkflow, type WorkflowRegistry } from './definitions.ts';
import { WorkflowDefinitionError } from './errors.ts';
import type { CommandEntry, WorkflowState } from './state.ts';
import { loadEntries } from './state-store.ts';
import { type CheckMode, WorkflowRun } from './workflow-run.ts';

/** Starts the instance's code from the beginning (not settled yet). */
export function newRun(registry: WorkflowRegistry, state: WorkflowState): WorkflowRun {
  const definition = registry.get(state.workflowName, state.version);
  const run = new WorkflowRun(
    {
      workflowId: state.workflowId,
      workflowName: state.workflowName,
      version: state.version,
      method: state.method,
      tags: state.tags,
      meta: state.meta,
      runId: state.runId,
    },
    state.startedAt,
  );
  run.start(() => {
    if (!definition) {
      throw new WorkflowDefinitionError(
        `workflow ${state.workflowName} has no version ${state.version} on this worker (registered: ${registry.versions(state.workflowName).join(', ')})`,
      );
    }
    return invokeWorkflow(definition, state.method, state.args);
  });
  return run;
}

/**
 * Replays the whole recorded history into a fresh run. Throws (the message is then redelivered,
 * maybe to a worker that has it) when this worker lacks the instance's version.
 */
export async function replayRun(
  registry: WorkflowRegistry,
  storage: Storage,
  state: WorkflowState,
  checkMode: CheckMode = 'simple',
): Promise<WorkflowRun> {
  if (!registry.get(state.workflowName, state.version)) {
    throw new WorkflowDefinitionError(
      `workflow ${state.workflowName} (${state.workflowId}) runs version ${state.version}, which this worker does not register (it has ${registry.versions(state.workflowName).join(', ')})`,
    );
  }
  const entries = await loadEntries(storage, state);
  const run = newRun(registry, state);
  run.expect(
    entries.filter((e): e is CommandEntry => e.t === 'cmd'),
    checkMode,
  );
  await run.settle();
  for (const entry of entries) {
    if (entry.t === 'cmd') continue;
    if (run.determinismError || run.outcome) break;
    run.setNow(entry.at);
    run.feed(entry);
    await run.settle();
  }
  run.endReplay();
  return run;
}
