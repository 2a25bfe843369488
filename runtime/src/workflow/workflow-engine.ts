/**
 * The workflow engine of a worker: for each registered workflow it consumes the engine topic
 * (`workflow-engine:{name}`, Key_Shared by workflow id, so one consumer handles an instance at a
 * time) and, per message: loads the state (with its version), applies the message (replaying the
 * workflow code), sends the resulting commands, then writes the state with compare-and-set. On a
 * conflict it re-processes against the fresh state; sends may then go out twice, which
 * deterministic ids absorb (Infinitic's order). Live runs stay cached between steps while the
 * stored version is the one this engine wrote, so a step costs the same at any history length;
 * any other case rebuilds the run by replaying its history. A storage outage during a step holds
 * the message (unacked, its key blocked) until the storage answers, then processes it again from
 * the stored state, as a redelivery would, without spending a redelivery.
 *
 * @example
 * const engine = new WorkflowEngine({
 *   transport, storage, workerName: 'worker-1', logger,
 *   workflows: { HelloWorkflow: [HelloWorkflow, HelloWorkflow_1] },
 * });
 * await engine.start();
 * // ... await engine.close(5000);
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { InfiniticError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { StorageOutage } from '../storage/storage-outage.ts';
import { ConsumedTopics } from '../transport/consumed-topics.ts';
import { subscriptionFor, topics } from '../transport/topics.ts';
import type { ReceivedMessage, Subscription, Transport } from '../transport/transport.ts';
import { type WorkflowDefinitions, WorkflowRegistry } from './definitions.ts';
import {
  clearEarlySignals,
  forgetEarlySignal,
  keepEarlySignal,
  MAX_EARLY_SIGNALS,
  type SignalEvent,
} from './early-signals.ts';
import {
  decodeEngineMessage,
  type WorkflowEngineMessage,
  workflowStateKey,
  workflowTagKey,
} from './messages.ts';
import { type Send, timerSend } from './outgoing.ts';
import { isTerminal, sealChunks, type WorkflowState } from './state.ts';
import { decodeState, deleteChunks, encodeState, writeChunks } from './state-store.ts';
import { WorkflowMetrics } from './workflow-metrics.ts';
import type { CheckMode, WorkflowRun } from './workflow-run.ts';
import { WorkflowStep } from './workflow-step.ts';

/** An early timer delivery (broker tick, clock skew) is held this long at most; later ones go back to the broker. */
export const MAX_HELD_EARLY_MS = 2000;

/**
 * What to do with a timer delivered at `now` and due at `dueAt`. Pulsar may deliver a delayed
 * message up to its tick early (non-strict delayed delivery, its default), and workers' clocks
 * differ a little: wait out a short remainder in place, send a long one back to the broker, so
 * a timer never fires before it is due. `{}` = fire now.
 */
export function earlyTimer(dueAt: number, now: number): { hold?: number; reschedule?: number } {
  const early = dueAt - now;
  if (early > MAX_HELD_EARLY_MS) return { reschedule: early };
  return early > 0 ? { hold: early } : {};
}

export interface WorkflowEngineOptions {
  transport: Transport;
  storage: Storage;
  logger: Logger;
  workerName: string;
  /** Workflow name -> implementation, or all its versions. */
  workflows: WorkflowDefinitions;
  /** Instances handled at once (distinct ids; one id is always handled alone). Default 16. */
  concurrency?: number;
  /** Live runs kept in memory between steps. Default 1000; 0 replays the whole history at every step. */
  cacheSize?: number;
  /** How long a completed/canceled instance's record answers duplicates and late awaiters. Default 7 days. */
  completionRetentionSeconds?: number;
  /**
   * Redeliveries of an engine message before it goes to the dead-letter topic. At least
   * MIN_ENGINE_REDELIVERIES (20; 0 = never dead-letter): a dead-lettered engine message stalls
   * its instance for good, and what makes a step fail is mostly transient (broker unreachable, a
   * worker killed mid-step, a rollout where this worker lacks the instance's version). Storage
   * outages spend no redelivery: the step waits for the storage (see StorageOutage).
   */
  maxRedeliverCount?: number;
  negativeAckRedeliveryDelayMs?: number;
  /**
   * How a replay compares commands with history: `simple` (default, Infinitic's): same kind and
   * name at each position; `strict`: also the same arguments; `none`: only their number.
   */
  checkMode?: CheckMode;
  /** Per-workflow settings (from `workflows[]` in config), overriding `concurrency` and `checkMode`. */
  perWorkflow?: Record<string, WorkflowSettings>;
  /** Epoch ms now (event times, completion records, retention). Default Date.now; inject one in tests. */
  clock?: () => number;
  /** Register the engine's Prometheus metrics here (the worker's registry, served on /metrics). */
  metricsRegistry?: Registry;
  /** Waits out storage outages; share one per storage so an outage is logged once. Default: its own. */
  outage?: StorageOutage;
}

