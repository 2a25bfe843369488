// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is Compose interpolation syntax, not a template
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDotenv } from './dotenv.ts';

const values = (text: string, env: Record<string, string> = {}) => {
  const result = parseDotenv(text, '.env', env);
  assert.deepEqual(result.issues, []);
  return Object.fromEntries([...result.entries].map(([k, v]) => [k, v.value]));
};

describe('parseDotenv (Compose .env format)', () => {
  it('reads KEY=VALUE lines, comments, blank lines and export', () => {
    assert.deepEqual(values('# comment\n\nA=1\nexport B=two\n  C = spaced  \n'), {
      A: '1',
      B: 'two',
      C: 'spaced',
    });
  });
  it('strips inline comments only after whitespace in unquoted values', () => {
    assert.deepEqual(values('A=x # note\nB=a#b\n'), { A: 'x', B: 'a#b' });
  });
  it('single quotes are literal, double quotes process escapes', () => {
    assert.deepEqual(values('A=\'x ${B} \\n\'\nB="l1\\nl2 \\"q\\""\n'), { A: 'x ${B} \\n', B: 'l1\nl2 "q"' });
  });
  it('quoted values span lines', () => {
    assert.deepEqual(values('KEY="-----BEGIN\nabc\n-----END"\nNEXT=1'), {
      KEY: '-----BEGIN\nabc\n-----END',
      NEXT: '1',
    });
  });
  it('interpolates earlier keys and the environment, environment first', () => {
    assert.deepEqual(values('HOST=redis\nURL=redis://${HOST}:${PORT:-6379}\n'), {
      HOST: 'redis',
      URL: 'redis://redis:6379',
    });
    assert.equal(values('HOST=file\nURL=${HOST}\n', { HOST: 'env' }).URL, 'env');
  });
  it('reports malformed lines and unterminated quotes with line and column', () => {
    const result = parseDotenv('A=1\nnot a pair\nB="open\n', '.env');
    assert.deepEqual(
      result.issues.map((i) => [i.line, i.col, i.message]),
      [
        [2, 1, 'expected KEY=VALUE, found "not a pair"'],
        [3, 3, 'unterminated " quote'],
      ],
    );
    assert.equal(result.entries.get('A')?.value, '1');
  });
  it('reports a failing ${VAR:?} with its position', () => {
    const result = parseDotenv('A=x${NEED:?set NEED}\n', '.env');
    assert.equal(result.issues[0]?.message, 'required variable NEED is missing a value: set NEED');
    assert.equal(result.issues[0]?.col, 4);
  });
});
