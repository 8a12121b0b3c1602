/** Runs `fn` over `items`, at most `limit` at a time (Workers allow 6 open connections). */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A gate for tasks that each hold a connection: at most `limit` run at once, the rest start in
 * the order they asked (Workers open 6 connections at a time, KV's included).
 */
export function connectionSlots(limit: number) {
  let open = 0;
  const waiting: (() => void)[] = [];
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (open < limit) open++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so no one overtakes it.
      const next = waiting.shift();
      if (next) next();
      else open--;
    }
  };
}
