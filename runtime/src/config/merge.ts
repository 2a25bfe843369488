/**
 * Layering: files merge left to right, later wins (like `docker compose -f a.yml -f b.yml`).
 * Maps merge deeply; lists whose items are all maps with a string `name` (services, workflows)
 * merge item by item on that name, new names appended; any other list is replaced whole; a null
 * (`key:` with no value) never erases what an earlier file set. Infinitic's loader (Hoplite) does
 * the opposite: the first file wins and lists never merge.
 */
import type { MapTree, SeqTree, Tree } from './tree.ts';

function nameOf(tree: Tree): string | undefined {
  if (tree.type !== 'map') return undefined;
  const name = tree.entries.get('name')?.value;
  return name?.type === 'scalar' && typeof name.value === 'string' ? name.value : undefined;
}

function mergeNamedLists(base: SeqTree, over: SeqTree): SeqTree | undefined {
  const all = [...base.items, ...over.items];
  if (all.length === 0 || !all.every((item) => nameOf(item) !== undefined)) return undefined;
  const items = [...base.items];
  for (const item of over.items) {
    const index = items.findIndex((existing) => nameOf(existing) === nameOf(item));
    if (index === -1) items.push(item);
    else items[index] = mergeTrees(items[index]!, item);
  }
  return { type: 'seq', items, at: over.at };
}

export function mergeTrees(base: Tree, over: Tree): Tree {
  if (over.type === 'scalar' && over.value === null) return base;
  if (base.type === 'map' && over.type === 'map') {
    const entries = new Map(base.entries);
    for (const [key, entry] of over.entries) {
      const existing = entries.get(key);
      entries.set(key, existing ? { key: entry.key, value: mergeTrees(existing.value, entry.value) } : entry);
    }
    return { type: 'map', entries, at: over.at } satisfies MapTree;
  }
  if (base.type === 'seq' && over.type === 'seq') return mergeNamedLists(base, over) ?? over;
  return over;
}
