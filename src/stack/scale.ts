/**
 * `dev scale N`: brings the worker to N replicas with the image already built (a stopped or killed
 * replica below N is replaced, replicas above N stop gracefully), then waits for them.
 */
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import { STACK_CODES, StackError } from './errors.ts';
import { imageId, type Progress } from './images.ts';
import { type StackModel, serviceOf } from './model.ts';
import { ensureReplicas, waitReplicasReady } from './replicas.ts';

export async function scale(
  model: StackModel,
  replicas: number,
  options: { docker?: Docker; timeoutMs?: number; progress?: Progress } = {},
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
  const progress = options.progress ?? (() => {});
  const result = await ensureReplicas(docker, model, { ...worker, replicas }, id, replicas);
  for (const name of result.removed) progress(`removed ${name}`);
  for (const name of result.created) progress(`started ${name}`);
  if (replicas > 0) progress(`waiting for ${replicas} worker replica(s) to be ready`);
  const readyMs = await waitReplicasReady(docker, model, worker, options.timeoutMs ?? 90_000, progress);
  return { created: result.created, removed: result.removed, readyMs };
}
