import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteTracker } from './write-tracker.ts';

describe('WriteTracker', () => {
  it('a read with no write around it may be cached', () => {
    const t = new WriteTracker();
    const r = t.startRead();
    assert.equal(t.endRead('k', r), true);
  });

  it('a read overlapping a write to the same key may not be cached, another key may', () => {
    const t = new WriteTracker();
    const r = t.startRead();
    const w = t.startWrite('k');
    assert.equal(t.endWrite('k', w), true);
    const r2 = t.startRead();
    assert.equal(t.endRead('other', r2), true);
    assert.equal(t.endRead('k', r), false, 'write ended after the read started');
  });

  it('a read while a write is in flight may not be cached', () => {
    const t = new WriteTracker();
    const w = t.startWrite('k');
    const r = t.startRead();
    assert.equal(t.endRead('k', r), false);
    assert.equal(t.endWrite('k', w), true);
    const r2 = t.startRead();
    assert.equal(t.endRead('k', r2), true, 'a read after the write ended');
  });

  it('overlapping writes to one key are not alone', () => {
    const t = new WriteTracker();
    const a = t.startWrite('k');
    const b = t.startWrite('k');
    assert.equal(t.endWrite('k', b), false);
    assert.equal(t.endWrite('k', a), false);
    const c = t.startWrite('k');
    assert.equal(t.endWrite('k', c), true);
  });

  it('drops records once nothing is in flight', () => {
    const t = new WriteTracker();
    const r = t.startRead();
    const w = t.startWrite('k');
    t.endWrite('k', w);
    assert.equal(t.size, 1, 'kept while a read is in flight');
    t.endRead('k', r);
    assert.equal(t.size, 0);
  });
});
