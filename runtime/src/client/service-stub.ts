/**
 * Typed stubs over a service interface: a method call dispatches the task. Only `import type`
 * of the service is needed on the caller's side.
 */
import type { TaskHandle } from './task-handle.ts';

// biome-ignore lint/suspicious/noExplicitAny: matches any method signature
type AnyFunction = (...args: any[]) => any;

/** Each method dispatches the task and resolves with its result. */
export type ServiceStub<T> = {
  [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** Each method dispatches the task and resolves with its handle, without waiting for the result. */
export type DispatchStub<T> = {
  [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<TaskHandle<Awaited<R>>>
    : never;
};

/** A Proxy calling `call(taskName, args)` for every method; not thenable, so it can be returned from async code. */
export function makeStub<S>(call: (taskName: string, args: unknown[]) => Promise<unknown>): S {
  return new Proxy(Object.create(null) as object, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  }) as S;
}
