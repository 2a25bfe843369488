import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { StorageError } from './errors.ts';
import type { KeyValueStorage, Storage } from './storage.ts';

export type Compression = 'gzip' | 'none';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** True when `value` starts with the gzip magic bytes 1f 8b. */
export function isGzip(value: Uint8Array): boolean {
  return value.byteLength >= 2 && value[0] === 0x1f && value[1] === 0x8b;
}

/**
 * Decompresses gzip values and returns others unchanged. A value that merely starts with the
 * magic bytes but is not gzip (not produced by this kit: workflow state never starts so) is
 * returned as stored rather than failing the read.
 */
export async function decompress(value: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(value)) return value;
  try {
    return new Uint8Array(await gunzipAsync(value));
  } catch {
    return value;
  }
}

/**
 * Compresses key-value entries on write (`gzip`) and detects compression on read, as Infinitic
 * does: values written before compression was turned on, or with it off (`none`), still read.
 * Key sets are left as they are (short ids).
 */
export function withCompression(storage: Storage, compression: Compression): Storage {
  if (compression !== 'gzip' && compression !== 'none') {
    throw new StorageError(`storage.compression must be gzip or none, got ${JSON.stringify(compression)}`);
  }
  const inner = storage.keyValue;
  const encode = async (value: Uint8Array | undefined) =>
    value === undefined || compression === 'none' ? value : new Uint8Array(await gzipAsync(value));
  const keyValue: KeyValueStorage = {
    async get(key) {
      const value = await inner.get(key);
      return value && decompress(value);
    },
    async getWithVersion(key) {
      const { value, version } = await inner.getWithVersion(key);
      return { value: value && (await decompress(value)), version };
    },
    async put(key, value) {
      await inner.put(key, await encode(value));
    },
    async putWithVersion(key, value, expectedVersion) {
      return inner.putWithVersion(key, await encode(value), expectedVersion);
    },
    ...(inner.scan ? { scan: inner.scan.bind(inner) } : {}),
  };
  return {
    kind: storage.kind,
    keyValue,
    keySet: storage.keySet,
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}
