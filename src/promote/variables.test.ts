// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scalarsOf, variablesOf } from './variables.ts';

const base = {
  path: 'config/base.yml',
  text: [
    'transport:',
    '  pulsar:',
    '    brokerServiceUrl: ${PULSAR_URL:-pulsar://localhost:6650}',
    '    client: {authentication: {token: "${PULSAR_TOKEN}"}}',
    'storage:',
    '  redis: {host: "${REDIS_HOST}", port: 6379, password: hunter2}',
    'services:',
    '  - name: ${SERVICE_NAME:-Hello}',
  ].join('\n'),
};
const production = {
  path: 'config/production.yml',
  text: 'transport:\n  pulsar:\n    brokerServiceUrl: ${PULSAR_URL:-pulsar+ssl://p:6651}\n',
};

describe('variablesOf', () => {
  it('finds every variable per file, secret when used at a secret path, with its defaults', () => {
    const vars = variablesOf([base, production]);
    assert.deepEqual(
      vars.map((v) => [v.name, v.secret, v.defaultValue, v.defaulted]),
      [
        ['PULSAR_TOKEN', true, undefined, false],
        ['PULSAR_URL', false, undefined, true],
        ['REDIS_HOST', false, undefined, false],
        ['SERVICE_NAME', false, 'Hello', true],
      ],
    );
    assert.deepEqual(vars[1]!.usedAt, ['config/base.yml:3:23', 'config/production.yml:3:23']);
  });
});

describe('scalarsOf', () => {
  it('gives each scalar its dotted path and position', () => {
    const password = scalarsOf(base).find((s) => s.path === 'storage.redis.password');
    assert.deepEqual(password && [password.value, password.line, password.col], ['hunter2', 6, 56]);
    assert.ok(scalarsOf(base).some((s) => s.path === 'services[0].name'));
  });
});
