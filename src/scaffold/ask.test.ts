import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { askMissing, type PromptFns } from './ask.ts';

/** Scripted prompts: answers by message, and a log of what was asked. */
function scripted(answers: Record<string, unknown>) {
  const asked: string[] = [];
  const answer = async (config: {
    message: string;
    default?: unknown;
    validate?: (v: never) => string | true;
  }) => {
    asked.push(config.message);
    const value = config.message in answers ? answers[config.message] : config.default;
    const verdict = config.validate?.(value as never);
    if (verdict !== undefined && verdict !== true) throw new Error(`validation: ${verdict}`);
    return value;
  };
  return {
    asked,
    prompts: { input: answer, select: answer, confirm: answer, number: answer } as unknown as PromptFns,
  };
}

describe('askMissing', () => {
  it('asks only what no flag answered, defaulting the name from the directory', async () => {
    const { asked, prompts } = scripted({
      'Project directory': 'orders',
      'Storage backend for workflow state': 'postgres',
    });
    const answers = await askMissing({ tenant: 'acme', git: false }, prompts, 'npm');
    assert.equal(asked.includes('Pulsar tenant'), false);
    assert.equal(asked.includes('Initialise a git repository?'), false);
    assert.equal(asked.length, 8);
    assert.deepEqual(
      [answers.dir, answers.name, answers.storage, answers.tenant],
      ['orders', 'orders', 'postgres', 'acme'],
    );
    assert.equal(answers.git, false);
  });

  it('passes validators to the prompts', async () => {
    const { prompts } = scripted({ 'Package name': 'Not Valid' });
    await assert.rejects(
      askMissing({ dir: 'x' }, prompts, 'npm'),
      /validation: "Not Valid" is not a valid npm package name/,
    );
  });

  it('propagates a Ctrl+C (ExitPromptError) untouched', async () => {
    const exit = Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
    const prompts = { input: () => Promise.reject(exit) } as unknown as PromptFns;
    await assert.rejects(askMissing({}, prompts, 'npm'), (error) => error === exit);
  });
});
