/**
 * The dev stack: one model (compose/ service definitions + the project's config/dev.yml) that
 * renders docker-compose.yml and drives the Docker engine through dockerode.
 */
export { renderComposeFile } from './compose-render.ts';
export { validateComposeFile } from './compose-validate.ts';
export { loadServiceDefinition, type ServiceDefinition, type ServiceName } from './definitions.ts';
export { connectDocker } from './docker-client.ts';
export { type DownResult, down } from './down.ts';
export { STACK_CODES, StackError } from './errors.ts';
export { LABELS } from './labels.ts';
export { type LogsOptions, logs } from './logs.ts';
export { type LoadStackModelOptions, loadStackModel, type StackModel, type StackService } from './model.ts';
export { restart } from './restart.ts';
export { scale } from './scale.ts';
export { formatStatus, type StackStatus, status } from './status.ts';
export { type UpOptions, type UpResult, up } from './up.ts';
