/**
 * Where `infinitic workflows` reads instances from, in order:
 *   --config a.yml,b.yml / --env NAME   the storage those files configure (no stack lookup);
 *   --embedded                          the running embedded worker (`dev up --embedded`), only;
 *   default                             that embedded worker when one answers for this project,
 *                                       else the storage of the project's dev stack (`dev up`), at
 *                                       the Redis port it publishes (dispatch-stack.ts finds it).
 * Every target is read through the client API's listWorkflows / inspectWorkflow (WorkflowReader).
 */
import { resolve } from 'node:path';
import {
  type InfiniticConfig,
  inspectWorkflowState,
  listWorkflowPage,
  listWorkflowSummaries,
  loadConfig,
  type Storage,
  storageFromConfig,
} from '@infinitic/runtime';
import { endpointReader, findEmbeddedWorker } from '../../embedded/dev-endpoint-client.ts';
import { oneLine } from '../../embedded/dispatch-request.ts';
import { observabilityPort } from '../../embedded/embedded-worker.ts';
import { loadProject, projectName } from '../../embedded/load-project.ts';
import type { WorkflowReader } from '../../embedded/workflows-request.ts';
import { CliError, EXIT } from '../run-cli.ts';
import { selectConfig } from './config-selection.ts';
import { findStack, stackConfig } from './dispatch-stack.ts';

export interface TargetFlags {
  dir: string;
  env?: string;
  config?: string | string[];
  embedded?: boolean;
}

export interface WorkflowsTarget {
  reader: WorkflowReader;
  /** Workflow names the project registers or configures (what `list` shows without --name). */
  knownWorkflows(): Promise<string[]>;
  /** Where the data came from, for notes and errors: `embedded worker on 127.0.0.1:8090`... */
  via: string;
  close(): Promise<void>;
}

const EMBEDDED_HINT = 'start one with `infinitic dev up --embedded` in another terminal';
const OTHER_TARGETS =
  "or read a config's storage: `--env NAME` / `--config a.yml,b.yml`; or an embedded worker: `infinitic dev up --embedded`";

/** The names a built project registers, or none (not built, not a project). */
async function registeredWorkflows(dir: string): Promise<string[]> {
  try {
    return Object.keys((await loadProject(dir)).registry.workflows);
  } catch {
    return [];
  }
}

async function runningEmbedded(dir: string, env: string) {
  const port = await observabilityPort(dir, env).catch(() => undefined);
  const info = port === undefined ? undefined : await findEmbeddedWorker(port, dir);
  return port === undefined ? undefined : { port, info };
}

function viaEndpoint(port: number, workflows: string[]): WorkflowsTarget {
  return {
    reader: endpointReader(port),
    knownWorkflows: async () => workflows,
    via: `the embedded worker on 127.0.0.1:${port}`,
    close: async () => {},
  };
}

/** The storage a config names, read with the client API's own functions. */
function viaStorage(config: InfiniticConfig, label: string, dir: string, via: string): WorkflowsTarget {
  if (!config.storage) {
    throw new CliError(
      `config (${label}) has no storage section: workflow state lives in storage`,
      EXIT.invalid,
      'INF_CONFIG',
    );
  }
  if (config.storage.inMemory !== undefined) {
    throw new CliError(
      `config (${label}) uses in-memory storage: only the worker's own process sees it; use --embedded with \`infinitic dev up --embedded\``,
      EXIT.invalid,
      'INF_CONFIG',
    );
  }
  const storage: Storage = storageFromConfig(config.storage);
  const configured = config.workflows.map((w) => w.name);
  return {
    reader: {
      listWorkflows: (name, options) => listWorkflowSummaries(storage, name, options),
      listWorkflowPage: (name, options) => listWorkflowPage(storage, name, options),
      inspectWorkflow: (name, id) => inspectWorkflowState(storage, name, id),
    },
    knownWorkflows: async () => [...new Set([...(await registeredWorkflows(dir)), ...configured])],
    via,
    close: () => storage.close(),
  };
}

/** The storage of a config selection (--env / --config), no stack lookup. */
function viaConfig(flags: TargetFlags, dir: string): WorkflowsTarget {
  const selection = selectConfig({ env: flags.env, config: flags.config, dir });
  let config: InfiniticConfig;
  try {
    config = loadConfig(selection.files, { cwd: selection.dir }).config;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new CliError(`config (${selection.label}): ${oneLine(text)}`, EXIT.invalid, 'INF_CONFIG');
  }
  return viaStorage(config, selection.label, dir, `the storage of ${selection.label}`);
}

/** The dev stack's storage: the project's dev config at the Redis port the stack publishes. */
async function viaStack(dir: string): Promise<WorkflowsTarget> {
  const stack = await findStack(dir, process.env, {
    needs: 'storage',
    otherwise: OTHER_TARGETS,
    code: 'INF_WORKFLOWS_NO_STACK',
  });
  return viaStorage(stackConfig(dir, 'dev', stack), '--env dev', dir, `the dev stack ${stack.project}`);
}

export async function workflowsTarget(flags: TargetFlags): Promise<WorkflowsTarget> {
  const dir = resolve(flags.dir);
  const fromConfig = flags.env !== undefined || flags.config !== undefined;
  if (flags.embedded && flags.config !== undefined) {
    throw new CliError(
      '--embedded and --config exclude each other: the embedded worker keeps its state in memory',
      EXIT.usage,
      'INF_USAGE',
    );
  }
  if (fromConfig && !flags.embedded) return viaConfig(flags, dir);
  const project = projectName(dir); // outside a project: say so, rather than "its stack is not running"
  const embedded = await runningEmbedded(dir, flags.env ?? 'dev');
  if (embedded?.info) return viaEndpoint(embedded.port, embedded.info.workflows);
  if (flags.embedded) {
    const where = embedded
      ? `on 127.0.0.1:${embedded.port} (observability.port)`
      : '(its config has no port)';
    throw new CliError(
      `no embedded worker of ${project} answers ${where}: ${EMBEDDED_HINT}`,
      EXIT.failure,
      'INF_WORKFLOWS_NO_EMBEDDED',
    );
  }
  return viaStack(dir);
}
