/**
 * The wire codec of runtime messages: UTF-8 JSON. Task arguments and return values must be
 * JSON-serializable (as in Infinitic, where user data travels as JSON text without type info).
 */
import { InfiniticError } from '../errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a value as UTF-8 JSON bytes; throws INF_CODEC when the value cannot be serialized. */
export function encodeJson(value: unknown): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InfiniticError('INF_CODEC', `value is not JSON-serializable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Buffer.from copies into Node's shared 8 KiB pool: several times cheaper than TextEncoder, which
  // allocates a fresh ArrayBuffer per call. Returned as a plain Uint8Array view so that callers'
  // `slice()` still copies (Buffer#slice would share memory).
  const bytes = Buffer.from(text ?? 'null', 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes UTF-8 JSON bytes; throws INF_CODEC on invalid UTF-8 or JSON. */
export function decodeJson<T = unknown>(bytes: Uint8Array): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (error) {
    throw new InfiniticError('INF_CODEC', `message is not valid UTF-8 JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
