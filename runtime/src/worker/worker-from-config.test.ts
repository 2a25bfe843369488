/** What a worker runs from config: `workflows[]` → engine settings; --services / --workflows selections. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type InfiniticConfigInput, parseConfig } from '../config/index.ts';
import { engineRedeliveries, MIN_ENGINE_REDELIVERIES } from '../workflow/workflow-engine.ts';
import {
  type FromConfigOptions,
  runnablesFromConfig,
  workerOptionsFromConfig,
  workflowsFromConfig,
} from './worker-from-config.ts';

const Orders = async () => 'order';
const Billing = async () => 'bill';
const Shipping = async () => 'ship';
const services = { Hello: {}, Tricky: {} };
const workflows = { Orders, Billing, Shipping };

const config = (input: Omit<InfiniticConfigInput, 'transport'>) =>
  parseConfig({ transport: 'inMemory', storage: 'inMemory', ...input } as InfiniticConfigInput);

const names = (config: ReturnType<typeof parseConfig>, options: Partial<FromConfigOptions>) => {
  const r = runnablesFromConfig(config, { services, workflows, ...options });
  return { services: Object.keys(r.services).sort(), workflows: Object.keys(r.workflows).sort() };
};

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'INF_WORKER_CONFIG');
    return (error as Error).message;
  }
  assert.fail('expected an INF_WORKER_CONFIG error');
};

describe('workflows[] from config', () => {
  test('executor and stateEngine map to the engine: concurrency (the larger), checkMode; implementations without an entry run with the defaults', () => {
    const c = config({
      workflows: [
        {
          name: 'Orders',
          executor: { concurrency: 8, checkMode: 'strict' },
          stateEngine: { concurrency: 2 },
        },
        { name: 'Billing', executor: { checkMode: 'none' }, stateEngine: { concurrency: 5 } },
      ],
    });
    const { workflows: run, perWorkflow } = workflowsFromConfig(c, { services, workflows });
    assert.deepEqual(Object.keys(run).sort(), ['Billing', 'Orders', 'Shipping']);
    assert.equal(run.Orders, Orders);
    assert.deepEqual(perWorkflow, {
      Orders: { concurrency: 8, checkMode: 'strict' },
      Billing: { concurrency: 5, checkMode: 'none' },
    });
  });

  test('an entry with just a name runs with the engine defaults; executor.concurrency 0 means not here', () => {
    const c = config({ workflows: [{ name: 'Orders' }, { name: 'Billing', executor: { concurrency: 0 } }] });
    const { workflows: run, perWorkflow } = workflowsFromConfig(c, { services, workflows });
    assert.deepEqual(Object.keys(run).sort(), ['Orders', 'Shipping']);
    assert.deepEqual(perWorkflow, { Orders: {} });
  });

  test('an executor or a stateEngine without implementation is a located error; a tagEngine alone is not', () => {
    const executor = config({ workflows: [{ name: 'Orders' }, { name: 'Refunds', executor: {} }] });
    assert.equal(
      errorOf(() => workflowsFromConfig(executor, { services, workflows })),
      "workflows[1] 'Refunds' has an executor but no implementation: pass it to runWorkerMain({ workflows: { Refunds: RefundsImpl } })",
    );
    const state = config({ workflows: [{ name: 'Refunds', stateEngine: {} }] });
    assert.match(
      errorOf(() => workflowsFromConfig(state, { services, workflows })),
      /^workflows\[0\] 'Refunds' has a stateEngine but no implementation/,
    );
    const tags = config({ workflows: [{ name: 'Refunds', tagEngine: {} }] });
    assert.deepEqual(Object.keys(workflowsFromConfig(tags, { services, workflows }).workflows).length, 3);
  });

  test('a storage per engine is refused by the config schema, before any worker starts', () => {
    assert.throws(
      () => config({ workflows: [{ name: 'Orders', stateEngine: { storage: 'inMemory' } }] }),
      /workflows\[0\]\.stateEngine\.storage: a storage per workflow engine is not supported/,
    );
  });

  test('worker options carry the chosen workflows and their settings', () => {
    const c = config({
      workflows: [{ name: 'Orders', executor: { concurrency: 3 } }],
      observability: { enabled: false },
    });
    const options = workerOptionsFromConfig(c, { services, workflows, onlyWorkflows: ['Orders'] });
    assert.deepEqual(Object.keys(options.services), []);
    assert.deepEqual(Object.keys(options.workflows ?? {}), ['Orders']);
    assert.deepEqual(options.workflowOptions?.perWorkflow, {
      Orders: { concurrency: 3, checkMode: 'simple' },
    });
  });

  test('logging.level and logging.format reach the worker (json by default)', () => {
    const pretty = config({
      logging: { level: 'debug', format: 'pretty' },
      observability: { enabled: false },
    });
    const options = workerOptionsFromConfig(pretty, { services, workflows });
    assert.deepEqual([options.logLevel, options.logFormat], ['debug', 'pretty']);
    // one logger, made from logging.*, for the worker and its transport's warnings
    assert.equal(options.logger?.level, 'debug');
    const plain = workerOptionsFromConfig(config({ observability: { enabled: false } }), {
      services,
      workflows,
    });
    assert.equal(plain.logFormat, 'json');
  });
});

describe('--services / --workflows selections', () => {
  const c = config({ services: [{ name: 'Tricky', executor: {} }], workflows: [{ name: 'Orders' }] });

  test('none: everything; one kind selected: nothing of the other kind unless named too', () => {
    assert.deepEqual(names(c, {}), {
      services: ['Hello', 'Tricky'],
      workflows: ['Billing', 'Orders', 'Shipping'],
    });
    assert.deepEqual(names(c, { onlyWorkflows: ['Orders', 'Billing'] }), {
      services: [],
      workflows: ['Billing', 'Orders'],
    });
    assert.deepEqual(names(c, { only: ['Tricky'] }), { services: ['Tricky'], workflows: [] });
    assert.deepEqual(names(c, { only: ['Hello'], onlyWorkflows: ['Shipping'] }), {
      services: ['Hello'],
      workflows: ['Shipping'],
    });
  });

  test('an unknown workflow name is one line naming the known ones', () => {
    assert.equal(
      errorOf(() => runnablesFromConfig(c, { services, workflows, onlyWorkflows: ['Ordrs'] })),
      "--workflows: unknown workflow 'Ordrs' (known: Orders, Billing, Shipping)",
    );
  });

  test('a selection leaving nothing to run is an error', () => {
    const off = config({ workflows: [{ name: 'Orders', executor: { concurrency: 0 } }] });
    assert.equal(
      errorOf(() => runnablesFromConfig(off, { services, workflows, onlyWorkflows: ['Orders'] })),
      'no workflow to run among --workflows Orders: configure workflows[] with an executor and pass their implementations',
    );
  });
});

test('workflow engine consumers get at least MIN_ENGINE_REDELIVERIES; 0 (never dead-letter) stays 0', () => {
  assert.equal(MIN_ENGINE_REDELIVERIES, 20);
  assert.equal(engineRedeliveries(undefined), 20);
  assert.equal(engineRedeliveries(3), 20);
  assert.equal(engineRedeliveries(50), 50);
  assert.equal(engineRedeliveries(0), 0);
});
