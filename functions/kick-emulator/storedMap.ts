/**
 * A plain-looking record whose entries live one per key in the Durable Object's synchronous
 * SQLite storage: reading `map[k]`, assigning, deleting and `Object.entries` all work, and
 * assigning a field of an entry writes that entry back. Large collections (tokens, codes,
 * grants) stay out of the one JSON state, so 10,000 accounts cost no more per request than 10.
 */
export function storedMap<T extends object>(kv: SyncKvStorage, prefix: string): Record<string, T> {
  const entry = (key: string, value: T): T =>
    new Proxy(value, {
      set(target, field, fieldValue) {
        Reflect.set(target, field, fieldValue);
        kv.put(prefix + key, target);
        return true;
      },
    });
  const read = (key: string | symbol) => (typeof key === "string" ? kv.get<T>(prefix + key) : undefined);
  return new Proxy({} as Record<string, T>, {
    get: (_, key) => {
      const value = read(key);
      return value === undefined ? undefined : entry(key as string, value);
    },
    set: (_, key, value: T) => (kv.put(prefix + String(key), value), true),
    deleteProperty: (_, key) => (kv.delete(prefix + String(key)), true),
    has: (_, key) => read(key) !== undefined,
    ownKeys: () => [...kv.list({ prefix })].map(([k]) => k.slice(prefix.length)),
    getOwnPropertyDescriptor: (_, key) => {
      const value = read(key);
      return value === undefined
        ? undefined
        : { value: entry(key as string, value), enumerable: true, configurable: true, writable: true };
    },
  });
}

/** Deletes every entry under `prefix`. */
export function clearStored(kv: SyncKvStorage, prefix: string): void {
  for (const [key] of kv.list({ prefix })) kv.delete(key);
}
