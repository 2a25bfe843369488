import type { Pool, PoolClient, PoolConfig, QueryResult } from 'pg';
import { storageFailure } from './errors.ts';
import { checkKey, checkScan, checkVersion, DEFAULT_SCAN_LIMIT } from './keys.ts';
import { type InitializableStorage, initializeOrClose } from './lazy-storage.ts';
import { loadDriver } from './load-driver.ts';
import {
  asBuffer,
  checkSqlOptions,
  type SqlStorageOptions,
  sizeInKiB,
  sqlIdentifier,
} from './sql-options.ts';
import type { KeySetStorage, KeyValueStorage, Versioned } from './storage.ts';

export interface PostgresStorageOptions extends SqlStorageOptions {
  /** Database to connect to (must exist). Default postgres. */
  database?: string;
  /** Schema holding the tables, created when missing. Default infinitic. */
  schema?: string;
}

const decoder = new TextDecoder();

/**
 * Storage on PostgreSQL, with Infinitic's table layout: key_value_storage(key UNIQUE, value BYTEA,
 * version) and key_set_storage(key, value). Compare-and-set is a single statement: an insert that
 * does nothing on conflict for version 0, else `UPDATE/DELETE ... WHERE key = $1 AND version = $2`;
 * under READ COMMITTED a concurrent writer waits for the row and then re-checks the version.
 */
export class PostgresStorage implements InitializableStorage {
  readonly kind = 'postgres';
  readonly keyValue: KeyValueStorage;
  readonly keySet: KeySetStorage;
  readonly where: string;
  #poolConfig: PoolConfig;
  /** Made on first use, with the `pg` package loaded then (see #getPool). */
  #pool: Promise<Pool> | undefined;
  #schema: string;
  #kv: string;
  #ks: string;
  #tables: { keyValue: string; keySet: string };
  #closed = false;

  /** Use `createPostgresStorage`, which also creates the schema and tables. */
  constructor(options: PostgresStorageOptions) {
    this.#tables = checkSqlOptions('postgres', options);
    const database = options.database ?? 'postgres';
    this.#schema = sqlIdentifier('storage.postgres.schema', options.schema ?? 'infinitic');
    this.where = `postgres at ${options.host}:${options.port}/${database} (schema ${this.#schema})`;
    this.#kv = `"${this.#schema}"."${this.#tables.keyValue}"`;
    this.#ks = `"${this.#schema}"."${this.#tables.keySet}"`;
    this.#poolConfig = {
      host: options.host,
      port: options.port,
      user: options.username,
      password: options.password ?? undefined,
      database,
      ssl: options.ssl ? true : undefined,
      max: options.maximumPoolSize ?? 10,
      min: options.minimumIdle,
      idleTimeoutMillis: options.idleTimeout,
      connectionTimeoutMillis: options.connectionTimeout ?? 5000,
      maxLifetimeSeconds: options.maxLifetime ? Math.ceil(options.maxLifetime / 1000) : undefined,
    };
    const kv = this.#kv;
    const ks = this.#ks;
    const query = (action: string, text: string, values: unknown[]) => this.#query(action, text, values);

