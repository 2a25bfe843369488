import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isInside, resolveTarget, validateName, validatePulsarName, validateReplicas } from './validate.ts';

describe('validateName', () => {
  it('accepts names npm accepts for new packages', () => {
    for (const name of ['my-app', '@acme/orders-worker', 'a', 'app.v2'])
      assert.equal(validateName(name), undefined, name);
  });
  it('rejects names npm rejects, with npm reason', () => {
    assert.match(validateName('My App')!, /not a valid npm package name: .*URL-friendly/);
    assert.match(validateName('.hidden')!, /cannot start with a period/);
    assert.match(validateName('node_modules')!, /not a valid package name/);
    assert.match(validateName('x'.repeat(215))!, /more than 214 characters/);
    assert.match(validateName('UPPER')!, /capital letters/);
  });
});

describe('validatePulsarName / validateReplicas', () => {
  it('follows Pulsar naming', () => {
    assert.equal(validatePulsarName('tenant', 'infinitic'), undefined);
    assert.equal(validatePulsarName('namespace', 'dev_1.a=b:c-d'), undefined);
    assert.match(validatePulsarName('namespace', 'a/b')!, /not a valid Pulsar namespace/);
    assert.match(validatePulsarName('tenant', '')!, /not a valid Pulsar tenant/);
  });
  it('bounds replicas to whole numbers 1..20', () => {
    assert.equal(validateReplicas(3), undefined);
    for (const bad of [0, 21, 1.5, 'x', -1]) assert.match(validateReplicas(bad)!, /1 to 20/);
  });
});

describe('resolveTarget', () => {
  const cwd = path.resolve('/tmp/work');
  it('resolves sub-directories and "."', () => {
    assert.deepEqual(resolveTarget(cwd, 'my-app'), { target: path.join(cwd, 'my-app') });
    assert.deepEqual(resolveTarget(cwd, 'a/b'), { target: path.join(cwd, 'a/b') });
    assert.deepEqual(resolveTarget(cwd, '.'), { target: cwd });
    assert.deepEqual(resolveTarget(cwd, '..app'), { target: path.join(cwd, '..app') });
  });
  it('rejects relative paths that escape the current directory', () => {
    for (const dir of ['..', '../x', 'a/../../x']) {
      const result = resolveTarget(cwd, dir);
      assert.ok('error' in result, dir);
      assert.match(result.error, /outside the current directory/);
    }
  });
  it('takes an absolute path as an explicit choice, but never the root', () => {
    assert.deepEqual(resolveTarget(cwd, '/srv/app'), { target: path.resolve('/srv/app') });
    assert.ok('error' in resolveTarget(cwd, '/'));
  });
  it('isInside guards generated paths', () => {
    assert.equal(isInside('/p', '/p/src/a.ts'), true);
    assert.equal(isInside('/p', '/p/../q'), false);
    assert.equal(isInside('/p', '/p'), false);
  });
});
