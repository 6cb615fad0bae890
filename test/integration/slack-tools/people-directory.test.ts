import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPeopleDirectory } from '../../../src/integrations/slack/people-directory.js';
import { FakeSlack } from '../../fakes/fake-slack.js';
import { rejection } from './slack-world.js';

let fake: FakeSlack;
let client: WebClient;

beforeEach(async () => {
  fake = new FakeSlack();
  await fake.start();
  fake
    .addUser({ id: 'U0ALICE', real_name: 'Alice Lee', email: 'alice@acme.test', tz: 'Europe/Paris', tz_label: 'Central European Time' })
    .addUser({ id: 'U0BOB', real_name: 'Bob Builder', tz: 'Asia/Tokyo' })
    .addUser({ id: 'U0CAROL', real_name: 'Carol Chen' })
    .addUser({ id: 'UBOTTY', real_name: 'Deploy Bot', is_bot: true });
  client = new WebClient('xoxb-directory-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => fake.stop());

const lookups = (user?: string) => fake.callsTo('users.info').filter((c) => user === undefined || c.params.user === user);
const alice = { teamId: 'T0001', userId: 'U0ALICE' };

describe('people directory', () => {
  it("gives a person's name, e-mail and time zone from users.info", async () => {
    const people = createPeopleDirectory({ client });
    await expect(people.get(alice)).resolves.toEqual({
      id: 'U0ALICE',
      name: 'Alice Lee',
      email: 'alice@acme.test',
      timeZone: 'Europe/Paris',
      timeZoneLabel: 'Central European Time',
      isBot: false,
    });
    const bob = await people.get({ teamId: 'T0001', userId: 'U0BOB' });
    expect(bob).toMatchObject({ name: 'Bob Builder', timeZone: 'Asia/Tokyo' });
    expect(bob.email).toBeUndefined();
    await expect(people.get({ teamId: 'T0001', userId: 'UBOTTY' })).resolves.toMatchObject({ name: 'Deploy Bot', isBot: true });
  });

  it('asks Slack once for repeated and concurrent lookups of one person', async () => {
    const people = createPeopleDirectory({ client });
    const answers = await Promise.all([people.get(alice), people.get(alice), people.get(alice)]);
    await people.get(alice);
    expect(answers.map((p) => p.name)).toEqual(['Alice Lee', 'Alice Lee', 'Alice Lee']);
    expect(lookups()).toHaveLength(1);
  });

  it('asks again once the entry is older than the TTL', async () => {
    let now = 1_000_000;
    const people = createPeopleDirectory({ client, ttlMs: 60_000, now: () => now });
    await people.get(alice);
    now += 59_999;
    await people.get(alice);
    expect(lookups()).toHaveLength(1);
    now += 1;
    await people.get(alice);
    expect(lookups()).toHaveLength(2);
  });

  it('keeps one entry per workspace and user', async () => {
    const people = createPeopleDirectory({ client });
    await people.get(alice);
    await people.get({ teamId: 'T0OTHER', userId: 'U0ALICE' });
    expect(lookups('U0ALICE')).toHaveLength(2);
  });

  it('drops the oldest entry when full', async () => {
    const people = createPeopleDirectory({ client, maxEntries: 2 });
    for (const userId of ['U0ALICE', 'U0BOB', 'U0CAROL']) await people.get({ teamId: 'T0001', userId });
    await people.get({ teamId: 'T0001', userId: 'U0CAROL' });
    await people.get({ teamId: 'T0001', userId: 'U0BOB' });
    expect(lookups()).toHaveLength(3);
    await people.get(alice);
    expect(lookups('U0ALICE')).toHaveLength(2);
  });

  it("says it couldn't find an unknown user, and finds them once they exist", async () => {
    const people = createPeopleDirectory({ client });
    const err = await rejection(people.get({ teamId: 'T0001', userId: 'U0GHOST' }));
    expect(err).toMatchObject({ code: 'not_found', userMessage: "I couldn't find that Slack user." });
    // A failure is not remembered.
    fake.addUser({ id: 'U0GHOST', real_name: 'Gus Ghost' });
    await expect(people.get({ teamId: 'T0001', userId: 'U0GHOST' })).resolves.toMatchObject({ name: 'Gus Ghost' });
  });

  it('falls back to UTC and the display name when Slack leaves fields out', async () => {
    fake.once('users.info', { body: { ok: true, user: { id: 'U0DAN', name: 'dan', real_name: '', profile: { display_name: 'Dan D.' } } } });
    await expect(createPeopleDirectory({ client }).get({ teamId: 'T0001', userId: 'U0DAN' })).resolves.toEqual({
      id: 'U0DAN',
      name: 'Dan D.',
      timeZone: 'UTC',
      isBot: false,
    });
  });
});
