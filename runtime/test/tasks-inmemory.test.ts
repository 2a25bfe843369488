/** Task execution on the embedded in-memory transport and storage. */
import { taskScenarios } from './fixtures/task-scenarios.ts';
import { inMemoryBackend } from './fixtures/test-backends.ts';

taskScenarios('in-memory', async () => inMemoryBackend());
