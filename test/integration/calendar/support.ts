export { asMap, rejection } from '../../support/tool-context.js';

import { type CalendarClient, createCalendarClient } from '../../../src/integrations/calendar/client.js';
import type { Person, ToolContext } from '../../../src/tools/tool-context.js';
import type { ToolDefinition } from '../../../src/tools/tool-definition.js';
import { FakeGoogleCalendar } from '../../fakes/fake-google-calendar.js';
import { toolContext } from '../../support/tool-context.js';

/** Monday 30 November 2026, 09:00 UTC: 10:00 in Paris, 01:00 in Los Angeles. The demo week starts that Monday. */
export const NOW = new Date('2026-11-30T09:00:00Z');

export const ALICE: Person = { id: 'U0ALICE', name: 'Alice Lee', email: 'alice@acme.test', timeZone: 'Europe/Paris' };
export const BOB: Person = { id: 'U0BOB', name: 'Bob Stone', email: 'bob@acme.test', timeZone: 'America/Los_Angeles' };
export const CAROL: Person = { id: 'U0CAROL', name: 'Carol Diaz', email: 'carol@acme.test', timeZone: 'Europe/Paris' };
/** Slack hides this person's e-mail address (no users:read.email, or a guest account). */
export const HAL: Person = { id: 'U0HAL', name: 'Hal <!here> Hidden', timeZone: 'Europe/Paris' };
export const DEPLOYBOT: Person = { id: 'U0DEPLOYBOT', name: 'deploybot', email: 'deploybot@acme.test', timeZone: 'UTC', isBot: true };
export const PEOPLE = [ALICE, BOB, CAROL, HAL, DEPLOYBOT];

export const TOKENS = { alice: 'ya29.calendar-test-alice', bob: 'ya29.calendar-test-bob' };

export interface CalendarWorld {
  fake: FakeGoogleCalendar;
  ids: Record<string, string>;
  /** A client with Alice's token. */
  alice: CalendarClient;
  bob: CalendarClient;
}

/** A started fake with the demo week, Alice's and Bob's tokens accepted. */
export async function startCalendarWorld(now = NOW): Promise<CalendarWorld> {
  const fake = new FakeGoogleCalendar();
  await fake.start();
  const { ids } = fake.seedDemo(now);
  fake.acceptToken(TOKENS.alice, ALICE.email!).acceptToken(TOKENS.bob, BOB.email!);
  return { fake, ids, alice: createCalendarClient(TOKENS.alice, fake.rootUrl), bob: createCalendarClient(TOKENS.bob, fake.rootUrl) };
}

/** The tool context of one of PEOPLE asking. */
export function asker(person: Person, now = NOW): ToolContext {
  return toolContext({ people: PEOPLE, userId: person.id, now });
}

/** Arguments as the executor hands them to a tool: parsed by the tool's own schema (defaults applied). */
export function argsFor<A>(tool: ToolDefinition<A>, raw: Record<string, unknown>): A {
  return tool.schema.parse(raw);
}

/** Slack links reduced to their labels, so assertions read like the message a person sees. */
export const labels = (mrkdwn: string) => mrkdwn.replace(/<(https:[^|>]+)\|([^>]+)>/g, '[$2]');
