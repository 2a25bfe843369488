/**
 * Registered workflow implementations and their versions. A definition is a class (each method
 * an entry point; see Workflow) or a plain async function (entry point `run`). Its version is
 * `static version = N` (or a `version` property on a function), else the `_N` suffix of its
 * name (Infinitic's convention), else 0. New instances run the highest version; a running
 * instance keeps the version it started with, so keep registering old versions while instances
 * of them run.
 */
import { WorkflowDefinitionError } from './errors.ts';
import { Workflow } from './workflow.ts';

// biome-ignore lint/suspicious/noExplicitAny: a workflow class takes no constructor arguments
export type WorkflowClass = new () => any;
// biome-ignore lint/suspicious/noExplicitAny: any workflow function signature
export type WorkflowFunction = ((...args: any[]) => unknown) & { version?: number };
export type WorkflowDefinition = WorkflowClass | WorkflowFunction;

/** `workflows` option of a worker or engine: name -> one definition or all its versions. */
export type WorkflowDefinitions = Record<string, WorkflowDefinition | WorkflowDefinition[]>;

/** The entry point of function workflows. */
export const FUNCTION_METHOD = 'run';

export function isWorkflowClass(definition: WorkflowDefinition): definition is WorkflowClass {
  return /^class[\s{]/.test(Function.prototype.toString.call(definition));
}

export function versionOf(definition: WorkflowDefinition): number {
  const declared = (definition as { version?: unknown }).version;
  if (declared !== undefined) {
    if (!Number.isInteger(declared) || (declared as number) < 0) {
      throw new WorkflowDefinitionError(
        `workflow ${definition.name}: version must be an integer >= 0, but was ${String(declared)}`,
      );
    }
    return declared as number;
  }
  const match = /_([0-9]+)$/.exec(definition.name);
  return match ? Number(match[1]) : 0;
}

const reserved = new Set(Object.getOwnPropertyNames(Workflow.prototype));

export class WorkflowRegistry {
  #versions = new Map<string, Map<number, WorkflowDefinition>>();

  constructor(workflows: WorkflowDefinitions) {
    for (const [name, value] of Object.entries(workflows)) {
      if (!/^[A-Za-z0-9_.$-]+$/.test(name)) {
        throw new WorkflowDefinitionError(`invalid workflow name ${JSON.stringify(name)}`);
      }
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0) throw new WorkflowDefinitionError(`workflow ${name}: no implementation given`);
      const versions = new Map<number, WorkflowDefinition>();
      for (const [index, definition] of list.entries()) {
        if (typeof definition !== 'function') {
          throw new WorkflowDefinitionError(`workflow ${name}[${index}]: expected a class or a function`);
        }
        const version = versionOf(definition);
        if (versions.has(version)) {
          throw new WorkflowDefinitionError(
            `workflow ${name}: version ${version} is registered twice (${versions.get(version)?.name} and ${definition.name})`,
          );
        }
        versions.set(version, definition);
      }
      this.#versions.set(name, versions);
    }
  }

  get names(): string[] {
    return [...this.#versions.keys()];
  }

  latestVersion(name: string): number {
    return Math.max(...(this.#versions.get(name)?.keys() ?? [0]));
  }

  /** The implementation of `name` at `version`, or undefined when this worker does not have it. */
  get(name: string, version: number): WorkflowDefinition | undefined {
    return this.#versions.get(name)?.get(version);
  }

  versions(name: string): number[] {
    return [...(this.#versions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }
}

/** Runs entry point `method` of a definition with `args` (inside the run's context). */
export function invokeWorkflow(definition: WorkflowDefinition, method: string, args: unknown[]): unknown {
  if (!isWorkflowClass(definition)) {
    if (method !== FUNCTION_METHOD) {
      throw new WorkflowDefinitionError(
        `workflow function ${definition.name} has only the entry point '${FUNCTION_METHOD}', not '${method}'`,
      );
    }
    return definition(...args);
  }
  const instance = new definition() as Record<string, unknown>;
  const fn = instance[method];
  if (
    typeof fn !== 'function' ||
    reserved.has(method) ||
    method === 'constructor' ||
    method.startsWith('#')
  ) {
    throw new WorkflowDefinitionError(`workflow class ${definition.name} has no method '${method}'`);
  }
  return (fn as (...a: unknown[]) => unknown).apply(instance, args);
}
