/**
 * Base class of class-style workflows: every public method is an entry point a client can start,
 * and `this.service()`, `this.workflow()`, `this.channel()`, `this.sleep()`, `this.now()` and
 * `this.random()` are the workflow API (api.ts) at hand. A fresh instance runs each workflow
 * instance, so fields are private to it.
 *
 * @example
 * import { Workflow } from '@infinitic/runtime';
 * import type { HelloService } from './hello-service.ts';
 *
 * export class HelloWorkflow extends Workflow {
 *   #hello = this.service<HelloService>('HelloService');
 *   async greet(name: string): Promise<string> {
 *     const greeting = await this.#hello.sayHello(name);
 *     const ok = await this.channel<boolean>('confirm').receive({ timeoutMs: 60_000 });
 *     return ok ? `${greeting}!` : greeting;
 *   }
 * }
 * // a newer implementation of the same workflow: `static version = 1` (or name it HelloWorkflow_1)
 */
import {
  type Channel,
  type ChildWorkflowStub,
  channel,
  now,
  type ProxyServiceOptions,
  type ProxyWorkflowOptions,
  proxyService,
  proxyWorkflow,
  random,
  sleep,
  type WorkflowServiceStub,
  workflowInfo,
} from './api.ts';
import type { Deferred } from './deferred.ts';

export abstract class Workflow {
  /** This instance's id (a custom id when the client gave one). */
  get workflowId(): string {
    return workflowInfo().workflowId;
  }
  get workflowName(): string {
    return workflowInfo().workflowName;
  }
  /** Implementation version this instance runs. */
  get workflowVersion(): number {
    return workflowInfo().version;
  }
  get tags(): readonly string[] {
    return workflowInfo().tags;
  }
  get meta(): Readonly<Record<string, string>> {
    return workflowInfo().meta;
  }

  protected service<T>(serviceName: string, options?: ProxyServiceOptions): WorkflowServiceStub<T> {
    return proxyService<T>(serviceName, options);
  }
  protected workflow<T>(workflowName: string, options?: ProxyWorkflowOptions): ChildWorkflowStub<T> {
    return proxyWorkflow<T>(workflowName, options);
  }
  protected channel<T = unknown>(name: string): Channel<T> {
    return channel<T>(name);
  }
  protected sleep(duration: number | Date): Deferred<number> {
    return sleep(duration);
  }
  protected now(): number {
    return now();
  }
  protected random(): number {
    return random();
  }
}
