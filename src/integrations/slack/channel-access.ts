import type { WebClient } from '@slack/web-api';
import { AgentHubError } from '../../errors.js';
import type { SlackIdentity } from '../../identity.js';
import type { ActionTarget } from '../../tools/tool-definition.js';
import { INVITE_ME, withSlackErrors } from './errors.js';
import { slackPages } from './pagination.js';

export type ChannelFacts = NonNullable<ActionTarget['channel']>;

/** A conversation as the Slack tools see it: the gate's facts, and how to name it to the requester. */
export interface Conversation {
  facts: ChannelFacts;
  /** "#general", "your DM with me", "the group DM" — or "that channel" for one the requester can't see. */
  label: string;
}

/**
 * Reads a conversation with the bot token and works out who may use it through the bot. A public
 * channel is open to everyone in the workspace; a private channel, DM or group DM only to its members,
 * so for those the requester's membership is checked (conversations.members, every page if need be).
 */
export async function readConversation(slack: WebClient, channelId: string, requester: SlackIdentity): Promise<Conversation> {
  const { channel: info } = await withSlackErrors('that channel', () => slack.conversations.info({ channel: channelId }));
  if (!info)
    throw new AgentHubError('internal', `conversations.info ${channelId} returned no channel`, "Slack didn't describe that channel; try again shortly.");
  const isDm = info.is_im === true;
  const isPrivate = isDm || info.is_mpim === true || info.is_private === true || info.is_group === true;
  // Slack only describes a DM to the bot when the bot is in it; it reports is_member for the rest.
  const botIsMember = isDm || info.is_member === true;
  const requesterIsMember = !isPrivate || (botIsMember && (await isMember(slack, channelId, requester.userId)));
  // The name of a private conversation is itself private: someone outside it only gets the id.
  const name = !requesterIsMember ? channelId : isDm ? 'direct message' : (info.name ?? channelId);
  const label = !requesterIsMember ? 'that channel' : isDm ? 'your DM with me' : info.is_mpim ? 'the group DM' : `#${name}`;
  return { facts: { id: channelId, name, private: isPrivate, botIsMember, requesterIsMember }, label };
}

/**
 * The bot must never read or post, on someone's behalf, where that person couldn't themselves:
 * checked in every tool's `run`, not only by the gate, so no path around the gate can leak a channel.
 */
export function assertCanUse({ facts, label }: Conversation, purpose: 'read' | 'post'): void {
  if (!facts.botIsMember) {
    throw new AgentHubError('upstream_rejected', `bot is not a member of ${facts.id}`, `I'm not in ${label}. ${INVITE_ME}`);
  }
  if (!facts.requesterIsMember) {
    throw new AgentHubError(
      'upstream_rejected',
      `requester is not a member of private conversation ${facts.id}`,
      `You aren't a member of that channel, so I can't ${purpose === 'read' ? 'read it' : 'post in it'} for you.`,
    );
  }
}

/** Reads a conversation and refuses unless both the bot and the requester may use it. */
export async function openConversation(slack: WebClient, channelId: string, requester: SlackIdentity, purpose: 'read' | 'post'): Promise<Conversation> {
  const conversation = await readConversation(slack, channelId, requester);
  assertCanUse(conversation, purpose);
  return conversation;
}

async function isMember(slack: WebClient, channel: string, userId: string): Promise<boolean> {
  const pages = slackPages((cursor) =>
    withSlackErrors('that channel', () => slack.conversations.members({ channel, limit: 200, ...(cursor ? { cursor } : {}) })),
  );
  for await (const page of pages) {
    if (page.members?.includes(userId)) return true;
  }
  return false;
}
