import { clip, escapeMrkdwn, link } from '../../slack/mrkdwn.js';

/** Small wording helpers shared by the GitHub tools' Slack text and approval previews. */

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** Label names from GitHub's issue/PR JSON, where a label is a string or an object with a name. */
export function labelNames(labels: ReadonlyArray<string | { name?: string | null }>): string[] {
  return labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
}

/** Logins of GitHub users, skipping the nulls GitHub sends for deleted accounts. */
export function logins(users: ReadonlyArray<{ login: string } | null> | null | undefined): string[] {
  return (users ?? []).flatMap((u) => (u ? [u.login] : []));
}

const LOOKALIKES: Record<string, string> = { '*': '∗', '~': '∼', '`': 'ˋ', _: '＿' };

/**
 * Slack has no escape for formatting, so in untrusted text the markers that could bold, strike,
 * italicise or open code become look-alikes (`*` → `∗`). An underscore inside a word (snake_case)
 * formats nothing and stays.
 */
export function unformat(text: string): string {
  return text.replace(/[*~`_]/g, (c, i: number) => (c === '_' && /\w/.test(text[i - 1] ?? '') && /\w/.test(text[i + 1] ?? '') ? c : LOOKALIKES[c]!));
}

/** Untrusted text (a title, a login, a label) for Slack: clipped, unable to ping (escaped) or to format. */
export function shown(text: string, max = 150): string {
  return escapeMrkdwn(unformat(clip(text, max)));
}

/** A link whose label is untrusted text (`<url|#42 title>`). */
export function linkTo(url: string, label: string, max = 150): string {
  return link(url, unformat(clip(label, max)));
}

/** Untrusted text as inline code (a branch or file name): a backtick in it cannot close the code span. */
export function code(text: string, max = 100): string {
  return `\`${escapeMrkdwn(clip(text, max).replaceAll('`', 'ˋ'))}\``;
}

/** Untrusted names (labels, logins) for Slack text: shown safely and comma-separated. */
export function escapedList(names: readonly string[], max = 50): string {
  return names.map((n) => shown(n, max)).join(', ');
}

/**
 * Untrusted multi-line text (an issue body, a comment) for Slack: clipped, and every line escaped and
 * quoted, so it can neither ping (<!channel>) nor pose as the bot.
 */
export function quoteUntrusted(text: string, max: number, empty = '_No description._'): string {
  const trimmed = text.trim();
  if (!trimmed) return empty;
  return clip(trimmed, max)
    .split(/\r?\n/)
    .map((line) => `> ${escapeMrkdwn(line)}`)
    .join('\n');
}

/** Date part of an ISO timestamp ("2025-01-01"), for lists where the time adds nothing. */
export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : 'unknown date';
}
