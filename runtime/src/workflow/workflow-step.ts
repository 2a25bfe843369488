/**
 * One step of a workflow instance: applies one engine message to its state (and live run) and
 * says what to write and send. No transport or storage writes here (the engine does them, in
 * Infinitic's order: send, then compare-and-set the state); storage is only read to load sealed
 * history when a run must be rebuilt.
 */
import type { Storage } from '../storage/storage.ts';
import type { WorkflowRegistry } from './definitions.ts';
import { type EarlySignals, loadEarlySignals, type SignalEvent } from './early-signals.ts';
import { toErrorInfo } from './errors.ts';
import {
  commandId,
  parseCommandId,
  type StartWorkflowMessage,
  type Waiter,
  type WorkflowEngineMessage,
  type WorkflowOutcome,
} from './messages.ts';
import { outcomeEvent } from './outcome-event.ts';
import { cancelChildSend, commandSend, outcomeSend, type Send } from './outgoing.ts';
import { newRun, replayRun } from './replay.ts';
import { retryFailedTask } from './retry-failed-task.ts';
import { type EventEntry, isTerminal, markApplied, type WorkflowState } from './state.ts';
import type { CheckMode, WorkflowRun } from './workflow-run.ts';

export interface StepResult {
  /** The state to write (compare-and-set against the loaded version); undefined = nothing to write. */
  state?: WorkflowState;
  /** The live run after this step, to cache when the write succeeds. */
  run?: WorkflowRun;
  sends: Send[];
  /**
   * Sent only once the state is written: outcomes for waiters, so whoever gets one reads the
   * final state. A redelivered message finding the instance ended sends them again.
   */
  notify?: Send[];
  /** New instance: its tags go to the tag index once written. */
  created?: boolean;
  /** A signal for an id without any record: the engine keeps it for the start (see early-signals.ts). */
  keepSignal?: SignalEvent;
  /** Kept signals this start applied: the engine clears them once the state is written. */
  earlySignals?: EarlySignals;
}

export interface StepOptions {
  registry: WorkflowRegistry;
  storage: Storage;
  workerName: string;
  /** How long a completed or canceled instance's record answers duplicates and late awaiters. */
  retentionMs: number;
  /** Epoch ms now: event times, completion times, retention. */
  clock: () => number;
  checkMode?: CheckMode;
  /** Per-workflow check modes (overriding `checkMode`). */
  checkModes?: Record<string, CheckMode>;
}

const sameWaiter = (a: Waiter, b: Waiter) =>
  a.kind === 'client' && b.kind === 'client'
    ? a.topic === b.topic
    : a.kind === 'parent' && b.kind === 'parent' && a.commandId === b.commandId;

export class WorkflowStep {
  /** Runs rebuilt by replaying their whole history (cache misses). */
  rebuilds = 0;
  #o: StepOptions;

  constructor(options: StepOptions) {
    this.#o = options;
  }

  /** A completed/canceled record past its retention counts as absent. */
  expired(state: WorkflowState, now: number): boolean {
    return (
      (state.status === 'completed' || state.status === 'canceled') &&
      (state.outcome?.completedAt ?? 0) + this.#o.retentionMs < now
    );
  }

