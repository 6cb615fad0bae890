/**
 * A Google event as the model and the person see it. Titles, descriptions, locations and names
 * are written by whoever sent the invitation: they go to the model clipped, as quoted data, and
 * to Slack escaped and clipped, so they can neither ping a channel nor pose as the bot.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { clip, escapeMrkdwn, link as slackLink } from '../../slack/mrkdwn.js';
import { describeEventTime, type EventTime } from './plain-words.js';
import type { Clock } from './when.js';
import { addDays, isoDate, isoWithOffset, parseIsoDate } from './zone.js';

export type GoogleEvent = calendar_v3.Schema$Event;
export type GoogleAttendee = calendar_v3.Schema$EventAttendee;

const DATA_TITLE_MAX = 300;
const TEXT_TITLE_MAX = 150;
const LOCATION_MAX = 300;

/** When the event happens; undefined for a malformed one (no start or end). */
export function eventTimeOf(event: GoogleEvent): EventTime | undefined {
  const { start, end } = event;
  if (start?.date) {
    const first = parseIsoDate(start.date);
    // Google's all-day end date is exclusive.
    const endDate = end?.date ? parseIsoDate(end.date) : undefined;
    if (!first) return undefined;
    return { allDay: true, first, last: endDate ? addDays(endDate, -1) : first };
  }
  const from = start?.dateTime ? new Date(start.dateTime) : undefined;
  const to = end?.dateTime ? new Date(end.dateTime) : undefined;
  if (!from || !to || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return undefined;
  return { allDay: false, start: from, end: to };
}

export function titleOf(event: Pick<GoogleEvent, 'summary'>): string {
  return event.summary?.trim() || '(no title)';
}

/** Only web links are shown: a conference "link" chosen by an invitation's sender could be anything. */
function webUrl(url: string | null | undefined): string | undefined {
  return url && /^https:\/\/[^\s<>|]+$/i.test(url) ? url : undefined;
}

/** The Google Meet (or other video) link of an event, if any. */
export function meetUrlOf(event: GoogleEvent): string | undefined {
  const video = event.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video')?.uri;
  return webUrl(event.hangoutLink) ?? webUrl(video);
}

/** Guests Google e-mails about the event: everyone on the list but the organizer and rooms. */
export function guestsOf(event: GoogleEvent): GoogleAttendee[] {
  return (event.attendees ?? []).filter((a) => a.email && !a.organizer && !a.resource);
}

/** An event's start or end for the model: ISO with the requester's offset, or the date of an all-day event. */
function edgeText(time: EventTime, edge: 'start' | 'end', clock: Clock): string {
  if (time.allDay) return edge === 'start' ? isoDate(time.first) : isoDate(addDays(time.last, 1));
  return isoWithOffset(edge === 'start' ? time.start : time.end, clock.timeZone);
}

/**
 * A description as plain text. Google Calendar's own editor stores HTML (`<br>`, `<a href>`), which
 * would read as markup in Slack and to the model; tags go, line breaks stay.
 */
export function descriptionOf(event: GoogleEvent): string {
  const html = event.description ?? '';
  if (!/<[a-z/][^>]*>/i.test(html)) return html;
  return html
    .replace(/<br\s*\/?>|<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The fields every calendar tool reports about an event (agenda rows, created and updated events). */
export function eventData(event: GoogleEvent, clock: Clock) {
  const time = eventTimeOf(event);
  return {
    id: event.id ?? '',
    summary: clip(titleOf(event), DATA_TITLE_MAX),
    when: time ? describeEventTime(time, clock) : 'unknown time',
    start: time ? edgeText(time, 'start', clock) : null,
    end: time ? edgeText(time, 'end', clock) : null,
    all_day: Boolean(time?.allDay),
    status: event.status ?? 'confirmed',
    location: event.location ? clip(event.location, LOCATION_MAX) : null,
    organizer: event.organizer?.email ?? null,
    guests: guestsOf(event).length,
    meet_url: meetUrlOf(event) ?? null,
    url: webUrl(event.htmlLink) ?? null,
  };
}

/** The event's title as a Slack link to it (escaped, clipped), or plain escaped text without a link. */
export function eventLink(event: GoogleEvent): string {
  const title = clip(titleOf(event), TEXT_TITLE_MAX);
  const url = webUrl(event.htmlLink);
  return url ? slackLink(url, title) : escapeMrkdwn(title);
}

/** " · <meet|Join Meet>" when the event has a video link. */
export function meetSuffix(event: GoogleEvent): string {
  const url = meetUrlOf(event);
  return url ? ` · ${slackLink(url, 'Join Meet')}` : '';
}
