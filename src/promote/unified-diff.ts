/**
 * A unified diff of two texts (`--- a`, `+++ b`, `@@` hunks with 3 lines of context), as
 * `promote --check` prints it. jsdiff computes it; this only drops its `====` banner line and
 * returns '' for equal texts.
 */
import { createTwoFilesPatch } from 'diff';

/** '' when the texts are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  fromName: string,
  toName: string,
  context = 3,
): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(fromName, toName, before, after, undefined, undefined, { context });
  return patch.replace(/^=+\n/, '');
}
