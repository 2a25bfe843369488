/** `dev scale N`: brings the worker to N replicas with the image already built, then waits for them. */
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import { STACK_CODES, StackError } from './errors.ts';
import { imageId } from './images.ts';
import { type StackModel, serviceOf } from './model.ts';
import { ensureReplicas, waitReplicasReady } from './replicas.ts';

export async function scale(
  model: StackModel,
  replicas: number,
  options: { docker?: Docker; timeoutMs?: number } = {},
): Promise<{ created: string[]; removed: string[]; readyMs: number }> {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new StackError(STACK_CODES.usage, `replicas must be a whole number >= 0, got ${replicas}`);
  }
  const docker = options.docker ?? (await connectDocker());
  const worker = serviceOf(model, 'worker');
  let id: string;
  try {
    id = await imageId(docker, worker.image);
  } catch {
    throw new StackError(
      STACK_CODES.imageMissing,
      `worker image ${worker.image} is not built yet; run: infinitic dev up`,
    );
  }
  const result = await ensureReplicas(docker, model, { ...worker, replicas }, id, replicas);
  const readyMs = await waitReplicasReady(docker, model, worker, options.timeoutMs ?? 90_000);
  return { created: result.created, removed: result.removed, readyMs };
}
