import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAnswer, missingAnswers, QUESTIONS, withDefaults } from './answers.ts';

const question = (key: string) => QUESTIONS.find((q) => q.key === key)!;

describe('answers', () => {
  it('every question has a flag and a default', () => {
    for (const q of QUESTIONS) {
      assert.ok(q.flag.length > 0, q.key);
      assert.notEqual(q.fallback({}, 'npm'), undefined, q.key);
    }
  });

  it('defaults: name follows the directory, package manager is the detected one', () => {
    const answers = withDefaults({ dir: 'sub/orders-worker' }, 'pnpm');
    assert.equal(answers.name, 'orders-worker');
    assert.equal(answers.packageManager, 'pnpm');
    assert.equal(answers.storage, 'redis');
    assert.deepEqual([answers.tenant, answers.namespace, answers.sample], ['infinitic', 'dev', 'hello']);
    assert.equal(answers.replicas, 2);
    assert.equal(answers.git, true);
    assert.equal(answers.install, true);
    assert.equal(withDefaults({}, 'npm').dir, 'infinitic-app');
    assert.equal(withDefaults({ name: '@acme/orders' }, 'npm').dir, 'orders');
  });

  it('flags win over defaults, including false booleans', () => {
    const answers = withDefaults(
      { dir: 'x', name: 'y', git: false, install: false, storage: 'mysql' },
      'npm',
    );
    assert.deepEqual(
      [answers.name, answers.git, answers.install, answers.storage],
      ['y', false, false, 'mysql'],
    );
  });

  it('without --yes the required answers are missing until given', () => {
    assert.deepEqual(
      missingAnswers({}).map((q) => q.flag),
      ['[dir]', '--storage'],
    );
    assert.deepEqual(
      missingAnswers({ dir: 'a' }).map((q) => q.flag),
      ['--storage'],
    );
    assert.deepEqual(missingAnswers({ dir: 'a', storage: 'redis' }), []);
    assert.deepEqual(missingAnswers({ name: 'a', storage: 'redis' }), []);
    assert.deepEqual(missingAnswers({ yes: true }), []);
  });

  it('checkAnswer reports bad choices and invalid values with the flag', () => {
    assert.match(
      checkAnswer(question('storage'), 'mongo')!,
      /--storage must be one of redis, postgres, mysql/,
    );
    assert.match(
      checkAnswer(question('name'), 'Bad Name')!,
      /^--name: "Bad Name" is not a valid npm package name/,
    );
    assert.match(checkAnswer(question('replicas'), 0)!, /^--replicas: /);
    assert.equal(checkAnswer(question('sample'), 'none'), undefined);
  });
});