export interface WorkflowSettings {
  /** Instances of this workflow handled at once. */
  concurrency?: number;
  checkMode?: CheckMode;
}

/** The fewest redeliveries an engine message gets before the dead-letter topic (see maxRedeliverCount). */
export const MIN_ENGINE_REDELIVERIES = 20;

/** Redeliveries for engine consumers: at least MIN_ENGINE_REDELIVERIES; 0 (never dead-letter) stays 0. */
export function engineRedeliveries(configured: number | undefined): number {
  return configured === 0 ? 0 : Math.max(configured ?? 0, MIN_ENGINE_REDELIVERIES);
}

function checkConcurrency(concurrency: number | undefined, what: string): void {
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new InfiniticError('INF_WORKER_OPTIONS', `${what} must be an integer >= 1, but was ${concurrency}`);
  }
}

interface Cached {
  version: number;
  state: WorkflowState;
  run: WorkflowRun;
}

/** Stands for "no cache" (LRUCache needs max >= 1): keeps nothing. */
class NoCache extends Map<string, Cached> {
  override set(): this {
    return this;
  }
}

/** Re-processing attempts after write conflicts before the message is released for redelivery. */
const MAX_CONFLICTS = 20;

/** Reason a step waiting for the storage ends with when shutdown outlasts its grace period. */
class ShutdownAbort extends InfiniticError {
  constructor() {
    super('INF_WORKER_SHUTDOWN', 'engine shut down while waiting for the storage; the message is released');
  }
}

export class WorkflowEngine {
  readonly registry: WorkflowRegistry;
  /** Steps served by a cached live run vs. by a full replay (for benchmarks and tests). */
  readonly stats = { steps: 0, cacheHits: 0, rebuilds: 0, conflicts: 0 };
  #o: WorkflowEngineOptions;
  #step: WorkflowStep;
  #clock: () => number;
  #cache: LRUCache<string, Cached> | Map<string, Cached>;
  #subs: Subscription[] = [];
  #consumed: ConsumedTopics;
  #metrics: WorkflowMetrics | undefined;
  #outage: StorageOutage;
  /** Aborted when shutdown outlasts its grace period: ends the waits for the storage. */
  #stopping = new AbortController();

