/**
 * The entry point of a worker container: a generated project's `src/worker.ts` is just
 *
 *   import { runWorkerMain } from '@infinitic/runtime';
 *   import { HelloServiceImpl } from './services/hello-service.ts';
 *   await runWorkerMain({ services: { HelloService: new HelloServiceImpl() } });
 *
 * It reads `--config a.yml,b.yml` (or env INFINITIC_CONFIG), optionally `--services A,B` (or env
 * INFINITIC_SERVICES) and `--workflows C,D` (or env INFINITIC_WORKFLOWS, which `infinitic promote`
 * sets on a worker group's Deployment) to run only some of them, starts the worker, and on
 * SIGTERM/SIGINT shuts down gracefully and exits 0. Without either selection the worker runs
 * everything; with one, nothing of the other kind (a workflow-only group runs no services). A bad
 * config, an unknown name or a failed start prints one line and exits 1.
 */
import { parseArgs } from 'node:util';
import { InfiniticError } from '../errors.ts';
import type { WorkflowDefinitions } from '../workflow/definitions.ts';
import { InfiniticWorker } from './infinitic-worker.ts';

export interface RunWorkerMainOptions {
  /** Service name → implementation. */
  services: Record<string, object>;
  /** Workflow name → implementation, or all its versions (newest runs new instances). */
  workflows?: WorkflowDefinitions;
  /** Default process.argv.slice(2). */
  argv?: string[];
  /** Default process.env (also used for `${VAR}` interpolation in the config). */
  env?: Record<string, string | undefined>;
  /** Default process.exit. */
  exit?: (code: number) => void;
  /** Where the one-line startup error goes. Default process.stderr. */
  stderr?: { write(text: string): unknown };
}

const USAGE =
  'usage: worker --config base.yml[,production.yml] [--services ServiceA,ServiceB] [--workflows WorkflowA,WorkflowB]';

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // "title:" + one issue per line (ConfigError) → "title: issue; issue"
  return lines.reduce(
    (text, line) => (text === '' ? line : `${text}${text.endsWith(':') ? ' ' : '; '}${line}`),
    '',
  );
}

/** Starts a worker from the command line; resolves with the running worker (undefined after a startup error). */
export async function runWorkerMain(options: RunWorkerMainOptions): Promise<InfiniticWorker | undefined> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? process.stderr;
  let worker: InfiniticWorker;
  try {
    const { values } = parseArgs({
      args: options.argv ?? process.argv.slice(2),
      options: {
        config: { type: 'string', short: 'c' },
        services: { type: 'string' },
        workflows: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const files = list(values.config ?? env.INFINITIC_CONFIG);
    if (!files) {
      throw new InfiniticError(
        'INF_WORKER_CONFIG',
        `no configuration: pass --config or set INFINITIC_CONFIG (${USAGE})`,
      );
    }
    const only = list(values.services ?? env.INFINITIC_SERVICES);
    const onlyWorkflows = list(values.workflows ?? env.INFINITIC_WORKFLOWS);
    worker = await InfiniticWorker.fromConfig(files, {
      services: options.services,
      env,
      ...(only ? { only } : {}),
      ...(onlyWorkflows ? { onlyWorkflows } : {}),
      ...(options.workflows ? { workflows: options.workflows } : {}),
    });
    await runWorker(worker, { exit });
  } catch (error) {
    stderr.write(`infinitic worker: ${oneLine(error)}\n`);
    exit(1);
    return undefined;
  }
  return worker;
}

/**
 * Starts `worker` and installs the shutdown handlers: SIGTERM/SIGINT → graceful close → exit 0;
 * a second signal exits 1 at once. For entry points that build their worker in code.
 */
export async function runWorker(
  worker: InfiniticWorker,
  options: { exit?: (code: number) => void } = {},
): Promise<InfiniticWorker> {
  installSignalHandlers(worker, options.exit ?? ((code: number) => process.exit(code)));
  await worker.start();
  // Serve until stopped, even when nothing else holds the event loop (in-memory transport and
  // observability off): a worker process must not exit 0 right after starting.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  void worker.stopped.then(() => clearInterval(keepAlive));
  return worker;
}

function installSignalHandlers(worker: InfiniticWorker, exit: (code: number) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      worker.logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    worker.logger.info({ signal }, 'shutting down');
    worker.close().then(
      () => exit(0),
      (error: unknown) => {
        worker.logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
