/**
 * Prometheus metrics of a workflow engine, registered in the worker's registry (so /metrics shows
 * them beside the task metrics): steps by workflow and message type, how each step found its run
 * (cached live run, full replay, new instance), write conflicts, step duration, and instances
 * ended by status.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export class WorkflowMetrics {
  readonly steps: Counter<'workflow' | 'message'>;
  readonly runs: Counter<'workflow' | 'source'>;
  readonly conflicts: Counter<'workflow'>;
  readonly duration: Histogram<'workflow'>;
  readonly ended: Counter<'workflow' | 'status'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.steps = new Counter({
      name: 'infinitic_workflow_steps_total',
      help: 'Engine messages applied to workflow instances',
      labelNames: ['workflow', 'message'],
      registers,
    });
    this.runs = new Counter({
      name: 'infinitic_workflow_runs_total',
      help: 'How steps found their run: cached (live run reused), replayed (history replayed), new',
      labelNames: ['workflow', 'source'],
      registers,
    });
    this.conflicts = new Counter({
      name: 'infinitic_workflow_write_conflicts_total',
      help: 'State writes lost to another writer (the message was re-processed)',
      labelNames: ['workflow'],
      registers,
    });
    this.duration = new Histogram({
      name: 'infinitic_workflow_step_duration_seconds',
      help: 'Time to apply one message: load, replay or resume, send, write',
      labelNames: ['workflow'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.ended = new Counter({
      name: 'infinitic_workflow_ended_total',
      help: 'Workflow instances that ended, by status',
      labelNames: ['workflow', 'status'],
      registers,
    });
  }
}
