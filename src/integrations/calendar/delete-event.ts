import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { CalendarClient } from './client.js';
import { withCalendarErrors } from './errors.js';
import { eventData, eventTimeOf, guestsOf, titleOf } from './event-view.js';
import { getEvent } from './get-event.js';
import { emailOutcome, emailPreview, guestList, sendUpdatesOf } from './invitations.js';
import { requesterOf } from './people.js';
import { describeEventTime, timesIn } from './plain-words.js';
import { eventId, notify } from './schemas.js';
import { SCOPES } from './scopes.js';

export const deleteEvent = defineTool({
  name: 'calendar_delete_event',
  description: 'Delete an event from your primary calendar. Guests are e-mailed a cancellation unless notify is false.',
  schema: z.object({ event_id: eventId, notify }),
  service: 'calendar',
  scopes: [SCOPES.writeEvents],
  risk: 'high',
  readOnly: false,
  describe: ({ event_id, notify }) => `delete calendar event ${event_id}${notify === false ? ' without telling the guests' : ''}`,
  async preview({ event_id, notify }, client: CalendarClient, ctx): Promise<PreviewLine[]> {
    const { clock } = await requesterOf(ctx);
    const event = await getEvent(client, event_id);
    const time = eventTimeOf(event);
    const guests = guestsOf(event).map((a) => a.email!);
    const lines: PreviewLine[] = [
      { label: 'Event', value: clip(titleOf(event), 150) },
      { label: 'When', value: time ? `${describeEventTime(time, clock)} (${timesIn(clock.timeZone)})` : 'unknown' },
      { label: 'Guests', value: guests.length ? `${guests.length}: ${guestList(guests)}` : 'none' },
      emailPreview('Cancellations', guests.length, notify),
    ];
    if (event.recurringEventId) lines.push({ label: 'Repeats', value: 'only this occurrence is deleted' });
    if (event.organizer && !event.organizer.self)
      lines.push({ label: 'Organizer', value: `${event.organizer.email ?? 'someone else'} (not you: it leaves your calendar only)` });
    if (event.status === 'cancelled') lines.unshift({ label: 'State', value: 'already deleted' });
    return lines;
  },
  async run({ event_id, notify }, client: CalendarClient, ctx) {
    const { clock } = await requesterOf(ctx);
    const event = await getEvent(client, event_id);
    const title = escapeMrkdwn(clip(titleOf(event), 150));
    if (event.status === 'cancelled')
      throw new AgentHubError('not_found', `event ${event_id} already cancelled`, `“${title}” is already deleted; nothing was changed.`);
    await withCalendarErrors(
      `event ${event_id}`,
      () => client.events.delete({ calendarId: 'primary', eventId: event_id, sendUpdates: sendUpdatesOf(notify) }),
      {
        doing: 'deleting the event',
        done: 'deleted',
      },
    );
    const guests = guestsOf(event).length;
    const emailed = emailOutcome('cancellations', guests, notify);
    const data = { deleted: true, ...eventData(event, clock), status: 'cancelled', cancellations_emailed: sendUpdatesOf(notify) === 'all' ? guests : 0 };
    return { data, text: `Deleted “${title}” (${data.when}, ${timesIn(clock.timeZone)})${emailed ? `; ${emailed}` : ''}.` };
  },
});
