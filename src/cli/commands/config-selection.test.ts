import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT } from '../run-cli.ts';
import { selectConfig } from './config-selection.ts';

const overlay = fileURLToPath(new URL('../../../runtime/test/config/valid/overlay', import.meta.url));

describe('selectConfig', () => {
  it('an environment is base.yml then NAME.yml under --dir', () => {
    const selection = selectConfig({ env: 'production', dir: overlay });
    assert.deepEqual(selection.files, ['config/base.yml', 'config/production.yml']);
    assert.equal(selection.dir, overlay);
    assert.equal(selection.keepPlaceholders, false);
  });
  it('--config takes a comma list, relative to --dir (default cwd)', () => {
    assert.deepEqual(selectConfig({ config: 'a.yml,b.yml' }, '/p').files, ['a.yml', 'b.yml']);
    assert.equal(selectConfig({ config: 'a.yml' }, '/p').dir, '/p');
  });
  it('conflicting or missing flags are usage errors', () => {
    const usage = (error: unknown) => error instanceof CliError && error.exitCode === EXIT.usage;
    assert.throws(() => selectConfig({ env: 'x', config: 'a.yml' }), usage);
    assert.throws(() => selectConfig({ config: 'a.yml', resolve: true, keepPlaceholders: true }), usage);
    assert.throws(() => selectConfig({ dir: overlay }), usage);
  });
  it('without --env, the hint says what config/ holds', () => {
    const hint = (dir: string) => {
      try {
        selectConfig({ dir });
      } catch (error) {
        return error instanceof CliError && error.exitCode === EXIT.usage ? error.message : String(error);
      }
      return 'no error';
    };
    const root = mkdtempSync(join(tmpdir(), 'config-selection-'));
    try {
      assert.match(hint(root), /no config\/\*\.yml under /);
      mkdirSync(join(root, 'config'));
      writeFileSync(join(root, 'config', 'base.yml'), 'logging: { level: info }\n');
      assert.match(
        hint(root),
        /config\/ holds only base\.yml: add config\/NAME\.yml, or pass --config config\/base\.yml/,
      );
      assert.match(hint(overlay), /environments here: production, tenant-acme/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('a missing environment is invalid input (2) naming those that exist', () => {
    assert.throws(
      () => selectConfig({ env: 'qa', dir: overlay }),
      (error: unknown) =>
        error instanceof CliError &&
        error.exitCode === EXIT.invalid &&
        /production, tenant-acme/.test(error.message),
    );
  });
});
