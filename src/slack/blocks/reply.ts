import type { KnownBlock } from '@slack/types';
import type { TurnResult } from '../../agent/runner.js';
import { clip, neutralizeBroadcasts } from '../mrkdwn.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const SECTION_LIMIT = 3000;
const MAX_SECTIONS = 45; // a message holds 50 blocks; leave room for the context line

/** Splits long text into section-sized chunks at line breaks where it can. */
export function splitForSections(text: string, limit = SECTION_LIMIT): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = rest.lastIndexOf('\n', limit);
    const at = cut > limit / 2 ? cut : limit;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length) chunks.push(rest);
  return chunks;
}

/** The bot's answer in a thread: the text in sections, a quiet context line, a plain-text fallback. */
export function buildReply(result: TurnResult, { planner }: { planner: string }): SlackMessage {
  const body = neutralizeBroadcasts(result.text);
  const icon = result.status === 'failed' ? '⚠️ ' : result.status === 'halted' ? '🔐 ' : '';
  const sections = splitForSections(`${icon}${body}`);
  const shown = sections.slice(0, MAX_SECTIONS);
  if (sections.length > shown.length) shown.push('…the rest was cut to fit in one Slack message.');
  const refId = result.status === 'failed' || result.status === 'halted' ? result.refId : undefined;
  const reference = refId ? ` (reference ${refId})` : '';
  const context = refId ? `Reference ${refId}` : `AgentHub · planned by the ${planner} planner`;
  return {
    text: `${clip(`${icon}${body}`, 3000 - reference.length)}${reference}`,
    blocks: [
      ...shown.map((chunk): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}

/** Shown in the thread while the agent works; replaced by the answer. */
export function buildWorkingMessage(): SlackMessage {
  return {
    text: 'Working on it…',
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: ':hourglass_flowing_sand: Working on it…' }] }],
  };
}
