export { rejection } from '../../support/tool-context.js';

import { WebClient } from '@slack/web-api';
import { createPeopleDirectory } from '../../../src/integrations/slack/people-directory.js';
import { toSlackTs } from '../../../src/integrations/slack/schemas.js';
import { slackClientOptions } from '../../../src/slack/client-options.js';
import type { ToolContext } from '../../../src/tools/tool-context.js';
import { FakeSlack } from '../../fakes/fake-slack.js';

/** 2026-11-30 09:00 UTC, a Monday. */
export const NOW = new Date('2026-11-30T09:00:00Z');
export const TEAM = 'T0001';

export const PEOPLE = {
  requester: { id: 'U0REQ', real_name: 'Rae Requester', email: 'rae@acme.test', tz: 'Europe/Paris', tz_label: 'Central European Time' },
  alice: { id: 'U0ALICE', real_name: 'Alice Lee', email: 'alice@acme.test', tz: 'America/New_York' },
  bob: { id: 'U0BOB', real_name: 'Bob Builder', tz: 'Europe/London' },
  carol: { id: 'U0CAROL', real_name: 'Carol <!here> Chen' },
} as const;

/**
 * A workspace on the fake Slack: people, and conversations of every kind.
 * #general is public (the requester isn't in it, which is fine), #outside public without the bot,
 * #secret private without the requester, #team private with the requester past the first page of
 * members, G0HIDDEN private without the bot, and DMs between the bot and the requester or Alice.
 */
export async function startSlackWorld(): Promise<{ fake: FakeSlack; slack: WebClient; ctx: ToolContext }> {
  const fake = new FakeSlack({ teamId: TEAM });
  await fake.start();
  for (const p of Object.values(PEOPLE)) fake.addUser(p);
  const bot = fake.botUserId;
  const crowd = Array.from({ length: 250 }, (_, i) => `U0CROWD${String(i).padStart(3, '0')}`);
  fake
    .addChannel({ id: 'C0GENERAL', name: 'general', members: [bot, PEOPLE.alice.id, PEOPLE.bob.id] })
    .addChannel({ id: 'C0OUTSIDE', name: 'outside', members: [PEOPLE.requester.id] })
    .addChannel({ id: 'C0OLD', name: 'old', members: [bot, PEOPLE.requester.id], archived: true })
    .addChannel({ id: 'C0SECRET', name: 'secret', kind: 'private', members: [bot, PEOPLE.alice.id] })
    .addChannel({ id: 'C0TEAM', name: 'team', kind: 'private', members: [bot, ...crowd, PEOPLE.requester.id] })
    .addChannel({ id: 'G0HIDDEN', name: 'hidden', kind: 'private', members: [PEOPLE.requester.id] })
    .addChannel({ id: 'D0REQ', kind: 'im', user: PEOPLE.requester.id })
    .addChannel({ id: 'D0ALICE', kind: 'im', user: PEOPLE.alice.id });
  // The client the bot uses in production, without retries so failures show at once.
  const slack = new WebClient('xoxb-slack-tools-test', { ...slackClientOptions({ apiUrl: fake.apiUrl }), retryConfig: { retries: 0 } });
  const ctx: ToolContext = {
    who: { teamId: TEAM, userId: PEOPLE.requester.id },
    people: createPeopleDirectory({ client: slack }),
    now: () => new Date(NOW),
  };
  return { fake, slack, ctx };
}

/** A message ts `minutes` before NOW, unique per `seq` (Slack ts are unique per channel). */
export function minutesAgo(minutes: number, seq = 0): string {
  return toSlackTs(NOW.getTime() - minutes * 60_000 + seq);
}
