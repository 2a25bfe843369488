/**
 * Checklist rules about the connections: TLS, authentication, secrets, in-memory parts, localhost,
 * and the broker side of the WebSocket transport.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in fixes is Compose interpolation syntax
import { isSecretPath } from '@infinitic/runtime';
import { type Endpoint, pulsarEndpoints, storageEndpoints, storagesOf } from '../promote/endpoints.ts';
import { scalarsOf } from '../promote/variables.ts';
import { at, type Finding, known, LOCAL_HOST, type Rule } from './rule.ts';

export const CONNECTION_RULES: Rule[] = [
  {
    id: 'PROD001',
    level: 'error',
    title: 'Pulsar over TLS',
    check: (p) =>
      pulsarEndpoints(p.config, p.unresolved)
        .filter((e) => known(p, e.path) && !/^(pulsar\+ssl|https|wss):\/\//.test(e.value))
        .map((e) => ({
          path: e.path,
          at: at(p, e.path),
          message: `Pulsar without TLS: ${e.value}`,
          fix: 'use pulsar+ssl:// for brokerServiceUrl, https:// for webServiceUrl and wss:// for webSocketUrl',
        })),
  },
  {
    id: 'PROD002',
    level: 'error',
    title: 'Storage over TLS',
    check: (p) =>
      storagesOf(p.config).flatMap(({ path, storage }) =>
        (['redis', 'postgres', 'mysql'] as const)
          .filter((kind) => storage[kind] && known(p, `${path}.${kind}.ssl`) && storage[kind].ssl !== true)
          .map((kind) => ({
            path: `${path}.${kind}.ssl`,
            at: at(p, `${path}.${kind}`),
            message: `${kind} storage without TLS`,
            fix: `set ${path}.${kind}.ssl: true (the server must accept TLS)`,
          })),
      ),
  },
  {
    id: 'PROD003',
    level: 'error',
    title: 'Pulsar authentication',
    check: (p) =>
      p.config.transport.pulsar && !p.config.transport.pulsar.client?.authentication
        ? [
            {
              path: 'transport.pulsar.client.authentication',
              at: at(p, 'transport.pulsar'),
              message: 'Pulsar client has no authentication',
              fix: 'set transport.pulsar.client.authentication.token: ${PULSAR_TOKEN} (or OAuth2 / Athenz)',
            },
          ]
        : [],
  },
  {
    id: 'PROD004',
    level: 'error',
    title: 'Storage password',
    check: (p) =>
      storagesOf(p.config).flatMap(({ path, storage }) =>
        (['redis', 'postgres', 'mysql'] as const)
          .filter((kind) => storage[kind] && !storage[kind].password)
          .map((kind) => ({
            path: `${path}.${kind}.password`,
            at: at(p, `${path}.${kind}`),
            message: `${kind} storage has no password`,
            fix: `set ${path}.${kind}.password: \${${kind.toUpperCase()}_PASSWORD} and put the value in the Secret`,
          })),
      ),
  },
  {
    id: 'PROD005',
    level: 'error',
    title: 'No literal secret in files',
    check: (p) => {
      const findings: Omit<Finding, 'id' | 'level'>[] = [];
      for (const file of p.files) {
        for (const s of scalarsOf(file)) {
          if (!isSecretPath(s.segments) || s.value === null || s.value === '') continue;
          const where = `${s.file}:${s.line}:${s.col}`;
          if (typeof s.value !== 'string' || !s.value.includes('${')) {
            findings.push({
              path: s.path,
              at: where,
              message: `literal secret at ${s.path} (value hidden)`,
              fix: `replace it with a placeholder such as \${${s.path.split('.').at(-1)!.toUpperCase()}}, set from a Secret`,
            });
          }
        }
      }
      for (const v of p.variables.filter((v) => v.secret && v.someValueDefault)) {
        findings.push({
          at: v.usedAt[0]!,
          message: `secret variable ${v.name} has a default written in the file (value hidden)`,
          fix: `write \${${v.name}} without a default; the value comes from the Secret`,
        });
      }
      return findings;
    },
  },
  {
    id: 'PROD006',
    level: 'error',
    title: 'No in-memory transport or storage',
    check: (p) =>
      [
        ...(p.config.transport.inMemory
          ? [
              {
                path: 'transport',
                message: 'in-memory transport: nothing survives a restart, one process only',
              },
            ]
          : []),
        ...storagesOf(p.config)
          .filter(({ storage }) => storage.inMemory)
          .map(({ path }) => ({ path, message: `in-memory storage at ${path}: state is lost on restart` })),
      ].map((f) => ({
        ...f,
        at: at(p, f.path),
        fix: 'use transport.pulsar and a redis, postgres or mysql storage',
      })),
  },
  {
    id: 'PROD007',
    level: 'error',
    title: 'No localhost endpoint',
    check: (p) =>
      [...pulsarEndpoints(p.config, p.unresolved), ...storageEndpoints(p.config, p.unresolved)]
        .filter((e): e is Endpoint & { host: string } => e.host !== undefined && LOCAL_HOST.test(e.host))
        .map((e) => ({
          path: e.path,
          at: at(p, e.path),
          message: `${e.path} points to ${e.host}, which is the pod itself in production`,
          fix: 'use the service address (set the variable at promote time or change its default)',
        })),
  },
  {
    id: 'PROD008',
    level: 'warning',
    title: 'Brokers serve the WebSocket API',
    check: (p) =>
      p.config.transport.pulsar && !p.config.transport.pulsar.webSocketUrl
        ? [
            {
              path: 'transport.pulsar.webSocketUrl',
              at: at(p, 'transport.pulsar.webServiceUrl'),
              message: 'the worker uses the Pulsar WebSocket API, which brokers do not serve by default',
              fix: 'run brokers with webSocketServiceEnabled=true, or a WebSocket proxy and set transport.pulsar.webSocketUrl to it',
            },
          ]
        : [],
  },
];
