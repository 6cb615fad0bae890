import type { SlackIdentity } from '../identity.js';

/** A Slack member as the tools need them: who they are, how to invite them, their clock. */
export interface Person {
  /** Slack user id (U…/W…). */
  id: string;
  /** Display name for messages ("Alice Lee"). */
  name: string;
  /** From users.info profile.email (needs users:read.email); undefined when Slack hides it. */
  email?: string;
  /** IANA time zone from users.info (`tz`), e.g. "Europe/Paris". */
  timeZone: string;
  /** Slack's own label for it, e.g. "Central European Time". */
  timeZoneLabel?: string;
  isBot?: boolean;
}

/** Looks Slack members up (users.info with the bot token), cached briefly. */
export interface PeopleDirectory {
  /** Throws AgentHubError('not_found') for an unknown user. */
  get(who: { teamId: string; userId: string }): Promise<Person>;
}

/**
 * What a tool may know about the call besides its arguments: the verified requester (never from the
 * model), their Slack profile for time zones and e-mail, and the clock (a dependency, so tests can fix it).
 */
export interface ToolContext {
  who: SlackIdentity;
  people: PeopleDirectory;
  now(): Date;
}
