import type { UsersInfoResponse, WebClient } from '@slack/web-api';
import { identityKey } from '../../identity.js';
import type { PeopleDirectory, Person } from '../../tools/tool-context.js';
import { withSlackErrors } from './errors.js';

/**
 * Slack members looked up with users.info (bot token), kept for `ttlMs` so one conversation summary
 * or invitation list doesn't ask Slack about the same person again. The cache is bounded (oldest entry
 * out first), and concurrent lookups of one person share one request. Failures are not cached.
 */
export function createPeopleDirectory({
  client,
  ttlMs = 10 * 60_000,
  maxEntries = 5000,
  now = Date.now,
}: {
  client: WebClient;
  ttlMs?: number;
  maxEntries?: number;
  /** Milliseconds since the epoch (a dependency, so tests can move time). */
  now?: () => number;
}): PeopleDirectory {
  const cache = new Map<string, { person: Promise<Person>; expiresAt: number }>();

  return {
    get(who) {
      const key = identityKey(who);
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now()) return hit.person;
      cache.delete(key);
      const person: Promise<Person> = lookUp(client, who.userId).catch((err: unknown) => {
        if (cache.get(key)?.person === person) cache.delete(key);
        throw err;
      });
      cache.set(key, { person, expiresAt: now() + ttlMs });
      // A Map iterates in insertion order, so its first key is the oldest entry.
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      return person;
    },
  };
}

async function lookUp(client: WebClient, userId: string): Promise<Person> {
  const { user } = await withSlackErrors('that Slack user', () => client.users.info({ user: userId }));
  if (!user) return { id: userId, name: userId, timeZone: 'UTC' };
  return toPerson(user, userId);
}

type SlackUser = NonNullable<UsersInfoResponse['user']>;

function toPerson(user: SlackUser, userId: string): Person {
  const person: Person = {
    id: user.id ?? userId,
    name: user.real_name || user.profile?.display_name || user.profile?.real_name || user.name || userId,
    // Slack omits tz for some bots and external users; UTC is the honest "don't know".
    timeZone: user.tz || 'UTC',
    isBot: user.is_bot === true,
  };
  if (user.profile?.email) person.email = user.profile.email;
  if (user.tz_label) person.timeZoneLabel = user.tz_label;
  return person;
}
