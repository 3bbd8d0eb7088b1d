/**
 * A value kept once per process, across jest's test files: jest gives each file its own module registry, but
 * core modules are the same objects for every file a worker runs, so a value hung on one under a global symbol
 * survives from file to file. Outside jest it is an ordinary module-level value.
 */
export function processSlot<T>(name: string, make: () => T): T {
  const holder = require('child_process') as Record<symbol, unknown>;
  const key = Symbol.for(`switchyard.${name}`);
  if (!(key in holder)) holder[key] = make();
  return holder[key] as T;
}
