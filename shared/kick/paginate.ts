import type { Page } from "./callEndpoint";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any client method's input; the item type is read back out
type PageFetcher = (input: any) => Promise<Page<readonly unknown[]>>;
type ItemOf<F extends PageFetcher> = Awaited<ReturnType<F>>["data"][number];

/**
 * Walks a cursor-paginated endpoint, yielding items page by page until Kick's
 * `next_cursor` runs out (or `maxPages`, a guard against a cursor that never ends).
 */
export async function* paginate<F extends PageFetcher>(
  fetchPage: F,
  input: NonNullable<Parameters<F>[0]> & { cursor?: string },
  { maxPages = 1000 }: { maxPages?: number } = {},
): AsyncGenerator<ItemOf<F>> {
  let cursor = input.cursor;
  for (let page = 0; page < maxPages; page++) {
    const { data, nextCursor } = await fetchPage({ ...input, cursor });
    for (const item of data) yield item as ItemOf<F>;
    if (!nextCursor || nextCursor === cursor) return;
    cursor = nextCursor;
  }
}
