/** A page of a cursor-paginated Slack method. */
interface CursorPage {
  response_metadata?: { next_cursor?: string };
}

/**
 * Walks a cursor-paginated Slack method page by page; the caller stops early by breaking out.
 * `fetch` gets no cursor for the first page, then Slack's `next_cursor` until it is empty.
 */
export async function* slackPages<P extends CursorPage>(fetch: (cursor: string | undefined) => Promise<P>): AsyncGenerator<P> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield page;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
}
