/**
 * What a request points at, read from its words: repositories, pull requests and issues, "the
 * second one", "it", people, channels. Pure functions over the working text (quotes set aside).
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export type ItemKind = 'pull' | 'issue';

/** A pull request or issue number as written; `kind` when the words or URL say which. */
export interface ItemNumber {
  number: number;
  kind?: ItemKind;
}

const URL_ITEM = /github\.com\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})\/(pull|pulls|issues)\/(\d{1,7})/i;
const URL_REPO = /github\.com\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})/i;
const URL_WORKFLOW = /github\.com\/[^/\s]+\/[^/\s]+\/actions\/workflows\/([A-Za-z0-9._-]+\.ya?ml)/i;
const URL_TREE = /github\.com\/[^/\s]+\/[^/\s]+\/(?:tree|commits)\/([A-Za-z0-9._/-]*[A-Za-z0-9_-])/i;
const REPO = /(?:^|[\s(`'"<])([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]*[A-Za-z0-9_-])(?:#(\d{1,7}))?/g;
/** Word pairs, dates and ratios that look like owner/repo but are not. */
const NOT_A_REPO = /^(and\/or|either\/or|yes\/no|on\/off|read\/write|free\/busy|input\/output|am\/pm|\d+\/\d+)$/i;

/** The repository a request names (a GitHub URL, or owner/repo with an optional #number). */
export function findRepo(text: string): (RepoRef & { number?: number }) | undefined {
  const url = URL_ITEM.exec(text);
  if (url?.[1] && url[2]) return { owner: url[1], repo: url[2], number: Number(url[4]) };
  const urlRepo = URL_REPO.exec(text);
  if (urlRepo?.[1] && urlRepo[2]) return { owner: urlRepo[1], repo: urlRepo[2].replace(/\.git$/i, '') };
  const before = (m: RegExpMatchArray) => text.slice(0, (m.index ?? 0) + (m[0].length - m[0].trimStart().length)).replace(/[(`'"<]$/, '');
  // A branch like feature/login is not a repository; several candidates: prefer one introduced by "in/on/of/…", else the last.
  const candidates = [...text.matchAll(REPO)].filter((m) => m[1] && m[2] && !NOT_A_REPO.test(`${m[1]}/${m[2]}`) && !/\bbranch(?:es)?\s*$/i.test(before(m)));
  const introduced = candidates.filter((m) => /\b(in|on|of|for|from|at|to)\s*$/i.test(before(m)));
  const m = introduced.at(-1) ?? candidates.at(-1);
  if (!m?.[1] || !m[2]) return undefined;
  return { owner: m[1], repo: m[2].replace(/\.git$/i, ''), ...(m[3] ? { number: Number(m[3]) } : {}) };
}

/** Text without "in acme/api"-style phrases and GitHub URLs, so branch and file names can be read around them. */
export function withoutRepoPhrases(text: string): string {
  return text
    .replace(/<?https?:\/\/\S+/gi, ' ')
    .replace(/\b(?:in|on|of|for|from|at|to)\s+(?:the\s+)?(?:repo(?:sitory)?\s+)?[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]*[A-Za-z0-9_-](?:#\d+)?/gi, ' ')
    .replace(/(?:^|\s)[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]*[A-Za-z0-9_-]#\d+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const PULL_NUMBER = /\b(?:pr|pull[\s-]?request|pull|mr|merge[\s-]?request)\s*#?\s*(\d{1,7})\b/i;
const ISSUE_NUMBER = /\b(?:issue|bug|ticket)\s*#?\s*(\d{1,7})\b/i;
const BARE_NUMBER = /(?:^|[\s(,])#(\d{1,7})\b/;

/** The pull request or issue number a request names, if any. */
export function findItemNumber(text: string): ItemNumber | undefined {
  const url = URL_ITEM.exec(text);
  if (url?.[4]) return { number: Number(url[4]), kind: url[3]?.toLowerCase() === 'issues' ? 'issue' : 'pull' };
  const pull = PULL_NUMBER.exec(text);
  if (pull?.[1]) return { number: Number(pull[1]), kind: 'pull' };
  const issue = ISSUE_NUMBER.exec(text);
  if (issue?.[1]) return { number: Number(issue[1]), kind: 'issue' };
  const repo = findRepo(text);
  if (repo?.number !== undefined) return { number: repo.number };
  const bare = BARE_NUMBER.exec(text);
  return bare?.[1] ? { number: Number(bare[1]) } : undefined;
}

/** A workflow file named in the request ("ci.yml", or an actions/workflows URL). */
export function findWorkflowFile(text: string): string | undefined {
  return URL_WORKFLOW.exec(text)?.[1] ?? /(?:^|[\s`'"(])([A-Za-z0-9._-]+\.ya?ml)\b/i.exec(text)?.[1];
}

/** A branch named in a GitHub tree/commits URL. */
export function findUrlBranch(text: string): string | undefined {
  return URL_TREE.exec(text)?.[1];
}

const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  last: -1,
};
const ORDINAL =
  /\bthe\s+(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|(\d{1,2})(?:st|nd|rd|th))(?=\s*(?:one|pr|pull request|issue|event|meeting|slot|option|time|result|item|repo|repository|call)\b|\s*(?:[.,!?]|$)|\s+(?:as|for|at|on|in|to|with|and|from)\b)/i;

/** "the second one" → 2, "the last one" → -1 (counted from the end); undefined when there is none. */
export function findOrdinal(text: string): number | undefined {
  const m = ORDINAL.exec(text);
  if (!m?.[1]) return undefined;
  return m[2] ? Number(m[2]) : ORDINAL_WORDS[m[1].toLowerCase()];
}

/** The item at a 1-based position (negative counts from the end). */
export function pick<T>(items: readonly T[], position: number): T | undefined {
  return position < 0 ? items.at(position) : items[position - 1];
}

/** "it", "this one", "that PR": the request is about what the conversation was last about. */
export function mentionsPronoun(text: string): boolean {
  return /\b(it|this|that|them|the same one|this one|that one)\b/i.test(text);
}

const SLACK_USER = /<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g;
const SLACK_MAILTO = /<mailto:([^|>\s]+)(?:\|[^>]*)?>/gi;
const EMAIL = /(?:^|[\s,(<:;])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?=$|[\s,)>.;:!?])/g;

/** Slack members (as '<@U…>') and e-mail addresses named in the request, each once, in order. */
export function findPeople(text: string): string[] {
  const found: Array<{ at: number; who: string }> = [];
  for (const m of text.matchAll(SLACK_USER)) found.push({ at: m.index, who: `<@${m[1]}>` });
  for (const m of text.matchAll(SLACK_MAILTO)) if (m[1]) found.push({ at: m.index, who: m[1] });
  const plain = text.replace(SLACK_MAILTO, (m) => ' '.repeat(m.length));
  for (const m of plain.matchAll(EMAIL)) if (m[1]) found.push({ at: m.index, who: m[1] });
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.who)
    .filter((who) => {
      const key = who.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The text with Slack mentions and e-mail addresses blanked out, for reading the words around them. */
export function withoutPeople(text: string): string {
  return text
    .replace(SLACK_USER, ' ')
    .replace(SLACK_MAILTO, ' ')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const SLACK_CHANNEL = /<#([CGD][A-Z0-9]{2,})(?:\|[^>]*)?>/;

/** The channel id of a Slack channel link ('<#C0123|general>' → 'C0123'). */
export function findChannelId(text: string): string | undefined {
  return SLACK_CHANNEL.exec(text)?.[1];
}

/** A channel typed as plain "#name" (Slack did not link it, so its id is unknown). */
export function findUnlinkedChannel(text: string): string | undefined {
  return /(?:^|\s)#([a-z][a-z0-9_-]{0,79})\b/i.exec(text)?.[1];
}

/** GitHub logins as people write them in a list: "alice, @bob and carol". */
const LOGIN = '@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?![\\w/@.-])';
export const LOGIN_LIST = `${LOGIN}(?:\\s*(?:,\\s*(?:and\\s+)?|\\band\\b|&)\\s*${LOGIN})*`;
const NOT_LOGINS = new Set(['me', 'myself', 'i', 'you', 'us', 'the', 'a', 'an', 'it', 'this', 'that', 'them', 'him', 'her', 'someone', 'everyone', 'team']);

/** The logins of a matched LOGIN_LIST, without '@' and words that are not logins. */
export function splitLogins(list: string): string[] {
  return list
    .split(/\s*(?:,|\band\b|&)\s*/i)
    .map((s) => s.trim().replace(/^@/, ''))
    .filter((s) => s && !NOT_LOGINS.has(s.toLowerCase()));
}
