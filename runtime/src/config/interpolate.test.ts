// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasPlaceholders, interpolate, type Lookup } from './interpolate.ts';

const env: Record<string, string> = { SET: 'value', EMPTY: '', HOST: 'redis', PORT: '6379', B: 'b-value' };
const lookup: Lookup = (name) => (name in env ? { value: env[name]!, from: 'env' } : undefined);
const run = (template: string) => interpolate(template, lookup);
const value = (template: string) => {
  const result = run(template);
  assert.deepEqual(result.problems, [], `no problem expected for ${template}`);
  return result.value;
};

describe('interpolate: Compose operators', () => {
  const cases: [string, string][] = [
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['${EMPTY}', ''],
    ['${SET:-d}', 'value'],
    ['${EMPTY:-d}', 'd'],
    ['${UNSET:-d}', 'd'],
    ['${SET-d}', 'value'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${SET+alt}', 'alt'],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${SET:?boom}', 'value'],
    ['${EMPTY?boom}', ''],
    ['${UNSET:-}', ''],
    ['${UNSET-}', ''],
  ];
  for (const [template, expected] of cases) {
    it(`${template} → ${JSON.stringify(expected)}`, () => assert.equal(value(template), expected));
  }
});

describe('interpolate: nesting, escapes, embedding', () => {
  it('nested defaults resolve inside out, only when used', () => {
    assert.equal(value('${UNSET:-${B:-x}}'), 'b-value');
    assert.equal(value('${UNSET:-${ALSO_UNSET:-x}}'), 'x');
    assert.equal(value('${SET:-${ALSO_UNSET}}'), 'value', 'an unused default is not evaluated');
    assert.equal(value('${UNSET:-a-${HOST}-b}'), 'a-redis-b');
  });
  it('$$ is a literal $ and is not interpolated', () => {
    assert.equal(value('$$'), '$');
    assert.equal(value('$${SET}'), '${SET}');
    assert.equal(value('$$SET'), '$SET');
    assert.equal(value('cost: $$5'), 'cost: $5');
  });
  it('$VAR forms stop at the first non-name character', () => {
    assert.equal(value('$HOST:$PORT'), 'redis:6379');
    assert.equal(value('redis://$HOST/0'), 'redis://redis/0');
    assert.equal(value('${HOST}x'), 'redisx');
    assert.equal(value('$SET-x'), 'value-x');
    assert.equal(run('$SET_x').problems[0]?.variable, 'SET_x', 'underscores and digits belong to the name');
  });
  it('a $ not followed by a name, $ or { stays literal', () => {
    assert.equal(value('a $ b'), 'a $ b');
    assert.equal(value('price $5'), 'price $5');
    assert.equal(value('trailing $'), 'trailing $');
  });
  it('placeholders embed in text', () => {
    assert.equal(value('redis://${HOST}:${PORT:-1}/0'), 'redis://redis:6379/0');
  });
  it('defaults may contain colons, dashes and URLs', () => {
    assert.equal(value('${UNSET:-pulsar://localhost:6650}'), 'pulsar://localhost:6650');
    assert.equal(value('${UNSET:--1}'), '-1');
  });
});

describe('interpolate: errors', () => {
  it('an unset ${VAR} without default is an error naming it, at the $', () => {
    const result = run('x: ${MISSING}');
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0]!.kind, 'unset');
    assert.equal(result.problems[0]!.variable, 'MISSING');
    assert.equal(result.problems[0]!.offset, 3);
    assert.match(result.problems[0]!.message, /variable MISSING is not set/);
  });
  it('an unset $VAR is an error too', () => {
    assert.equal(run('$MISSING').problems[0]?.kind, 'unset');
  });
  it(':? fails on unset and on empty, with the message interpolated', () => {
    const unset = run('${UNSET:?set it in ${HOST}}');
    assert.equal(unset.problems[0]?.kind, 'required');
    assert.equal(unset.problems[0]?.message, 'required variable UNSET is missing a value: set it in redis');
    assert.equal(run('${EMPTY:?no}').problems[0]?.message, 'required variable EMPTY is empty: no');
    assert.equal(run('${UNSET:?}').problems[0]?.message, 'required variable UNSET is missing a value');
  });
  it('? fails only on unset', () => {
    assert.equal(
      run('${UNSET?need it}').problems[0]?.message,
      'required variable UNSET is missing a value: need it',
    );
    assert.deepEqual(run('${EMPTY?need it}').problems, []);
  });
  it('an unterminated ${ is an invalid template at its offset', () => {
    const result = run('ab${SET');
    assert.equal(result.problems[0]?.kind, 'invalid');
    assert.equal(result.problems[0]?.offset, 2);
    assert.match(result.problems[0]!.message, /unterminated/);
  });
  it('malformed braces are invalid templates', () => {
    for (const bad of ['${}', '${ SET}', '${SET:x}', '${1A}', '${SET/x}']) {
      assert.equal(run(bad).problems[0]?.kind, 'invalid', bad);
      assert.match(run(bad).problems[0]!.message, /^Invalid template/, bad);
    }
  });
  it('an error inside a used default is located in the template', () => {
    const result = run('${UNSET:-${MISSING}}');
    assert.equal(result.problems[0]?.variable, 'MISSING');
    assert.equal(result.problems[0]?.offset, 9);
  });
});

describe('interpolate: provenance of each use', () => {
  it('records which variables resolved from where', () => {
    const result = run('${HOST}:${UNSET:-1}');
    assert.deepEqual(
      result.uses.map((u) => [u.name, u.resolved]),
      [
        ['HOST', 'env'],
        ['UNSET', 'default'],
      ],
    );
  });
  it('spans each placeholder, and tells a used default from a used alternative', () => {
    const template = '$HOST-${UNSET:-${HOST}}-${HOST:+alt}';
    const result = run(template);
    assert.deepEqual(
      result.uses.map((u) => [template.slice(u.offset, u.end), u.resolved]),
      [
        ['$HOST', 'env'],
        ['${UNSET:-${HOST}}', 'default'],
        ['${HOST}', 'env'],
        ['${HOST:+alt}', 'alternative'],
      ],
    );
  });
  it('hasPlaceholders spots every form', () => {
    for (const yes of ['$A', '${A}', '$$', 'x${A:-1}']) assert.equal(hasPlaceholders(yes), true, yes);
    for (const no of ['plain', 'a $ b', '$5', '']) assert.equal(hasPlaceholders(no), false, no);
  });
});
