import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDispatchRequest } from '../../embedded/dev-endpoint.ts';
import { checkTarget, type DispatchOutcome } from '../../embedded/dispatch-request.ts';
import { methodsOf } from '../../embedded/load-project.ts';
import {
  buildRequest,
  failureLine,
  formatOutcome,
  kindOf,
  parseArgsJson,
  timeoutMs,
} from './dispatch-args.ts';

const base = {
  kind: 'service',
  target: 'HelloService',
  method: 'sayHello',
  id: 't-1',
  durationMs: 3,
} as const;

describe('dispatch flags', () => {
  it('takes the arguments as a JSON array', () => {
    assert.deepEqual(parseArgsJson('["world", 2, {"a": null}]'), ['world', 2, { a: null }]);
    assert.deepEqual(parseArgsJson(undefined), []);
    assert.deepEqual(parseArgsJson('  '), []);
  });

  it('refuses anything else with a usage error showing the expected form', () => {
    assert.throws(() => parseArgsJson('world'), {
      code: 'INF_USAGE',
      exitCode: 64,
      message: /JSON array, e\.g\. '\["world"\]'/,
    });
    assert.throws(() => parseArgsJson('"world"'), {
      code: 'INF_USAGE',
      message: /'\["world"\]', got "world"/,
    });
  });

  it('checks --timeout and converts it to ms', () => {
    assert.equal(timeoutMs(undefined), 60_000);
    assert.equal(timeoutMs(1.5), 1500);
    assert.throws(() => timeoutMs(0), { code: 'INF_USAGE' });
    assert.throws(() => timeoutMs(Number.NaN), { code: 'INF_USAGE' });
  });

  it('treats a known workflow name as a workflow unless --kind says otherwise', () => {
    assert.equal(kindOf('HelloWorkflow', ['HelloWorkflow']), 'workflow');
    assert.equal(kindOf('HelloService', ['HelloWorkflow']), 'service');
    assert.equal(kindOf('HelloWorkflow', ['HelloWorkflow'], 'service'), 'service');
    assert.equal(kindOf('X', [], 'workflow'), 'workflow');
  });

  it('builds the request with wait on by default', () => {
    assert.deepEqual(buildRequest({ target: 'A', method: 'm', args: '[1]' }, 'service'), {
      kind: 'service',
      target: 'A',
      method: 'm',
      args: [1],
      wait: true,
      timeoutMs: 60_000,
    });
    assert.equal(buildRequest({ target: 'A', method: 'm', wait: false }, 'service').wait, false);
  });
});

describe('dispatch output', () => {
  it('prints strings raw, other results as JSON, the id with --no-wait', () => {
    assert.equal(
      formatOutcome({ ...base, status: 'completed', result: 'Hello, world!' }, false),
      'Hello, world!\n',
    );
    assert.equal(
      formatOutcome({ ...base, status: 'completed', result: { n: 1 } }, false),
      '{\n  "n": 1\n}\n',
    );
    assert.equal(formatOutcome({ ...base, status: 'completed', result: undefined }, false), '');
    assert.equal(formatOutcome({ ...base, status: 'dispatched' }, false), 't-1\n');
    const json = JSON.parse(formatOutcome({ ...base, status: 'completed', result: 'x' }, true));
    assert.equal(json.status, 'completed');
    assert.equal(json.result, 'x');
  });

  it('a failure is one line with the error name, message and attempt', () => {
    const failed: DispatchOutcome & { status: 'failed' } = {
      ...base,
      status: 'failed',
      error: { name: 'RangeError', message: 'no cake\nsecond line', attempt: 3, workerName: 'w-1' },
    };
    assert.equal(formatOutcome(failed, false), '');
    assert.equal(
      failureLine(failed),
      'HelloService.sayHello (task t-1) failed on attempt 3 in w-1: RangeError: no cake',
    );
  });
});

describe('target checks', () => {
  const known = { HelloService: ['sayHello'], Other: undefined };

  it('accepts a known service and method, and any method when methods are unknown', () => {
    checkTarget({ kind: 'service', target: 'HelloService', method: 'sayHello' }, known, 'p');
    checkTarget({ kind: 'service', target: 'Other', method: 'anything' }, known, 'p');
  });

  it('names what is registered when the service or method is unknown', () => {
    assert.throws(() => checkTarget({ kind: 'service', target: 'Nope', method: 'x' }, known, 'my-app'), {
      code: 'INF_DISPATCH_UNKNOWN',
      message: "unknown service 'Nope': my-app registers HelloService, Other",
    });
    assert.throws(() => checkTarget({ kind: 'service', target: 'HelloService', method: 'x' }, known, 'p'), {
      message: "unknown method 'x' of service HelloService (methods: sayHello)",
    });
  });

  it('lists methods of class instances and plain objects, not Object.prototype or _private ones', () => {
    class Base {
      inherited() {}
    }
    class Impl extends Base {
      own() {}
      _hidden() {}
    }
    assert.deepEqual(methodsOf(new Impl()), ['inherited', 'own']);
    assert.deepEqual(methodsOf({ a: () => 1, b: 2 }), ['a']);
  });
});

describe('dev endpoint requests', () => {
  it('accepts a complete request and refuses a malformed one', () => {
    const request = { kind: 'service', target: 'A', method: 'm', args: [], wait: true, timeoutMs: 10 };
    assert.deepEqual(parseDispatchRequest({ ...request, extra: 1 }), request);
    assert.throws(() => parseDispatchRequest({ ...request, args: 'x' }), /expected/);
    assert.throws(() => parseDispatchRequest({ ...request, kind: 'task' }), /expected/);
    assert.throws(() => parseDispatchRequest(null), /expected/);
  });
});
