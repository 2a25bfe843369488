/**
 * The entry workflow code imports (`@infinitic/runtime/workflow`): the authoring API only, with
 * no transport, storage or I/O module behind it, so workflow files stay deterministic and light.
 * checkWorkflowSource() accepts imports from here.
 */
export { TaskFailedError } from '../engine/errors.ts';
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
export { all, any, Deferred, type DeferredStatus } from './deferred.ts';
export {
  DeterminismError,
  WorkflowCanceledError,
  WorkflowFailedError,
  WorkflowUnknownError,
} from './errors.ts';
export { Workflow } from './workflow.ts';
export type { WorkflowInfo } from './workflow-run.ts';
