import type { Connection, ConnectionOptions, Pool, ResultSetHeader } from 'mysql2/promise';
import { storageFailure } from './errors.ts';
import { checkKey, checkScan, checkVersion, DEFAULT_SCAN_LIMIT } from './keys.ts';
import { type InitializableStorage, initializeOrClose } from './lazy-storage.ts';
import { loadDriver } from './load-driver.ts';
import { asBuffer, checkSqlOptions, type SqlStorageOptions, sqlIdentifier } from './sql-options.ts';
import type { KeySetStorage, KeyValueStorage, Versioned } from './storage.ts';

export interface MysqlStorageOptions extends SqlStorageOptions {
  /** Database holding the tables, created when missing. Default infinitic. */
  database?: string;
}

const decoder = new TextDecoder();
const ER_DUP_ENTRY = 1062;
// A statement chosen as a deadlock victim was rolled back whole, so running it again is safe.
const RETRIED = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);
const errno = (error: unknown) => (error as { errno?: number } | null)?.errno;

type Row = Record<string, unknown>;

/**
 * Storage on MySQL 8 and MariaDB 10.11+, with Infinitic's table layout. Keys and key-set members
 * are VARBINARY (exact byte comparison: no case folding, no trailing-space padding); values are
 * LONGBLOB. Compare-and-set: a plain INSERT that fails on the unique key for version 0, else
 * `UPDATE/DELETE ... WHERE key = ? AND version = ?` (InnoDB re-reads the locked row).
 */
export class MysqlStorage implements InitializableStorage {
  readonly kind = 'mysql';
  readonly keyValue: KeyValueStorage;
  readonly keySet: KeySetStorage;
  readonly where: string;
  #options: MysqlStorageOptions;
  #database: string;
  #tables: { keyValue: string; keySet: string };
  /** Made on first use, with the `mysql2` package loaded then (see #getPool). */
  #pool: Promise<Pool> | undefined;
  #closed = false;

  /** Use `createMysqlStorage`, which also creates the database and tables. */
  constructor(options: MysqlStorageOptions) {
    this.#options = options;
    this.#tables = checkSqlOptions('mysql', options);
    this.#database = sqlIdentifier('storage.mysql.database', options.database ?? 'infinitic', 64);
    this.where = `mysql at ${options.host}:${options.port}/${this.#database}`;
    const kv = `\`${this.#tables.keyValue}\``;
    const ks = `\`${this.#tables.keySet}\``;
    const query = (action: string, sql: string, values: unknown[]) => this.#query(action, sql, values);
    const changed = (result: unknown) => (result as ResultSetHeader).affectedRows === 1;

    this.keyValue = {
      async get(key) {
        checkKey(key);
        const rows = (await query('get', `SELECT value FROM ${kv} WHERE \`key\` = ?`, [key])) as Row[];
        return rows[0] ? new Uint8Array(rows[0].value as Buffer) : undefined;
      },
      async getWithVersion(key): Promise<Versioned> {
        checkKey(key);
        const rows = (await query('getWithVersion', `SELECT value, version FROM ${kv} WHERE \`key\` = ?`, [
          key,
        ])) as Row[];
        return rows[0]
          ? { value: new Uint8Array(rows[0].value as Buffer), version: Number(rows[0].version) }
          : { value: undefined, version: 0 };
      },
      async put(key, value) {
        checkKey(key);
        if (value === undefined) {
          await query('put', `DELETE FROM ${kv} WHERE \`key\` = ?`, [key]);
          return;
        }
        // VALUES() is deprecated in MySQL 8.0.20+ but the row alias replacing it is not in MariaDB.
        await query(
          'put',
          `INSERT INTO ${kv} (\`key\`, value) VALUES (?, ?)
           ON DUPLICATE KEY UPDATE value = VALUES(value), version = version + 1`,
          [key, asBuffer(value)],
        );
      },
      async putWithVersion(key, value, expected) {
        checkKey(key);
        checkVersion(expected);
        if (value === undefined) {
          if (expected === 0) {
            const rows = (await query('putWithVersion', `SELECT 1 FROM ${kv} WHERE \`key\` = ?`, [
              key,
            ])) as Row[];
            return rows.length === 0;
          }
          return changed(
            await query('putWithVersion', `DELETE FROM ${kv} WHERE \`key\` = ? AND version = ?`, [
              key,
              expected,
            ]),
          );
        }
        if (expected === 0) {
          try {
            await query('putWithVersion', `INSERT INTO ${kv} (\`key\`, value) VALUES (?, ?)`, [
              key,
              asBuffer(value),
            ]);
            return true;
          } catch (error) {
            if (errno((error as Error).cause) === ER_DUP_ENTRY) return false;
            throw error;
          }
        }
        return changed(
          await query(
            'putWithVersion',
            `UPDATE ${kv} SET value = ?, version = version + 1 WHERE \`key\` = ? AND version = ?`,
            [asBuffer(value), key, expected],
          ),
        );
      },
      async scan(prefix, limit = DEFAULT_SCAN_LIMIT) {
        checkScan(prefix, limit);
        // '!' as LIKE escape: a backslash would depend on the NO_BACKSLASH_ESCAPES sql_mode.
        const pattern = `${prefix.replace(/[!%_]/g, '!$&')}%`;
        const rows = (await query(
          'scan',
          `SELECT \`key\` FROM ${kv} WHERE \`key\` LIKE ? ESCAPE '!' LIMIT ?`,
          [pattern, limit],
        )) as Row[];
        return rows.map((row) => decoder.decode(row.key as Buffer));
      },
    };

    this.keySet = {
      async members(key) {
        checkKey(key);
        const rows = (await query('members', `SELECT DISTINCT value FROM ${ks} WHERE \`key\` = ?`, [
          key,
        ])) as Row[];
        return rows.map((row) => decoder.decode(row.value as Buffer));
      },
      async add(key, member) {
        checkKey(key);
        checkKey(member, 'key-set member');
        await query(
          'add',
          `INSERT INTO ${ks} (\`key\`, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id`,
          [key, member],
        );
      },
      async remove(key, member) {
        checkKey(key);
        checkKey(member, 'key-set member');
        await query('remove', `DELETE FROM ${ks} WHERE \`key\` = ? AND value = ?`, [key, member]);
      },
    };
  }

