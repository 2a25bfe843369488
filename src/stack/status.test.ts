import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStatus, type ReplicaStatus, type StackStatus } from './status.ts';

function replica(name: string, extra: Partial<ReplicaStatus> = {}): ReplicaStatus {
  return {
    id: name,
    name: `app-${name}`,
    service: name.replace(/-\d+$/, ''),
    replica: Number(name.split('-').at(-1)),
    image: 'img',
    state: 'running',
    health: 'healthy',
    ports: {},
    ready: true,
    restarts: 0,
    ...extra,
  };
}

test('formatStatus shows exit codes and restarts, and says how to bring a stopped replica back', () => {
  const s: StackStatus = {
    project: 'app',
    replicas: [
      replica('worker-1', { ports: { '8090': 32001 }, restarts: 1 }),
      replica('worker-2', { state: 'exited', exitCode: 137, health: 'none', ready: false }),
    ],
    ready: { worker: 1 },
    pulsar: {
      adminUrl: 'http://127.0.0.1:8080',
      tenant: 't',
      namespace: 'n',
      topics: [{ topic: 'persistent://t/n/x', subscriptions: [{ name: 's', backlog: 3, consumers: 1 }] }],
    },
  };
  const lines = formatStatus(s).split('\n');
  assert.match(lines[0] ?? '', /^SERVICE +REPLICA +STATE +HEALTH +READY +RESTARTS +PORTS$/);
  assert.match(lines[1] ?? '', /^worker +app-worker-1 +running +healthy +yes +1 +127\.0\.0\.1:32001->8090$/);
  assert.match(lines[2] ?? '', /^worker +app-worker-2 +exited \(137\) +none +no +0 +-$/);
  assert.ok(
    lines.includes(
      'not running: app-worker-2; `infinitic dev up --no-build` (or `infinitic dev scale N` for workers) starts them again',
    ),
  );
  assert.ok(lines.includes('  persistent://t/n/x  s backlog=3 consumers=1'));
});

test('formatStatus without containers says so, with no hint', () => {
  const text = formatStatus({ project: 'app', replicas: [], ready: {} });
  assert.match(text, /\(no containers for project app\)/);
  assert.doesNotMatch(text, /not running/);
});

test('formatStatus counts finished clients response topics instead of listing them', () => {
  const text = formatStatus({
    project: 'app',
    replicas: [],
    ready: {},
    pulsar: {
      adminUrl: 'http://127.0.0.1:8080',
      tenant: 't',
      namespace: 'n',
      topics: [
        { topic: 'persistent://t/n/response:dispatch-1', subscriptions: [] },
        { topic: 'persistent://t/n/response:dispatch-2-workflows', subscriptions: [] },
        { topic: 'persistent://t/n/response:live', subscriptions: [{ name: 's', backlog: 0, consumers: 1 }] },
        { topic: 'persistent://t/n/task-executor:S', subscriptions: [] },
      ],
    },
  });
  assert.doesNotMatch(text, /dispatch-1/);
  assert.match(text, /response:live {2}s backlog=0 consumers=1/);
  assert.match(text, /task-executor:S {2}\(no subscriptions\)/);
  assert.match(
    text,
    /\(\+2 response topic\(s\) of finished clients, no subscription; the broker removes them\)/,
  );
});
