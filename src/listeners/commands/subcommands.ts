import type { SlashCommand } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { capabilitiesText } from '../../agent/planners/builtin-planner.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';

/** What a subcommand answers with: an ephemeral message to the person who typed it. */
export interface CommandReply {
  text: string;
  blocks?: KnownBlock[];
}

export interface SubcommandContext {
  command: SlashCommand;
  /** The words after the subcommand name. */
  args: string[];
  client: WebClient;
}

export interface Subcommand {
  usage: string;
  summary: string;
  /**
   * Answers from memory, without I/O: its reply goes in the ack itself (Slack shows it at once,
   * and no second request to response_url is needed). Anything that may wait stays off.
   */
  instant?: boolean;
  run(ctx: SubcommandContext): Promise<CommandReply>;
}

export type SubcommandRegistry = Record<string, Subcommand>;

export function helpText(registry: SubcommandRegistry): string {
  const lines = Object.values(registry).map((s) => `• \`/agenthub ${s.usage}\` — ${s.summary}`);
  return `*AgentHub commands*\n${lines.join('\n')}\n\nTo give me a task, mention *@AgentHub* in a channel or message me directly. ${capabilitiesText()}`;
}

/** The reply to a subcommand nobody defined: say what was typed, and what exists. */
export function unknownSubcommandText(name: string, registry: SubcommandRegistry): string {
  return `I don't know the command \`${escapeMrkdwn(clip(name, 40))}\`. ${helpText(registry)}`;
}

/** The built-in `help` plus the feature subcommands, in the order help lists them. */
export function createSubcommands(features: SubcommandRegistry = {}): SubcommandRegistry {
  const registry: SubcommandRegistry = {};
  registry.help = {
    usage: 'help',
    summary: 'show this list',
    instant: true,
    run: async () => ({ text: helpText(registry) }),
  };
  return Object.assign(registry, features);
}