    this.keyValue = {
      async get(key) {
        checkKey(key);
        const { rows } = await query('get', `SELECT value FROM ${kv} WHERE key = $1`, [key]);
        return rows[0] ? new Uint8Array(rows[0].value) : undefined;
      },
      async getWithVersion(key): Promise<Versioned> {
        checkKey(key);
        const { rows } = await query('getWithVersion', `SELECT value, version FROM ${kv} WHERE key = $1`, [
          key,
        ]);
        return rows[0]
          ? { value: new Uint8Array(rows[0].value), version: Number(rows[0].version) }
          : { value: undefined, version: 0 };
      },
      async put(key, value) {
        checkKey(key);
        if (value === undefined) {
          await query('put', `DELETE FROM ${kv} WHERE key = $1`, [key]);
          return;
        }
        await query(
          'put',
          `INSERT INTO ${kv} AS t (key, value, value_size_in_kib) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, value_size_in_kib = EXCLUDED.value_size_in_kib,
             version = t.version + 1, last_update = CURRENT_TIMESTAMP`,
          [key, asBuffer(value), sizeInKiB(value)],
        );
      },
      async putWithVersion(key, value, expected) {
        checkKey(key);
        checkVersion(expected);
        if (value === undefined && expected === 0) {
          // Deleting an absent entry succeeds and writes nothing.
          const { rowCount } = await query('putWithVersion', `SELECT 1 FROM ${kv} WHERE key = $1`, [key]);
          return rowCount === 0;
        }
        const { rowCount } =
          value === undefined
            ? await query('putWithVersion', `DELETE FROM ${kv} WHERE key = $1 AND version = $2`, [
                key,
                expected,
              ])
            : expected === 0
              ? await query(
                  'putWithVersion',
                  `INSERT INTO ${kv} (key, value, value_size_in_kib) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
                  [key, asBuffer(value), sizeInKiB(value)],
                )
              : await query(
                  'putWithVersion',
                  `UPDATE ${kv} SET value = $2, value_size_in_kib = $3, version = version + 1, last_update = CURRENT_TIMESTAMP
                   WHERE key = $1 AND version = $4`,
                  [key, asBuffer(value), sizeInKiB(value), expected],
                );
        return rowCount === 1;
      },
      async scan(prefix, limit = DEFAULT_SCAN_LIMIT) {
        checkScan(prefix, limit);
        const { rows } = await query('scan', `SELECT key FROM ${kv} WHERE starts_with(key, $1) LIMIT $2`, [
          prefix,
          limit,
        ]);
        return rows.map((row) => row.key as string);
      },
    };

    this.keySet = {
      async members(key) {
        checkKey(key);
        const { rows } = await query('members', `SELECT DISTINCT value FROM ${ks} WHERE key = $1`, [key]);
        return rows.map((row) => decoder.decode(row.value));
      },
      async add(key, member) {
        checkKey(key);
        checkKey(member, 'key-set member');
        // No conflict target: also works on an Infinitic-created table without the unique index.
        await query('add', `INSERT INTO ${ks} (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          key,
          Buffer.from(member),
        ]);
      },
      async remove(key, member) {
        checkKey(key);
        checkKey(member, 'key-set member');
        await query('remove', `DELETE FROM ${ks} WHERE key = $1 AND value = $2`, [key, Buffer.from(member)]);
      },
    };
  }

  /**
   * Creates the schema, tables and index when missing. Existing tables are only inspected (DDL
   * would lock them against the workers already running); creation is serialized across workers
   * by an advisory lock.
   */
  async init(): Promise<void> {
    const { keyValue, keySet } = this.#tables;
    const client = await this.#connect('create tables');
    try {
      const { rows } = await client.query(
        `SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND EXISTS (
           SELECT 1 FROM information_schema.columns
           WHERE table_schema = $3 AND table_name = $4 AND column_name = 'version') AS ready`,
        [this.#kv, this.#ks, this.#schema, keyValue],
      );
      if (rows[0]?.ready) return;
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('infinitic-storage:' || $1))`, [
        this.#schema,
      ]);
      for (const statement of [
        `CREATE SCHEMA IF NOT EXISTS "${this.#schema}"`,
        `CREATE TABLE IF NOT EXISTS ${this.#kv} (
           id BIGSERIAL PRIMARY KEY,
           key VARCHAR(255) NOT NULL UNIQUE,
           value BYTEA NOT NULL,
           last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
           value_size_in_kib INTEGER,
           version BIGINT NOT NULL DEFAULT 1)`,
        // Tables created by Infinitic before 0.18.0 lack the version column.
        `ALTER TABLE ${this.#kv} ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 1`,
        `CREATE TABLE IF NOT EXISTS ${this.#ks} (
           id BIGSERIAL PRIMARY KEY,
           key VARCHAR(255) NOT NULL,
           value BYTEA NOT NULL)`,
        // Makes add idempotent; also serves lookups by key (its leading column).
        `CREATE UNIQUE INDEX IF NOT EXISTS "${keySet}_key_value_uidx" ON ${this.#ks} (key, value)`,
      ]) {
        await client.query(statement);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw storageFailure(this.where, 'create tables', error);
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.#query('ping', 'SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pool = await this.#pool?.catch(() => undefined);
    await pool?.end();
  }

  /** The pool, made on first use: importing the runtime does not load `pg`. */
  #getPool(): Promise<Pool> {
    if (this.#closed) return Promise.reject(new Error('storage is closed'));
    this.#pool ??= loadDriver(this.where, 'pg', () => import('pg')).then(({ default: pg }) => {
      const pool = new pg.Pool(this.#poolConfig);
      // An idle client losing its connection must not crash the process; the next query reports it.
      pool.on('error', () => {});
      return pool;
    });
    return this.#pool;
  }

  async #connect(action: string): Promise<PoolClient> {
    try {
      return await (await this.#getPool()).connect();
    } catch (error) {
      throw storageFailure(this.where, action, error);
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: rows are read column by column above
  async #query(action: string, text: string, values: unknown[]): Promise<QueryResult<any>> {
    try {
      return await (await this.#getPool()).query(text, values);
    } catch (error) {
      throw storageFailure(this.where, action, error);
    }
  }
}

/** Creates a PostgreSQL storage, its schema and tables; fails with INF_STORAGE naming host:port. */
export async function createPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  return initializeOrClose(new PostgresStorage(options));
}
