/**
 * `dev logs [-f] [service|replica]`: each container's stdout/stderr demultiplexed
 * (docker.modem.demuxStream) and written line by line with a coloured `[replica]` prefix.
 */
import { createInterface } from 'node:readline';
import { PassThrough, type Writable } from 'node:stream';
import { styleText } from 'node:util';
import type Docker from 'dockerode';
import { connectDocker } from './docker-client.ts';
import { STACK_CODES, StackError } from './errors.ts';
import { listReplicas } from './inventory.ts';

const COLOURS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

export interface LogsOptions {
  /** A service (`worker`), a replica (`worker-2`) or a container name; default everything. */
  target?: string;
  follow?: boolean;
  tail?: number;
  colour?: boolean;
  docker?: Docker;
  out?: Writable;
  signal?: AbortSignal;
}

export async function logs(project: string, options: LogsOptions = {}): Promise<void> {
  const docker = options.docker ?? (await connectDocker());
  const out = options.out ?? process.stdout;
  const all = await listReplicas(docker, project);
  const t = options.target;
  const chosen = all.filter(
    (r) => !t || r.service === t || r.name === t || `${r.service}-${r.replica}` === t,
  );
  if (chosen.length === 0) {
    const known = [...new Set(all.flatMap((r) => [r.service, `${r.service}-${r.replica}`]))].join(', ');
    throw new StackError(
      STACK_CODES.usage,
      `no container of ${project} matches "${t ?? ''}"${known ? `; known: ${known}` : ' (is the stack up?)'}`,
    );
  }
  const width = Math.max(...chosen.map((r) => `${r.service}-${r.replica}`.length));
  await Promise.all(
    chosen.map(async (replica, i) => {
      const label = `${replica.service}-${replica.replica}`.padEnd(width);
      const prefix =
        options.colour === false ? `${label} | ` : `${styleText(COLOURS[i % COLOURS.length]!, label)} | `;
      const container = docker.getContainer(replica.id);
      const lines = new PassThrough();
      const reader = createInterface({ input: lines });
      reader.on('line', (line) => out.write(`${prefix}${line}\n`));
      const closed = new Promise<void>((resolve) => reader.on('close', () => resolve()));
      const base = {
        stdout: true,
        stderr: true,
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
      };
      if (options.follow) {
        const stream = await container.logs({ ...base, follow: true });
        options.signal?.addEventListener('abort', () => (stream as unknown as { destroy(): void }).destroy());
        docker.modem.demuxStream(stream, lines, lines);
        stream.on('end', () => lines.end());
        stream.on('close', () => lines.end());
      } else {
        // without follow the engine answers with one Buffer of multiplexed frames
        const buffer = await container.logs({ ...base, follow: false });
        const source = new PassThrough();
        docker.modem.demuxStream(source, lines, lines);
        source.on('end', () => lines.end());
        source.end(buffer);
      }
      await closed;
    }),
  );
}
