/** Workflow scenarios on the embedded in-memory transport and storage. */
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { InMemoryTransport } from '../src/transport/in-memory/in-memory-transport.ts';
import { workflowScenarios } from './fixtures/workflow-scenarios.ts';

workflowScenarios('in-memory', async () => {
  const transport = new InMemoryTransport();
  const storage = new InMemoryStorage();
  return {
    transport,
    storage,
    close: async () => {
      await transport.close(0);
      await storage.close();
    },
  };
});
