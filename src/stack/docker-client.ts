/**
 * Finds the Docker engine. dockerode reads DOCKER_HOST (else /var/run/docker.sock); when nothing
 * answers, the error is one line that says where it looked and points at `--embedded`.
 */
import Docker from 'dockerode';
import { STACK_CODES, StackError } from './errors.ts';

export function dockerAddress(env: Record<string, string | undefined> = process.env): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

export async function connectDocker(timeoutMs = 5000): Promise<Docker> {
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  } catch (error) {
    const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new StackError(
      STACK_CODES.dockerUnreachable,
      `no Docker engine answers at ${dockerAddress()} (${cause}); start Docker (or set DOCKER_HOST), or run without Docker: infinitic dev up --embedded`,
    );
  }
  return docker;
}
