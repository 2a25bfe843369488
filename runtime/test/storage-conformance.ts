/**
 * The storage contract, run against every implementation and wrapper (see src/storage/storage.ts).
 * `makeStorage` returns a fresh client on the backend under test; keys carry a random prefix so
 * suites can share a server with other runs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../../test/support/services.ts';
import type { Storage } from '../src/storage/storage.ts';

const WRITERS = 20;
const ROUNDS = 5;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) =>
  value === undefined ? undefined : new TextDecoder().decode(value);

export function storageConformance(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    const prefix = `${uniqueName('conf')}:`;
    let n = 0;
    const key = (label: string) => `${prefix}${label}.${n++}`;

    before(async () => {
      storage = await makeStorage();
    });
    after(async () => {
      await storage?.close();
    });

    it('get of an absent key is undefined with version 0', async () => {
      const k = key('absent');
      assert.equal(await storage.keyValue.get(k), undefined);
      assert.deepEqual(await storage.keyValue.getWithVersion(k), { value: undefined, version: 0 });
    });

    it('put stores a value, versions start at 1 and increase, put(undefined) deletes', async () => {
      const kv = storage.keyValue;
      const k = key('put');
      await kv.put(k, bytes('one'));
      assert.equal(text(await kv.get(k)), 'one');
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('one'), version: 1 });
      await kv.put(k, bytes('two'));
      await kv.put(k, bytes('three'));
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('three'), version: 3 });
      await kv.put(k, undefined);
      assert.equal(await kv.get(k), undefined);
      assert.deepEqual(await kv.getWithVersion(k), { value: undefined, version: 0 });
      await kv.put(k, undefined); // deleting an absent key is fine
      await kv.put(k, bytes('again'));
      assert.equal((await kv.getWithVersion(k)).version, 1);
    });

    it('putWithVersion writes only on the expected version (0 = absent)', async () => {
      const kv = storage.keyValue;
      const k = key('cas');
      assert.equal(await kv.putWithVersion(k, bytes('a'), 1), false, 'version 1 on an absent key');
      assert.equal(await kv.get(k), undefined);
      assert.equal(await kv.putWithVersion(k, bytes('a'), 0), true);
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('a'), version: 1 });
      assert.equal(await kv.putWithVersion(k, bytes('b'), 0), false, 'insert over a present key');
      assert.equal(await kv.putWithVersion(k, bytes('b'), 2), false, 'version ahead');
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('a'), version: 1 });
      assert.equal(await kv.putWithVersion(k, bytes('b'), 1), true);
      assert.equal(await kv.putWithVersion(k, bytes('c'), 2), true);
      assert.equal(await kv.putWithVersion(k, bytes('x'), 2), false, 'stale version');
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('c'), version: 3 });
      await kv.put(k, bytes('d'));
      assert.equal(await kv.putWithVersion(k, bytes('e'), 4), true, 'put bumps the version');
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('e'), version: 5 });
    });

    it('putWithVersion(undefined) deletes, still compared', async () => {
      const kv = storage.keyValue;
      const k = key('casdel');
      assert.equal(await kv.putWithVersion(k, undefined, 0), true, 'deleting an absent key at version 0');
      assert.equal(await kv.putWithVersion(k, undefined, 1), false, 'deleting an absent key at version 1');
      await kv.put(k, bytes('v1'));
      await kv.put(k, bytes('v2'));
      assert.equal(await kv.putWithVersion(k, undefined, 1), false);
      assert.equal(await kv.putWithVersion(k, undefined, 0), false);
      assert.equal(text(await kv.get(k)), 'v2');
      assert.equal(await kv.putWithVersion(k, undefined, 2), true);
      assert.deepEqual(await kv.getWithVersion(k), { value: undefined, version: 0 });
      assert.equal(await kv.putWithVersion(k, bytes('back'), 0), true);
      assert.deepEqual(await kv.getWithVersion(k), { value: bytes('back'), version: 1 });
    });

    it(`${WRITERS} parallel compare-and-set writers: exactly one winner per round`, async () => {
      const kv = storage.keyValue;
      const k = key('race');
      let successes = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const results = await Promise.all(
          Array.from({ length: WRITERS }, (_, w) => kv.putWithVersion(k, bytes(`r${round}w${w}`), round)),
        );
        const winners = results.flatMap((ok, w) => (ok ? [w] : []));
        assert.equal(winners.length, 1, `round ${round}: winners ${winners.join(',')}`);
        successes += winners.length;
        assert.deepEqual(await kv.getWithVersion(k), {
          value: bytes(`r${round}w${winners[0]}`),
          version: round + 1,
        });
      }
      assert.equal((await kv.getWithVersion(k)).version, successes);
    });

    it(`${WRITERS} parallel read-modify-write loops lose no increment`, async () => {
      const kv = storage.keyValue;
      const k = key('counter');
      const perWriter = 3;
      let successes = 0;
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let done = 0, attempts = 0; done < perWriter; attempts++) {
            assert.ok(attempts < 2_000, 'a writer kept losing: no progress');
            const { value, version } = await kv.getWithVersion(k);
            const next = Number(text(value) ?? '0') + 1;
            if (await kv.putWithVersion(k, bytes(String(next)), version)) {
              done++;
              successes++;
            } else conflicts++;
          }
        }),
      );
      const final = await kv.getWithVersion(k);
      assert.equal(successes, WRITERS * perWriter);
      assert.equal(text(final.value), String(successes));
      assert.equal(final.version, successes, `final version after ${conflicts} conflicts`);
    });

    it('binary values round-trip: all 256 byte values, empty, 1 MiB', async () => {
      const kv = storage.keyValue;
      const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      const big = new Uint8Array(randomBytes(1024 * 1024));
      const empty = new Uint8Array(0);
      for (const [label, value] of [
        ['all', all],
        ['big', big],
        ['empty', empty],
      ] as const) {
        const k = key(label);
        await kv.put(k, value);
        const read = await kv.get(k);
        assert.ok(read instanceof Uint8Array, `${label}: a Uint8Array`);
        assert.equal(Buffer.compare(read, value), 0, `${label}: same bytes`);
        const k2 = key(`${label}-cas`);
        assert.equal(await kv.putWithVersion(k2, value, 0), true);
        const versioned = await kv.getWithVersion(k2);
        assert.equal(versioned.version, 1);
        assert.equal(Buffer.compare(versioned.value ?? new Uint8Array([1]), value), 0, `${label}: cas bytes`);
      }
    });

    it('values are copied: mutating a buffer after put or get changes nothing stored', async () => {
      const kv = storage.keyValue;
      const k = key('copy');
      const value = bytes('abc');
      await kv.put(k, value);
      value[0] = 0x7a;
      const read = await kv.get(k);
      assert.equal(text(read), 'abc');
      if (read) read[0] = 0x79;
      assert.equal(text(await kv.get(k)), 'abc');
    });

    it('keys are exact: case, trailing spaces, separators, unicode, 255 characters', async () => {
      const kv = storage.keyValue;
      const base = key('exact');
      const variants = [
        base,
        base.toUpperCase(),
        `${base} `,
        `${base}:version`,
        `${base}|tag:é✓`,
        `${base}😀`,
      ];
      for (const [i, k] of variants.entries()) await kv.put(k, bytes(String(i)));
      for (const [i, k] of variants.entries())
        assert.equal(text(await kv.get(k)), String(i), JSON.stringify(k));
      const long = base.padEnd(255, 'x');
      await kv.put(long, bytes('long'));
      assert.equal(text(await kv.get(long)), 'long');
      await assert.rejects(kv.put(`${long}y`, bytes('too long')), { code: 'INF_STORAGE' });
      await assert.rejects(kv.get(''), { code: 'INF_STORAGE' });
    });

    it('scan lists the keys under a literal prefix, up to a limit', async (t) => {
      const scan = storage.keyValue.scan?.bind(storage.keyValue);
      if (!scan) return t.skip(`${storage.kind} does not implement the optional scan`);
      const kv = storage.keyValue;
      const base = key('scan');
      const inside = ['a', 'b', 'c:d', 'é'].map((s) => `${base}:${s}`);
      // Wildcards of LIKE and glob must match literally: none of these is under `${base}:`.
      const outside = [`${base}_x`, `${base}%`, `${base}*`, `${base}`, `${base}?x`, `${base}[:]`];
      for (const k of [...inside, ...outside]) await kv.put(k, bytes(k));
      await storage.keySet.add(`${base}:set`, 'not a key value');
      assert.deepEqual((await scan(`${base}:`)).sort(), [...inside].sort());
      assert.deepEqual((await scan(`${base}*`)).sort(), [`${base}*`]);
      assert.deepEqual((await scan(`${base}%`)).sort(), [`${base}%`]);
      assert.deepEqual((await scan(`${base}_`)).sort(), [`${base}_x`]);
      const two = await scan(`${base}:`, 2);
      assert.equal(two.length, 2);
      assert.ok(two.every((k) => inside.includes(k)));
      await kv.put(inside[0] as string, undefined);
      assert.equal((await scan(`${base}:`)).length, inside.length - 1, 'deleted keys are gone');
      await assert.rejects(scan(base, 0), { code: 'INF_STORAGE' });
    });

    it('key sets: add is idempotent, remove, members', async () => {
      const ks = storage.keySet;
      const k = key('set');
      assert.deepEqual(await ks.members(k), []);
      await ks.add(k, 'wf-1');
      await ks.add(k, 'wf-2');
      await ks.add(k, 'wf-1');
      await ks.add(k, 'WF-1');
      await ks.add(k, 'wf-é');
      assert.deepEqual((await ks.members(k)).sort(), ['WF-1', 'wf-1', 'wf-2', 'wf-é']);
      await ks.remove(k, 'wf-1');
      await ks.remove(k, 'never-added');
      assert.deepEqual((await ks.members(k)).sort(), ['WF-1', 'wf-2', 'wf-é']);
      await Promise.all(['WF-1', 'wf-2', 'wf-é'].map((m) => ks.remove(k, m)));
      assert.deepEqual(await ks.members(k), []);
      await ks.remove(`${k}-absent`, 'x');
    });

    it('key sets and key values with the same key are independent', async () => {
      const k = key('both');
      await storage.keySet.add(k, 'member');
      await storage.keyValue.put(k, bytes('value'));
      assert.deepEqual(await storage.keySet.members(k), ['member']);
      assert.equal(text(await storage.keyValue.get(k)), 'value');
      await storage.keyValue.put(k, undefined);
      assert.deepEqual(await storage.keySet.members(k), ['member']);
    });

    it('parallel adds to one set keep every member', async () => {
      const k = key('setrace');
      const members = Array.from({ length: WRITERS }, (_, i) => `m${i}`);
      await Promise.all(members.map((m) => storage.keySet.add(k, m)));
      assert.deepEqual((await storage.keySet.members(k)).sort(), members.sort());
    });

    it('ping answers; after close, calls fail', async () => {
      assert.equal(typeof storage.kind, 'string');
      await storage.ping();
      const other = await makeStorage();
      await other.ping();
      const k = key('closed');
      await other.keyValue.put(k, bytes('kept'));
      await other.close();
      await assert.rejects(other.ping());
      assert.equal(text(await storage.keyValue.get(k)), storage.kind === 'inMemory' ? undefined : 'kept');
    });
  });
}
