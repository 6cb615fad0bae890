/** What a bounded page-through found. */
export interface Collected<T> {
  items: T[];
  /** False when the page budget ran out first: there may be matches further back. */
  complete: boolean;
}

/**
 * Reads `octokit.paginate.iterator` pages until `limit` items pass `keep`, and at most `maxPages`
 * pages, so a filter that matches little cannot page through a whole repository's history.
 */
export async function collectPages<T>(
  pages: AsyncIterable<{ data: T[]; headers: { link?: string } }>,
  { limit, keep = () => true, maxPages = 10 }: { limit: number; keep?: (item: T) => boolean; maxPages?: number },
): Promise<Collected<T>> {
  const items: T[] = [];
  let read = 0;
  for await (const page of pages) {
    read++;
    items.push(...page.data.filter(keep));
    if (items.length >= limit) return { items: items.slice(0, limit), complete: true };
    if (read >= maxPages) return { items, complete: !/rel="next"/.test(page.headers.link ?? '') };
  }
  return { items, complete: true };
}
