/** `infinitic dispatch`'s side of the embedded worker's loopback dev endpoint. */
import { realpathSync } from 'node:fs';
import { CliError, EXIT } from '../cli/run-cli.ts';
import { DEV_DISPATCH_PATH, DEV_INFO_PATH, type DevInfo } from './dev-endpoint.ts';
import type { DispatchOutcome, DispatchRequest } from './dispatch-request.ts';

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/** The embedded worker of the project in `dir` answering on the loopback `port`, if any. */
export async function findEmbeddedWorker(port: number, dir: string): Promise<DevInfo | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${DEV_INFO_PATH}`, {
      signal: AbortSignal.timeout(1500),
    });
    if (!response.ok) return undefined;
    const info = (await response.json()) as Partial<DevInfo>;
    return info.embedded === true && typeof info.dir === 'string' && same(info.dir, dir)
      ? (info as DevInfo)
      : undefined;
  } catch {
    return undefined; // nothing listening, or not an embedded worker
  }
}

/** Sends one dispatch to the embedded worker; its errors come back as the same one-line CLI errors. */
export async function dispatchViaEndpoint(port: number, request: DispatchRequest): Promise<DispatchOutcome> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}${DEV_DISPATCH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(request.timeoutMs + 5000),
    });
  } catch (error) {
    throw new CliError(
      `the embedded worker on 127.0.0.1:${port} stopped answering (${(error as Error).message})`,
      EXIT.failure,
      'INF_DISPATCH_EMBEDDED',
    );
  }
  const body = (await response.json().catch(() => ({}))) as DispatchOutcome & {
    error?: { code?: string; message?: string; exitCode?: number };
  };
  if (response.ok) return body;
  throw new CliError(
    body.error?.message ?? `the embedded worker answered HTTP ${response.status}`,
    body.error?.exitCode ?? EXIT.failure,
    body.error?.code ?? 'INF_DISPATCH_EMBEDDED',
  );
}
