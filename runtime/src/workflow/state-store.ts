/** Reading and writing workflow state and its sealed history chunks. */
import { decodeJson, encodeJson } from '../codec/json-codec.ts';
import { InfiniticError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { historyChunkKey } from './messages.ts';
import { CHUNK_SIZE, type HistoryEntry, type WorkflowState } from './state.ts';

export function encodeState(state: WorkflowState): Uint8Array {
  return encodeJson(state);
}

export function decodeState(bytes: Uint8Array): WorkflowState {
  const state = decodeJson<WorkflowState>(bytes);
  if (state?.format !== 1) {
    throw new InfiniticError(
      'INF_WORKFLOW_STATE',
      `unsupported workflow state format ${String(state?.format)}`,
    );
  }
  return state;
}

/** Inserts sealed chunks (insert-only: a chunk already there was sealed identically by a racing writer). */
export async function writeChunks(
  storage: Storage,
  runId: string,
  chunks: Array<{ index: number; entries: HistoryEntry[] }>,
): Promise<void> {
  await Promise.all(
    chunks.map((chunk) =>
      storage.keyValue.putWithVersion(historyChunkKey(runId, chunk.index), encodeJson(chunk.entries), 0),
    ),
  );
}

/** The whole history of a state: its sealed chunks, then its tail. */
export async function loadEntries(storage: Storage, state: WorkflowState): Promise<HistoryEntry[]> {
  const chunks = await Promise.all(
    Array.from({ length: state.chunks }, async (_, index) => {
      const bytes = await storage.keyValue.get(historyChunkKey(state.runId, index));
      if (!bytes) {
        throw new InfiniticError(
          'INF_WORKFLOW_STATE',
          `workflow ${state.workflowName} (${state.workflowId}): history chunk ${index} is missing`,
        );
      }
      const entries = decodeJson<HistoryEntry[]>(bytes);
      if (entries.length !== CHUNK_SIZE) {
        throw new InfiniticError(
          'INF_WORKFLOW_STATE',
          `history chunk ${index} of run ${state.runId} is corrupt`,
        );
      }
      return entries;
    }),
  );
  return [...chunks.flat(), ...state.tail];
}

/** Deletes the chunks of a run that ended (best effort: nothing reads them any more). */
export async function deleteChunks(storage: Storage, runId: string, count: number): Promise<void> {
  await Promise.allSettled(
    Array.from({ length: count }, (_, index) =>
      storage.keyValue.put(historyChunkKey(runId, index), undefined),
    ),
  );
}
