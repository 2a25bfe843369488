/** Durable workflows: the authoring API, the engine a worker runs, and the client side. */
export {
  type Channel,
  type ChildWorkflowStub,
  channel,
  inline,
  now,
  type ProxyServiceOptions,
  type ProxyWorkflowOptions,
  proxyService,
  proxyWorkflow,
  type ReceiveOptions,
  random,
  sleep,
  uuid,
  type WorkflowServiceStub,
  workflowInfo,
} from './api.ts';
export { checkWorkflowSource, type WorkflowSourceFinding } from './check-workflow-source.ts';
export { all, any, Deferred, type DeferredStatus } from './deferred.ts';
export {
  FUNCTION_METHOD,
  versionOf,
  type WorkflowClass,
  type WorkflowDefinition,
  type WorkflowDefinitions,
  type WorkflowFunction,
  WorkflowRegistry,
} from './definitions.ts';
export {
  DeterminismError,
  type ErrorInfo,
  NotInWorkflowError,
  WorkflowCanceledError,
  WorkflowDefinitionError,
  WorkflowFailedError,
  WorkflowUnknownError,
} from './errors.ts';
export {
  getWorkflowSummary,
  inspectWorkflowState,
  type ListWorkflowsOptions,
  listWorkflowSummaries,
  type WorkflowInspection,
  type WorkflowSummary,
} from './inspection.ts';
export type { Waiter, WorkflowOutcome } from './messages.ts';
export type { CommandKind, HistoryEntry, WorkflowStatus } from './state.ts';
export { Workflow } from './workflow.ts';
export { type StartWorkflowOptions, WorkflowClient, type WorkflowClientOptions } from './workflow-client.ts';
export { WorkflowEngine, type WorkflowEngineOptions } from './workflow-engine.ts';
export type { CheckMode, WorkflowInfo } from './workflow-run.ts';
export type {
  WorkflowDispatchStub,
  WorkflowHandle,
  WorkflowResultOptions,
  WorkflowStub,
} from './workflow-stub.ts';