  /** Creates the database and tables when missing. */
  async init(): Promise<void> {
    let connection: Connection | undefined;
    try {
      // The pool names the database, which may not exist yet: create it on a connection without one.
      const mysql = await this.#driver();
      connection = await mysql.createConnection(this.#connectionOptions());
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS \`${this.#database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    } catch (error) {
      throw storageFailure(this.where, 'create database', error);
    } finally {
      await connection?.end().catch(() => {});
    }
    const { keyValue, keySet } = this.#tables;
    await this.#query(
      'create tables',
      `CREATE TABLE IF NOT EXISTS \`${keyValue}\` (
         id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         \`key\` VARBINARY(1020) NOT NULL,
         value LONGBLOB NOT NULL,
         last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
         value_size_in_KiB INT GENERATED ALWAYS AS (LENGTH(value) DIV 1024) VIRTUAL,
         version BIGINT NOT NULL DEFAULT 1,
         UNIQUE KEY \`${keyValue}_key_uk\` (\`key\`)
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      [],
    );
    await this.#query(
      'create tables',
      `CREATE TABLE IF NOT EXISTS \`${keySet}\` (
         id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
         \`key\` VARBINARY(1020) NOT NULL,
         value VARBINARY(1020) NOT NULL,
         UNIQUE KEY \`${keySet}_key_value_uk\` (\`key\`, value)
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      [],
    );
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

  /** The `mysql2` package, loaded on first use: importing the runtime does not load it. */
  async #driver() {
    return (await loadDriver(this.where, 'mysql2', () => import('mysql2/promise'))).default;
  }

  /** The pool, made on first use. */
  #getPool(): Promise<Pool> {
    if (this.#closed) return Promise.reject(new Error('storage is closed'));
    this.#pool ??= this.#driver().then((mysql) => {
      const pool = mysql.createPool({
        ...this.#connectionOptions(),
        database: this.#database,
        connectionLimit: this.#options.maximumPoolSize ?? 10,
        idleTimeout: this.#options.idleTimeout,
      });
      // An idle connection dropping must not crash the process; the next query reports it.
      pool.on('connection', (connection) => connection.on('error', () => {}));
      return pool;
    });
    return this.#pool;
  }

  #connectionOptions(): ConnectionOptions {
    const options = this.#options;
    return {
      host: options.host,
      port: options.port,
      user: options.username,
      password: options.password ?? undefined,
      ssl: options.ssl ? {} : undefined,
      connectTimeout: options.connectionTimeout ?? 5000,
    };
  }

  async #query(action: string, sql: string, values: unknown[]): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [result] = await (await this.#getPool()).query(sql, values);
        return result;
      } catch (error) {
        if (attempt < 5 && RETRIED.has(errno(error) ?? 0)) continue;
        throw storageFailure(this.where, action, error);
      }
    }
  }
}

/** Creates a MySQL/MariaDB storage, its database and tables; fails with INF_STORAGE naming host:port. */
export async function createMysqlStorage(options: MysqlStorageOptions): Promise<MysqlStorage> {
  return initializeOrClose(new MysqlStorage(options));
}
