/** Workflow scenarios on the embedded in-memory transport and storage. */
import { inMemoryBackend } from './fixtures/test-backends.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('in-memory', async () => inMemoryBackend());
