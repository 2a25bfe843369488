/** Test helpers for Infinitic worker projects: a testcontainers preset built from the dev stack model. */
export {
  type StartedInfiniticStack,
  type StartInfiniticStackOptions,
  startInfiniticStack,
} from './start-infinitic-stack.ts';