  async process(
    message: WorkflowEngineMessage,
    loaded: WorkflowState | undefined,
    live: WorkflowRun | undefined,
  ): Promise<StepResult> {
    const now = this.#o.clock();
    const state = loaded && !this.expired(loaded, now) ? loaded : undefined;
    if (state?.applied.includes(message.messageId)) {
      return { sends: isTerminal(state.status) ? this.#notifications(state) : [] };
    }
    if (message.type === 'startWorkflow') return this.#start(message, state, now);
    if (!state) {
      if (message.type === 'awaitWorkflow') {
        const { workflowName, workflowId } = message;
        return {
          sends: [
            outcomeSend(workflowName, workflowId, message.waiter, { status: 'unknown' }, this.#o.workerName),
          ],
        };
      }
      if (message.type === 'signal' && !loaded) {
        const { signalId: id, channel: ch, value: v } = message;
        return { sends: [], keepSignal: { t: 'sig', ch, v, id, at: now } };
      }
      return { sends: [] }; // late outcomes, signals or cancels for an instance that is gone
    }
    if (message.type === 'awaitWorkflow') return this.#attach(state, message.waiter, message.messageId);
    if (message.type === 'retryTasks' && state.status === 'failed' && state.outcome?.status === 'failed') {
      if (state.outcome.error.name === 'DeterminismError')
        return this.#retryReplay(state, message.messageId, now);
    }
    if (message.type === 'retryTasks') {
      const sends = await retryFailedTask(state, this.#o.storage, this.#o.workerName, message.messageId, now);
      return sends.length > 0 ? { state, sends } : { sends: [] };
    }
    if (isTerminal(state.status)) return { sends: [] };
    if (message.type === 'cancelWorkflow') {
      markApplied(state, message.messageId, now);
      const sends: Send[] = [];
      for (const [p, command] of Object.entries(state.pending)) {
        if (command.kind === 'child') {
          const childName = command.name.slice(0, command.name.lastIndexOf('.'));
          sends.push(cancelChildSend(childName, commandId(state.runId, Number(p)), this.#o.workerName));
        }
      }
      return this.#finish(state, { status: 'canceled', completedAt: now }, sends);
    }
    if (message.type === 'signal') {
      if (state.signalIds.includes(message.signalId)) return { sends: [] };
      state.signalIds.push(message.signalId);
      const event: EventEntry = {
        t: 'sig',
        ch: message.channel,
        v: message.value,
        id: message.signalId,
        at: now,
      };
      return this.#advance(state, live, event, message.messageId, now);
    }
    const event = outcomeEvent(message, now);
    const parsed = parseCommandId(event.id);
    // Only the latest attempt of a retried task counts (a late duplicate of the failure must not win).
    if (!parsed || parsed.runId !== (state.retried?.[parsed.position] ?? state.runId)) return { sends: [] };
    const entry: EventEntry = { ...event.entry, p: parsed.position };
    if (state.pending[parsed.position]) return this.#advance(state, live, entry, message.messageId, now);
    if (
      parsed.position >= state.nextPosition &&
      !state.early.some((e) => 'p' in e && e.p === parsed.position)
    ) {
      // Sent by a step whose state write was lost (crash between send and write): keep it for later.
      state.early.push(entry);
      markApplied(state, message.messageId, now);
      return { state, sends: [] };
    }
    return { sends: [] }; // a duplicate outcome
  }

  #attach(state: WorkflowState, waiter: Waiter, messageId: string): StepResult {
    const { workflowName, workflowId } = state;
    if (isTerminal(state.status) && state.outcome) {
      return { sends: [outcomeSend(workflowName, workflowId, waiter, state.outcome, this.#o.workerName)] };
    }
    if (state.waiters.some((w) => sameWaiter(w, waiter))) return { sends: [] };
    state.waiters.push(waiter);
    markApplied(state, messageId, this.#o.clock());
    return { state, sends: [] };
  }

  async #start(
    message: StartWorkflowMessage,
    existing: WorkflowState | undefined,
    now: number,
  ): Promise<StepResult> {
    // Idempotent start: an instance with this id exists (running or ended): join it, never restart it.
    if (existing)
      return message.waiter ? this.#attach(existing, message.waiter, message.messageId) : { sends: [] };
    const { registry } = this.#o;
    const version = registry.latestVersion(message.workflowName);
    const state: WorkflowState = {
      format: 1,
      workflowId: message.workflowId,
      workflowName: message.workflowName,
      version,
      method: message.method,
      args: message.args,
      tags: message.tags,
      meta: message.meta,
      runId: message.messageId,
      status: 'running',
      startedAt: now,
      updatedAt: now,
      waiters: message.waiter ? [message.waiter] : [],
      entryCount: 0,
      chunks: 0,
      tail: [],
      nextPosition: 0,
      pending: {},
      early: [],
      signalIds: [],
      applied: [message.messageId],
    };
    const run = newRun(this.#o.registry, state);
    const sends: Send[] = [];
    await run.settle();
    let result = await this.#afterEvent(state, run, sends, now);
    // Signals sent before the instance existed, in the order they came.
    const early = await loadEarlySignals(this.#o.storage, state.workflowName, state.workflowId);
    for (const signal of early.signals) {
      if (isTerminal(state.status)) break;
      if (state.signalIds.includes(signal.id)) continue;
      state.signalIds.push(signal.id);
      this.#apply(state, run, { ...signal, at: now });
      await run.settle();
      result = await this.#afterEvent(state, run, sends, now, signal);
    }
    return { ...result, created: true, ...(early.version > 0 ? { earlySignals: early } : {}) };
  }

  /** Replays the whole recorded history into a fresh run. */
  async rebuild(state: WorkflowState): Promise<WorkflowRun> {
    this.rebuilds += 1;
    const checkMode = this.#o.checkModes?.[state.workflowName] ?? this.#o.checkMode;
    return replayRun(this.#o.registry, this.#o.storage, state, checkMode);
  }

  /** After a DeterminismError and a code fix: replay again and, if it passes, go on from the blocked event. */
  async #retryReplay(state: WorkflowState, messageId: string, now: number): Promise<StepResult> {
    state.status = 'running';
    delete state.outcome;
    markApplied(state, messageId, now);
    const run = await this.rebuild(state);
    const sends: Send[] = [];
    const blocked = state.blocked;
    if (run.determinismError || !blocked) return this.#afterEvent(state, run, sends, now);
    delete state.blocked;
    this.#apply(state, run, blocked);
    await run.settle();
    return this.#afterEvent(state, run, sends, now, blocked);
  }

  async #advance(
    state: WorkflowState,
    live: WorkflowRun | undefined,
    event: EventEntry,
    messageId: string,
    now: number,
  ): Promise<StepResult> {
    const run = live ?? (await this.rebuild(state));
    markApplied(state, messageId, now);
    const sends: Send[] = [];
    if (run.determinismError) {
      state.blocked = event; // kept, not lost: retryTasks applies it once the code is fixed
      return this.#afterEvent(state, run, sends, now);
    }
    this.#apply(state, run, event);
    await run.settle();
    return this.#afterEvent(state, run, sends, now, event);
  }

  #apply(state: WorkflowState, run: WorkflowRun, event: EventEntry): void {
    state.tail.push(event);
    state.entryCount += 1;
    if (event.t !== 'sig') delete state.pending[event.p];
    run.setNow(event.at);
    run.feed(event);
  }

  /** Records the commands the run emitted, feeds early outcomes that now match, ends the instance if done. */
  async #afterEvent(
    state: WorkflowState,
    run: WorkflowRun,
    sends: Send[],
    now: number,
    last?: EventEntry,
  ): Promise<StepResult> {
    let lastEvent = last;
    for (;;) {
      for (const command of run.takeCommands()) {
        state.tail.push(command);
        state.entryCount += 1;
        state.nextPosition = command.p + 1;
        // receive and inline complete inside the run: nothing to wait for from outside
        if (command.kind !== 'receive' && command.kind !== 'inline') {
          state.pending[command.p] = { kind: command.kind, name: command.name };
        }
        const send = commandSend(state, command, this.#o.workerName, now);
        if (send) sends.push(send);
      }
      const early = state.early.find((e) => e.t !== 'sig' && state.pending[e.p]);
      if (!early || run.outcome || run.determinismError) break;
      state.early = state.early.filter((e) => e !== early);
      this.#apply(state, run, early);
      lastEvent = early;
      await run.settle();
    }
    if (run.determinismError) {
      const outcome: WorkflowOutcome = {
        status: 'failed',
        error: toErrorInfo(run.determinismError),
        completedAt: now,
      };
      return this.#finish(state, outcome, sends);
    }
    if (run.outcome?.status === 'completed') {
      const outcome: WorkflowOutcome = { status: 'completed', result: run.outcome.result, completedAt: now };
      return this.#finish(state, outcome, sends);
    }
    if (run.outcome?.status === 'failed') {
      const error = toErrorInfo(run.outcome.error);
      if (lastEvent?.t === 'ko' && error.name === 'TaskFailedError') state.failedTask = lastEvent.p;
      return this.#finish(state, { status: 'failed', error, completedAt: now }, sends);
    }
    state.updatedAt = now;
    return { state, run, sends };
  }

  /** Ends the instance: tells waiters; completed/canceled ones shrink to their completion record. */
  #finish(state: WorkflowState, outcome: WorkflowOutcome, sends: Send[]): StepResult {
    state.status = outcome.status;
    state.outcome = outcome;
    state.updatedAt = outcome.completedAt;
    // A failed instance keeps its history: retryTasks can resume it.
    if (outcome.status !== 'failed') {
      state.tail = [];
      state.pending = {};
      state.early = [];
      state.signalIds = [];
    }
    return { state, sends, notify: this.#notifications(state) };
  }

  #notifications(state: WorkflowState): Send[] {
    const { outcome } = state;
    if (!outcome) return [];
    return state.waiters.map((w) =>
      outcomeSend(state.workflowName, state.workflowId, w, outcome, this.#o.workerName),
    );
  }
}
