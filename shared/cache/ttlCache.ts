/**
 * A small in-isolate cache with per-entry expiry and a size cap (oldest out first). For hot
 * paths that may be briefly stale: never the only copy of anything.
 */
export class TtlCache<V> {
  private entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly maxEntries = 1000) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, until: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
