import { z } from 'zod';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { CalendarClient } from './client.js';
import { withCalendarErrors } from './errors.js';
import { descriptionOf, eventData, eventLink, type GoogleAttendee, type GoogleEvent, meetSuffix } from './event-view.js';
import { requesterOf } from './people.js';
import { timesIn } from './plain-words.js';
import { eventId } from './schemas.js';
import { SCOPES } from './scopes.js';

/** How much of a description the model gets (as quoted data) and the person sees. */
const DATA_DESCRIPTION_MAX = 4000;
const TEXT_DESCRIPTION_MAX = 1500;
const TEXT_GUESTS_MAX = 25;

const RESPONSE_WORDS: Record<string, string> = { accepted: 'accepted', declined: 'declined', tentative: 'maybe', needsAction: 'no reply yet' };

/** GET one event of the asker's primary calendar (also used by the write tools' previews). */
export function getEvent(client: CalendarClient, id: string): Promise<GoogleEvent> {
  return withCalendarErrors(`event ${id}`, () => client.events.get({ calendarId: 'primary', eventId: id }).then((r) => r.data));
}

export const getEventTool = defineTool({
  name: 'calendar_get_event',
  description: 'Show one event of your calendar: time, place, Meet link, description and who is invited with their answers.',
  schema: z.object({ event_id: eventId }),
  service: 'calendar',
  scopes: [SCOPES.readEvents],
  risk: 'low',
  readOnly: true,
  describe: ({ event_id }) => `read calendar event ${event_id}`,
  async run({ event_id }, client: CalendarClient, ctx) {
    const { clock } = await requesterOf(ctx);
    const event = await getEvent(client, event_id);
    const description = descriptionOf(event);
    const attendees = (event.attendees ?? []).filter((a) => a.email);
    const data = {
      ...eventData(event, clock),
      time_zone: clock.timeZone,
      recurring: Boolean(event.recurringEventId),
      attendees: attendees.map((a) => ({
        email: a.email!,
        name: a.displayName ? clip(a.displayName, 100) : null,
        response: a.responseStatus ?? 'needsAction',
        organizer: Boolean(a.organizer),
        optional: Boolean(a.optional),
      })),
      // Written by whoever sent the invitation: quoted data for the model, never instructions.
      description: clip(description, DATA_DESCRIPTION_MAX),
    };
    const lines = [
      `*${eventLink(event)}*${data.status === 'cancelled' ? ' (cancelled)' : ''}`,
      `${data.when} (${timesIn(clock.timeZone)})${meetSuffix(event)}`,
      ...(data.location ? [`Where: ${escapeMrkdwn(clip(data.location, 200))}`] : []),
      ...(data.organizer ? [`Organizer: ${escapeMrkdwn(data.organizer)}`] : []),
      ...(attendees.length ? [`Guests (${attendees.length}):`, ...guestLines(attendees)] : []),
      description.trim() ? quoted(description) : '_No description._',
    ];
    return { data, text: lines.join('\n') };
  },
});

function guestLines(attendees: GoogleAttendee[]): string[] {
  const shown = attendees.slice(0, TEXT_GUESTS_MAX).map((a) => {
    const who = a.displayName ? `${clip(a.displayName, 60)} (${a.email})` : a.email!;
    const marks = [a.organizer ? 'organizer' : '', a.optional ? 'optional' : ''].filter(Boolean);
    return `• ${escapeMrkdwn(who)}: ${RESPONSE_WORDS[a.responseStatus ?? 'needsAction'] ?? 'no reply yet'}${marks.length ? ` (${marks.join(', ')})` : ''}`;
  });
  return attendees.length > shown.length ? [...shown, `…and ${attendees.length - shown.length} more`] : shown;
}

/** Every line escaped and quoted, so a description can neither ping nor pose as the bot. */
function quoted(text: string): string {
  return clip(text.trim(), TEXT_DESCRIPTION_MAX)
    .split(/\r?\n/)
    .map((line) => `> ${escapeMrkdwn(line)}`)
    .join('\n');
}
