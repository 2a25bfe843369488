import { createStorage } from '../src/storage/create-storage.ts';
import { InMemoryStorage } from '../src/storage/in-memory-storage.ts';
import { storageConformance } from './storage-conformance.ts';
import { wrapperConformance } from './storage-wrappers.ts';

storageConformance('inMemory', async () => new InMemoryStorage());
wrapperConformance('inMemory', async () => new InMemoryStorage());
storageConformance('inMemory via createStorage (gzip + cache)', () =>
  createStorage({
    kind: 'inMemory',
    compression: 'gzip',
    cache: { maximumSize: 1000, expireAfterAccessSeconds: 60 },
  }),
);
