import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from './unified-diff.ts';

const text = (n: number, change?: [number, string]) =>
  `${Array.from({ length: n }, (_, i) => (change && change[0] === i + 1 ? change[1] : `line ${i + 1}`)).join('\n')}\n`;

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', 'a', 'b'), '');
  });

  it('prints one hunk with 3 lines of context, removals before additions', () => {
    const diff = unifiedDiff(text(20), text(20, [10, 'changed']), 'a/f', 'b/f');
    assert.equal(
      diff,
      [
        '--- a/f',
        '+++ b/f',
        '@@ -7,7 +7,7 @@',
        ' line 7',
        ' line 8',
        ' line 9',
        '-line 10',
        '+changed',
        ' line 11',
        ' line 12',
        ' line 13',
        '',
      ].join('\n'),
    );
  });

  it('splits distant changes into hunks and joins close ones', () => {
    const far = unifiedDiff(text(40), text(40, [5, 'x']).replace('line 35\n', 'y\n'), 'a', 'b');
    assert.equal(far.match(/^@@/gm)?.length, 2);
    const near = unifiedDiff(text(40), text(40, [5, 'x']).replace('line 9\n', 'y\n'), 'a', 'b');
    assert.equal(near.match(/^@@/gm)?.length, 1);
  });

  it('diffs against nothing (a new or a removed file)', () => {
    assert.equal(
      unifiedDiff('', 'a\nb\n', '/dev/null', 'b/f'),
      '--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    );
    assert.equal(unifiedDiff('a\n', '', 'a/f', '/dev/null'), '--- a/f\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n');
  });
});
