import type { Person, ToolContext } from '../../tools/tool-context.js';
import { type CalendarClient, readRetry } from './client.js';
import { withCalendarErrors } from './errors.js';
import { personLabel, resolvePeople } from './people.js';
import type { TimeWindow } from './when.js';

/** One person's busy periods, or why Google wouldn't tell (`notFound`: no calendar it lets us see). */
export interface PersonBusy {
  /** The calendar id asked for: an e-mail address, or `primary` for an asker whose address Slack hides. */
  id: string;
  /** "you", a Slack name or the address. */
  label: string;
  busy: TimeWindow[];
  error?: string;
}

/** The asker first (always included), then everyone else named, each once. */
export async function calendarsToCheck(refs: readonly string[], ctx: ToolContext, asker: Person): Promise<Array<{ id: string; label: string }>> {
  const me = asker.email?.toLowerCase();
  const others = (await resolvePeople(refs, ctx)).filter((p) => p.email.toLowerCase() !== me);
  return [{ id: asker.email ?? 'primary', label: 'you' }, ...others.map((p) => ({ id: p.email, label: personLabel(p) }))];
}

/** POST freeBusy for these calendars over the window. */
export async function queryFreeBusy(
  client: CalendarClient,
  window: TimeWindow,
  timeZone: string,
  calendars: ReadonlyArray<{ id: string; label: string }>,
): Promise<PersonBusy[]> {
  const { data } = await withCalendarErrors('free/busy times', () =>
    client.freebusy.query(
      { requestBody: { timeMin: window.start.toISOString(), timeMax: window.end.toISOString(), timeZone, items: calendars.map((c) => ({ id: c.id })) } },
      readRetry,
    ),
  );
  return calendars.map(({ id, label }) => {
    const answer = data.calendars?.[id];
    const error = answer?.errors?.[0]?.reason ?? (answer ? undefined : 'notFound');
    const busy = (answer?.busy ?? [])
      .map((b) => ({ start: new Date(b.start ?? ''), end: new Date(b.end ?? '') }))
      .filter((b) => !Number.isNaN(b.start.getTime()) && !Number.isNaN(b.end.getTime()))
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    return error ? { id, label, busy, error } : { id, label, busy };
  });
}
