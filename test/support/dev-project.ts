/**
 * A dev project of the stack tests (and bench:dev) on the real Docker engine: the engine and local
 * images required, `infinitic dev` spawned as a user runs it, and everything the project left removed.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { down } from '../../src/stack/index.ts';
import { type Run, run } from './processes.ts';
import { requireService, services } from './services.ts';

const KIT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(KIT, 'src/cli/infinitic.ts');

/** Fails, naming what is missing, unless the Docker engine answers and has every one of `images`. */
export async function requireDocker(
  docker: Docker,
  images: string[] = Object.values(services.images),
): Promise<void> {
  await requireService('Docker engine', 'DOCKER_HOST or /var/run/docker.sock', () => docker.ping());
  for (const image of images) {
    await requireService(`image ${image}`, 'the local Docker engine', () => docker.getImage(image).inspect());
  }
}

/** `infinitic dev <args> --dir <dir>` from source, its resources labelled as the tests'; any exit code resolves. */
export function devCli(
  dir: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Run> {
  return run(
    process.execPath,
    ['--conditions=source', CLI, 'dev', ...args, '--dir', dir, '--label', 'io.infinitic.test=true'],
    { cwd: KIT, env: options.env, timeoutMs: options.timeoutMs ?? 30_000 },
  );
}

/** `down -v` of `project`, its worker image and the project directory, each removed if present. */
export async function removeDevProject(docker: Docker, project: string, dir: string): Promise<void> {
  await down(project, { volumes: true, docker }).catch(() => {});
  await docker
    .getImage(`${project}-worker:dev`)
    .remove({ force: true })
    .catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
