/** Durable workflows: the authoring API, the engine a worker runs, and the client side. */
// the authoring API (also the no-I/O entry `@infinitic/runtime/workflow`)
export * from './authoring.ts';
export { checkWorkflowSource, type WorkflowSourceFinding } from './check-workflow-source.ts';
export {
  FUNCTION_METHOD,
  versionOf,
  type WorkflowClass,
  type WorkflowDefinition,
  type WorkflowDefinitions,
  type WorkflowFunction,
  WorkflowRegistry,
} from './definitions.ts';
export { type ErrorInfo, NotInWorkflowError, WorkflowDefinitionError } from './errors.ts';
export {
  getWorkflowSummary,
  inspectWorkflowState,
  LIST_SCAN_LIMIT,
  type ListWorkflowsOptions,
  listWorkflowPage,
  listWorkflowSummaries,
  type PendingCommand,
  type WorkflowInspection,
  type WorkflowPage,
  type WorkflowSummary,
} from './inspection.ts';
export type { Waiter, WorkflowOutcome } from './messages.ts';
export type { CommandKind, HistoryEntry, WorkflowStatus } from './state.ts';
export { type StartWorkflowOptions, WorkflowClient, type WorkflowClientOptions } from './workflow-client.ts';
export { WorkflowEngine, type WorkflowEngineOptions } from './workflow-engine.ts';
export type { CheckMode } from './workflow-run.ts';
export type {
  WorkflowDispatchStub,
  WorkflowHandle,
  WorkflowResultOptions,
  WorkflowStub,
} from './workflow-stub.ts';
