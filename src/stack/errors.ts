import { InfiniticError } from '@infinitic/runtime';

/**
 * Errors of the dev stack. Each has a stable code and a one-line message that says what failed and
 * what to do; the CLI prints it without a stack trace.
 */
export class StackError extends InfiniticError {}

export const STACK_CODES = {
  dockerUnreachable: 'INF_DOCKER_UNREACHABLE',
  imageMissing: 'INF_IMAGE_MISSING',
  portBusy: 'INF_PORT_BUSY',
  definition: 'INF_STACK_DEFINITION',
  devConfig: 'INF_STACK_CONFIG',
  build: 'INF_IMAGE_BUILD',
  unhealthy: 'INF_STACK_UNHEALTHY',
  provision: 'INF_PULSAR_PROVISION',
  usage: 'INF_STACK_USAGE',
} as const;
