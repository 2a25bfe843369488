/**
 * `infinitic dev up --embedded`: the project's worker in this process, in the foreground, on
 * in-memory transport and storage. Health, readiness and metrics are served on the config's
 * observability port (127.0.0.1 only), with the dev endpoint `infinitic dispatch` uses from
 * another terminal. Ctrl+C or SIGTERM stops it cleanly; a second signal exits at once.
 */
import { startEmbeddedWorker } from './embedded-worker.ts';

export interface EmbeddedDevOptions {
  dir: string;
  env?: string;
  /** Default: the config's observability.port. */
  port?: number;
  /** Where the banner goes. Default process.stderr (logs go to stdout). */
  out?: { write(text: string): unknown };
  /** Resolves when the worker should stop; default: the first SIGINT or SIGTERM. */
  stopSignal?: Promise<unknown>;
}

function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // a second signal while stopping: exit at once
      const again = () => process.exit(1);
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function runEmbeddedDev(options: EmbeddedDevOptions): Promise<void> {
  const env = options.env ?? 'dev';
  const out = options.out ?? process.stderr;
  const stop = options.stopSignal ?? firstSignal();
  const embedded = await startEmbeddedWorker({
    dir: options.dir,
    env,
    devEndpoint: options.port !== undefined ? { port: options.port } : {},
  });
  const first = Object.entries(embedded.known.service)[0];
  const example = first
    ? `infinitic dispatch ${first[0]} ${first[1]?.[0] ?? '<method>'} '[...]'`
    : "infinitic dispatch <Name> <method> '[...]'";
  out.write(
    [
      `embedded worker of ${embedded.project.name} running in this process (in-memory transport and storage: nothing persists)`,
      `  services:  ${Object.keys(embedded.known.service).join(', ') || '-'}`,
      `  workflows: ${Object.keys(embedded.known.workflow).join(', ') || '-'}`,
      `  ready:     http://127.0.0.1:${embedded.port}/ready   (also /health, ${embedded.metricsPath}; loopback only)`,
      `  dispatch:  ${example}   (from another terminal, in ${embedded.project.dir})`,
      'Ctrl+C stops it',
      '',
    ].join('\n'),
  );
  const signal = await stop;
  out.write(`${typeof signal === 'string' ? signal : 'stop'}: stopping the embedded worker\n`);
  await embedded.close();
  out.write('embedded worker stopped\n');
}