  constructor(options: WorkflowEngineOptions) {
    this.#o = options;
    this.#consumed = new ConsumedTopics(options.transport);
    this.registry = new WorkflowRegistry(options.workflows);
    checkConcurrency(options.concurrency, 'workflow concurrency');
    const checkModes: Record<string, CheckMode> = {};
    for (const [name, settings] of Object.entries(options.perWorkflow ?? {})) {
      if (!this.registry.names.includes(name)) {
        throw new InfiniticError(
          'INF_WORKER_OPTIONS',
          `perWorkflow.${name}: no such workflow in workflows (${this.registry.names.join(', ') || 'none'})`,
        );
      }
      checkConcurrency(settings.concurrency, `perWorkflow.${name}.concurrency`);
      if (settings.checkMode) checkModes[name] = settings.checkMode;
    }
    const cacheSize = options.cacheSize ?? 1000;
    if (options.metricsRegistry) this.#metrics = new WorkflowMetrics(options.metricsRegistry);
    this.#cache = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : new NoCache();
    this.#clock = options.clock ?? Date.now;
    this.#outage = options.outage ?? new StorageOutage(options.storage, options.logger);
    this.#step = new WorkflowStep({
      registry: this.registry,
      storage: options.storage,
      workerName: options.workerName,
      retentionMs: (options.completionRetentionSeconds ?? 7 * 24 * 3600) * 1000,
      clock: options.clock ?? Date.now,
      ...(options.checkMode ? { checkMode: options.checkMode } : {}),
      checkModes,
    });
  }

  /** Workflow names this engine serves. */
  get names(): string[] {
    return this.registry.names;
  }

  async start(): Promise<void> {
    const { transport } = this.#o;
    this.#stopping = new AbortController();
    for (const name of this.registry.names) {
      const topic = topics.workflowEngine(name);
      const subscription = subscriptionFor(topic);
      await transport.ensureSubscription(topic, subscription);
      this.#subs.push(
        await transport.subscribe(
          {
            topic,
            subscription,
            type: 'Key_Shared',
            concurrency: this.#o.perWorkflow?.[name]?.concurrency ?? this.#o.concurrency ?? 16,
            consumerName: this.#o.workerName,
            maxRedeliverCount: engineRedeliveries(this.#o.maxRedeliverCount),
            ...(this.#o.negativeAckRedeliveryDelayMs !== undefined
              ? { negativeAckRedeliveryDelayMs: this.#o.negativeAckRedeliveryDelayMs }
              : {}),
          },
          (message) => this.#handleLogged(name, message),
        ),
      );
    }
  }

  /** Stops consuming; in-flight steps get `graceMs` to finish, the rest is redelivered elsewhere. */
  async close(graceMs = 0): Promise<void> {
    const subs = this.#subs;
    this.#subs = [];
    const timer = setTimeout(() => this.#stopping.abort(new ShutdownAbort()), graceMs);
    await Promise.allSettled(subs.map((sub) => sub.close(graceMs)));
    clearTimeout(timer);
    // Closed: a step still waiting for the storage could no longer ack its message.
    this.#stopping.abort(new ShutdownAbort());
    this.#cache.clear();
  }

  /**
   * Failures are released for redelivery (then the DLQ); say which instance failed and why. A
   * storage outage is waited out and the whole message processed again (StorageOutage): the step
   * may have failed anywhere, and processing it afresh from the stored state is what a redelivery
   * would do.
   */
  async #handleLogged(name: string, received: ReceivedMessage): Promise<void> {
    try {
      await this.#outage.retry(() => this.#handle(name, received), this.#stopping.signal);
    } catch (error) {
      if (error instanceof ShutdownAbort) throw error; // released unacked, nothing failed
      this.#o.logger.warn(
        { err: error, workflowName: name, key: received.key, redeliveryCount: received.redeliveryCount },
        'workflow step failed: the message will be redelivered',
      );
      throw error;
    }
  }

  async #handle(name: string, received: ReceivedMessage): Promise<void> {
    const message = decodeEngineMessage(received.payload);
    if (message.workflowName !== name) {
      throw new InfiniticError(
        'INF_CODEC',
        `message for workflow ${message.workflowName} on the topic of ${name}`,
      );
    }
    if (message.type === 'timerFired' && message.dueAt !== undefined) {
      const early = earlyTimer(message.dueAt, this.#clock());
      if (early.reschedule) return this.#send([timerSend(message, early.reschedule)]);
      if (early.hold) await delay(early.hold);
    }
    const key = workflowStateKey(name, message.workflowId);
    const endTimer = this.#metrics?.duration.startTimer({ workflow: name });
    try {
      await this.#apply(name, message, key, endTimer);
    } catch (error) {
      // The cached state may be half-updated, or ahead of what the failed write stored.
      this.#cache.delete(key);
      throw error;
    }
  }

  /** Load, process, send, compare-and-set (again on a conflict), then tell waiters. */
  async #apply(
    name: string,
    message: WorkflowEngineMessage,
    key: string,
    endTimer: (() => unknown) | undefined,
  ): Promise<void> {
    const { keyValue } = this.#o.storage;
    for (let attempt = 0; ; attempt += 1) {
      const { value, version } = await keyValue.getWithVersion(key);
      let cached = this.#cache.get(key);
      if (cached && cached.version !== version) {
        this.#cache.delete(key);
        cached = undefined;
      }
      const state = cached?.state ?? (value ? decodeState(value) : undefined);
      const baseTail = state?.tail.length ?? 0;
      const pendingBefore = state ? Object.keys(state.pending).length : 0;
      const statusBefore = state?.status;
      const rebuildsBefore = this.#step.rebuilds;
      const result = await this.#step.process(message, state, cached?.run);
      await this.#send(result.sends);
      if (result.state && cached) this.stats.cacheHits += 1;
      this.stats.rebuilds = this.#step.rebuilds;
      if (result.keepSignal) {
        if (await this.#keep(name, message.workflowId, result.keepSignal)) continue;
        return;
      }
      if (!result.state) return;
      this.stats.steps += 1;
      const next = result.state;
      const chunks = sealChunks(next, baseTail);
      if (chunks.length > 0) await writeChunks(this.#o.storage, next.runId, chunks);
      const written = await keyValue.putWithVersion(key, encodeState(next), version);
      if (!written) {
        // Someone else wrote this instance meanwhile (rebalancing): our run is stale.
        this.#cache.delete(key);
        this.stats.conflicts += 1;
        this.#metrics?.conflicts.inc({ workflow: name });
        if (attempt >= MAX_CONFLICTS) {
          throw new InfiniticError(
            'INF_WORKFLOW_CONFLICT',
            `workflow ${name} (${message.workflowId}): too many write conflicts`,
          );
        }
        continue;
      }
      if (result.run && !isTerminal(next.status))
        this.#cache.set(key, { version: version + 1, state: next, run: result.run });
      else this.#cache.delete(key);
      await this.#notify(name, message.workflowId, result.notify ?? []);
      // The state is written: an outage from here on is waited out in place, since processing the
      // message again would find it applied and skip these.
      const signal = this.#stopping.signal;
      if (result.created) await this.#outage.retry(() => this.#index(next), signal);
      const { earlySignals } = result;
      if (earlySignals) {
        const { storage, workerName } = this.#o;
        const send = (sends: Send[]) => this.#send(sends);
        await this.#outage.retry(
          () => clearEarlySignals(storage, name, next.workflowId, earlySignals, send, workerName),
          signal,
        );
      }
      if (next.status === 'completed' || next.status === 'canceled') {
        await deleteChunks(this.#o.storage, next.runId, next.chunks);
      }
      if (this.#metrics) {
        const source = result.created ? 'new' : this.#step.rebuilds > rebuildsBefore ? 'replayed' : 'cached';
        this.#metrics.steps.inc({ workflow: name, message: message.type });
        this.#metrics.runs.inc({ workflow: name, source });
        if (isTerminal(next.status) && statusBefore !== next.status) {
          this.#metrics.ended.inc({ workflow: name, status: next.status });
        }
        endTimer?.();
      }
      this.#o.logger.debug(
        { workflowId: next.workflowId, workflowName: name, status: next.status, pending: pendingBefore },
        `workflow step: ${message.type}`,
      );
      return;
    }
  }

  /**
   * Keeps a signal for an instance that does not exist yet. True when the instance appeared
   * meanwhile: the signal is taken back and the message must be processed again.
   */
  async #keep(name: string, workflowId: string, signal: SignalEvent): Promise<boolean> {
    const { storage, logger } = this.#o;
    if (!(await keepEarlySignal(storage, name, workflowId, signal))) {
      logger.warn(
        { workflowName: name, workflowId, channel: signal.ch },
        `signal dropped: ${MAX_EARLY_SIGNALS} signals already wait for this instance to start`,
      );
      return false;
    }
    if (!(await storage.keyValue.get(workflowStateKey(name, workflowId)))) {
      logger.debug(
        { workflowName: name, workflowId, channel: signal.ch },
        'signal kept until the instance starts',
      );
      return false;
    }
    await forgetEarlySignal(storage, name, workflowId, signal.id);
    return true;
  }

  async #index(state: WorkflowState): Promise<void> {
    await Promise.all(
      state.tags.map((tag) =>
        this.#o.storage.keySet.add(workflowTagKey(state.workflowName, tag), state.workflowId),
      ),
    );
  }

  /**
   * Tells waiters the outcome. A parent must hear it (a failure releases the message for
   * redelivery, which sends again); a client that went away must not block the instance.
   */
  async #notify(name: string, workflowId: string, sends: Send[]): Promise<void> {
    const results = await Promise.allSettled(sends.map((send) => this.#send([send])));
    let parentFailure: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      if (sends[i]?.toClient) {
        this.#o.logger.warn(
          { err: r.reason, workflowName: name, workflowId },
          'could not tell a waiting client',
        );
      } else parentFailure ??= r.reason;
    });
    if (parentFailure) throw parentFailure;
  }

  async #send(sends: Send[]): Promise<void> {
    const { transport } = this.#o;
    await Promise.all(
      sends.map(async (send) => {
        if (send.ensure) await this.#consumed.ensure(send.topic);
        await transport.send(send.topic, send.message);
      }),
    );
  }
}
