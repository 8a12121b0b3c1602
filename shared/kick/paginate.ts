import type { Page } from "./callEndpoint";

/**
 * Walks a cursor-paginated endpoint, yielding items page by page until Kick's
 * `next_cursor` runs out (or `maxPages`, a guard against a cursor that never ends).
 */
export async function* paginate<I extends { cursor?: string }, T>(
  fetchPage: (input: I) => Promise<Page<T[]>>,
  input: I,
  { maxPages = 1000 }: { maxPages?: number } = {},
): AsyncGenerator<T> {
  let cursor = input.cursor;
  for (let page = 0; page < maxPages; page++) {
    const { data, nextCursor } = await fetchPage({ ...input, cursor });
    yield* data;
    if (!nextCursor || nextCursor === cursor) return;
    cursor = nextCursor;
  }
}
