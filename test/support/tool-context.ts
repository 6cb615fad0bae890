import { expect } from 'vitest';
import { AgentHubError } from '../../src/errors.js';
import type { PeopleDirectory, Person, ToolContext } from '../../src/tools/tool-context.js';
import type { PreviewLine } from '../../src/tools/tool-definition.js';

/** A directory over a fixed list of people (for tool tests that don't go through Slack). */
export function staticPeople(people: Person[]): PeopleDirectory {
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    async get({ userId }) {
      const person = byId.get(userId);
      if (!person) throw new AgentHubError('not_found', `no Slack user ${userId}`, `I couldn't find the Slack user <@${userId}>.`);
      return person;
    },
  };
}

export const REQUESTER: Person = {
  id: 'U0REQUESTER',
  name: 'Rae Requester',
  email: 'rae@acme.test',
  timeZone: 'Europe/Paris',
  timeZoneLabel: 'Central European Time',
};

/** A tool context for the requester, with a fixed clock (default 2026-11-30 09:00 UTC, a Monday). */
export function toolContext(opts: { people?: Person[]; now?: Date; teamId?: string; userId?: string } = {}): ToolContext {
  const now = opts.now ?? new Date('2026-11-30T09:00:00Z');
  return {
    who: { teamId: opts.teamId ?? 'T0TEAM', userId: opts.userId ?? REQUESTER.id },
    people: staticPeople(opts.people ?? [REQUESTER]),
    now: () => new Date(now),
  };
}

/** The AgentHubError a promise rejects with (fails the test if it resolves or throws something else). */
export async function rejection(p: Promise<unknown>): Promise<AgentHubError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentHubError);
  return err as AgentHubError;
}

/** An approval card's preview lines by label. */
export const asMap = (lines: PreviewLine[]) => Object.fromEntries(lines.map((l) => [l.label, l.value]));
