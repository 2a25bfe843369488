// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose placeholders are what these tests are about
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderEnvExample, scanPlaceholders } from './env-example.ts';

describe('env example', () => {
  const files = [
    {
      path: 'config/base.yml',
      text: [
        '# ${IN_COMMENT}',
        'host: ${HOST:-localhost}',
        'port: ${PORT-6379}',
        'price: $${LITERAL}',
        'a: ${A}-${B:?set B}',
        'alt: ${ALT:+x}',
      ].join('\n'),
    },
    { path: 'config/production.yml', text: 'host: ${HOST:?set HOST}' },
  ];

  it('finds every placeholder with its file, line, default and whether it is required', () => {
    const found = scanPlaceholders(files);
    assert.deepEqual([...found.keys()].sort(), ['A', 'ALT', 'B', 'HOST', 'PORT']);
    assert.deepEqual(found.get('HOST'), [
      { file: 'config/base.yml', line: 2, required: false, fallback: 'localhost' },
      { file: 'config/production.yml', line: 1, required: true },
    ]);
    assert.equal(found.get('PORT')![0]!.fallback, '6379');
    assert.equal(found.get('A')![0]!.required, true);
    assert.equal(found.get('ALT')![0]!.required, false);
  });

  it('renders required variables as assignments and defaulted ones as comments', () => {
    const text = renderEnvExample(files);
    assert.match(text, /^HOST=$/m);
    assert.match(text, /^# PORT=6379$/m);
    assert.match(text, /^# HOST: config\/base.yml:2, config\/production.yml:1 \(required\)$/m);
    assert.doesNotMatch(text, /LITERAL|IN_COMMENT/);
  });
});
