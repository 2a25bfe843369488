/** `storage:` — exactly one backend (redis | postgres | mysql | inMemory), compression and caches. */
import * as z from 'zod';
import { int, nonBlank, nullAsEmpty, portSchema, seconds } from './common.ts';

const tableName = (engine: string, key: string, fallback: string) =>
  z
    .string()
    .refine((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name), {
      error: (issue) =>
        `Invalid value for '${key}': '${String(issue.input)}' is not a valid ${engine} table name`,
    })
    .default(fallback);

const poolKeys = {
  maximumPoolSize: int(1).optional().describe('Connections in the pool at most'),
  minimumIdle: int(0).optional().describe('Idle connections kept open'),
  idleTimeout: int(0).optional().describe('Milliseconds before an idle connection closes'),
  connectionTimeout: int(1).optional().describe('Milliseconds to wait for a connection'),
  maxLifetime: int(0).optional().describe('Milliseconds a connection lives at most'),
};

export const redisSchema = z
  .strictObject({
    host: nonBlank('host').describe('Redis host'),
    port: portSchema.describe('Redis port'),
    username: z.string().optional().describe('ACL user name'),
    password: z.string().nullable().optional().describe('Password'),
    database: int(0).default(0).describe('Database index'),
    timeout: int(1).default(2000).describe('Connection and command timeout in milliseconds'),
    ssl: z.boolean().default(false).describe('Connect with TLS'),
    keyPrefix: z.string().optional().describe('Prefix added to every key'),
    poolConfig: z
      .strictObject({
        maxTotal: int(-1).default(-1).describe('Connections at most (-1: no limit)'),
        maxIdle: int(0).default(8),
        minIdle: int(0).default(0),
      })
      .prefault({})
      .describe('Connection pool'),
  })
  .describe('Redis storage');

export const postgresSchema = z
  .strictObject({
    host: nonBlank('host').describe('PostgreSQL host'),
    port: portSchema.describe('PostgreSQL port'),
    username: nonBlank('username').describe('User name'),
    password: z.string().nullable().optional().describe('Password'),
    database: z.string().default('postgres').describe('Database'),
    schema: z.string().default('infinitic').describe('Schema holding the tables'),
    keySetTable: tableName('Postgres', 'keySetTable', 'key_set_storage'),
    keyValueTable: tableName('Postgres', 'keyValueTable', 'key_value_storage'),
    ssl: z.boolean().optional().describe('Connect with TLS'),
    ...poolKeys,
  })
  .describe('PostgreSQL storage');

export const mysqlSchema = z
  .strictObject({
    host: nonBlank('host').describe('MySQL host'),
    port: portSchema.describe('MySQL port'),
    username: nonBlank('username').describe('User name'),
    password: z.string().nullable().optional().describe('Password'),
    database: z.string().default('infinitic').describe('Database'),
    keySetTable: tableName('MySQL', 'keySetTable', 'key_set_storage'),
    keyValueTable: tableName('MySQL', 'keyValueTable', 'key_value_storage'),
    ssl: z.boolean().optional().describe('Connect with TLS'),
    ...poolKeys,
  })
  .describe('MySQL / MariaDB storage');

const cacheEntrySchema = z.strictObject({
  maximumSize: int(1).optional().describe('Entries kept at most'),
  expireAfterAccessSeconds: seconds().optional().describe('Evict entries idle this long'),
  expireAfterWriteSeconds: seconds().optional().describe('Evict entries written this long ago'),
});

const cacheSchema = z
  .strictObject({
    keyValue: cacheEntrySchema.optional().describe('Cache of key-value reads (per process)'),
    keySet: cacheEntrySchema.optional().describe('Cache of key-set reads (per process)'),
    maximumSize: int(1).optional().describe("Infinitic's flat form: entries kept at most, both caches"),
    expireAfterAccess: seconds().optional().describe("Infinitic's flat form: seconds idle before eviction"),
    expireAfterWrite: seconds()
      .optional()
      .describe("Infinitic's flat form: seconds after write before eviction"),
  })
  .describe('Read caches; the flat keys apply to both caches, keyValue/keySet override them');

const BACKENDS = ['redis', 'postgres', 'mysql', 'inMemory'] as const;

const storageObject = z
  .strictObject({
    compression: z
      .enum(['none', 'gzip'], {
        error: (issue) =>
          issue.input === 'bzip2' || issue.input === 'deflate'
            ? `'${issue.input}' is an Infinitic (JVM) option this runtime does not implement; use gzip or none`
            : undefined,
      })
      .default('none')
      .describe('Compression of stored values; detected on read, so switching keeps old values readable'),
    cache: cacheSchema.optional(),
    redis: redisSchema.optional(),
    postgres: postgresSchema.optional(),
    mysql: mysqlSchema.optional(),
    inMemory: nullAsEmpty(z.strictObject({}))
      .optional()
      .describe('In-process storage (tests, embedded mode)'),
  })
  .superRefine((s, ctx) => {
    const present = BACKENDS.filter((b) => s[b] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          present.length === 0
            ? 'storage needs exactly one backend: redis, postgres, mysql or inMemory'
            : `storage has ${present.length} backends (${present.join(', ')}); keep exactly one`,
      });
    }
  });

/** `storage: inMemory` is shorthand for `storage: {inMemory: {}}`. */
export const storageSchema = z
  .preprocess((value) => (value === 'inMemory' ? { inMemory: {} } : value), storageObject)
  .describe('State storage: exactly one of redis, postgres, mysql, inMemory');

export const storageShape = { storage: storageSchema.optional() };
