import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadLetterSubscription, subscriptionFor, topics } from './topics.ts';

test('topic names follow the <prefix>:<entity> layout', () => {
  assert.equal(topics.taskExecutor('HelloService'), 'task-executor:HelloService');
  assert.equal(topics.taskRetry('HelloService'), 'task-retry:HelloService');
  assert.equal(topics.workflowEngine('Order'), 'workflow-engine:Order');
  assert.equal(topics.workflowDelay('Order'), 'workflow-delay:Order');
  assert.equal(topics.workflowTaskExecutor('Order'), 'workflow-task-executor:Order');
  assert.equal(topics.workflowCmd('Order'), 'workflow-cmd:Order');
  assert.equal(topics.workflowTag('Order'), 'workflow-tag:Order');
  assert.equal(topics.clientResponse('client-1'), 'response:client-1');
  assert.equal(
    topics.deadLetter('task-executor:A', 'task-executor-subscription'),
    'task-executor:A-task-executor-subscription-DLQ',
  );
});

test('subscriptions are named after the topic prefix', () => {
  assert.equal(subscriptionFor(topics.taskExecutor('A')), 'task-executor-subscription');
  assert.equal(subscriptionFor(topics.clientResponse('c')), 'response-subscription');
  assert.equal(deadLetterSubscription('task-executor-subscription'), 'task-executor-subscription-dlq');
});

test('an entity name with characters unsafe in a topic is refused, naming it', () => {
  assert.throws(() => topics.taskExecutor('my service'), {
    code: 'INF_TRANSPORT_TOPIC_NAME',
    message: /invalid service name "my service"/,
  });
  assert.throws(() => topics.workflowEngine('a/b'), { code: 'INF_TRANSPORT_TOPIC_NAME' });
  assert.throws(() => topics.clientResponse(''), { code: 'INF_TRANSPORT_TOPIC_NAME' });
});
