/** Which methods of a service implementation are tasks. */

/** Method names callable as tasks: functions on the object or its prototypes, Object.prototype excluded. */
export function taskNames(implementation: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = implementation; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key !== 'constructor' && typeof (implementation as Record<string, unknown>)[key] === 'function') {
        names.add(key);
      }
    }
  }
  return [...names];
}
