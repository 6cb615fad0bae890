/**
 * The request text as the built-in readers see it: regular characters and spacing, quoted passages
 * set aside (so their words are never read as commands), courtesy words removed.
 */

/** Longer requests are read only this far: nobody phrases a command in more, and regexes stay fast. */
const MAX_READ_CHARS = 2_000;

/** Stands for the n-th quoted passage inside the working text; no reader's pattern matches it. */
export const quoteMarker = (n: number) => `⟦${n}⟧`;
const MARKER = /⟦(\d+)⟧/g;

const COURTESY: RegExp[] = [
  /^(?:(?:hey|hi|hello|yo|ok|okay|alright|so|now|and|also|then|great|cool|thanks|thank you)\b[\s,!.:;-]*)+/i,
  /\b(?:could|can|would|will)\s+you\s+(?:please\s+)?/gi,
  /\b(?:please|pls|plz|kindly)\b/gi,
  /\b(?:i'?d like you to|i want you to|i need you to|go ahead and|be so kind as to)\b/gi,
  /[\s,]*\b(?:thanks(?: a lot)?|thank you|thx|ty|cheers)\b[\s!.]*$/i,
];

export interface RequestText {
  /** The normalised request with quotes in place. */
  full: string;
  /** The normalised request with quoted passages replaced by markers and courtesy words removed. */
  text: string;
  /** The quoted passages, in order. */
  quotes: string[];
}

/** Unicode compatibility forms, typographic quotes and invisible characters made plain; whitespace collapsed. */
export function normalizeText(raw: string): string {
  return raw
    .slice(0, MAX_READ_CHARS * 2)
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_READ_CHARS);
}

/**
 * "…" and '…' passages. A single quote opens only after a space or punctuation and closes before
 * one, so apostrophes ("what's", "Bob's") are left alone.
 */
const QUOTED = /"([^"]+)"|(?<=^|[\s(:[{,])'([^']*[^'\s])'(?=$|[\s.,!?;:)\]}])/g;

const REFERENCE_ONLY = /^(?:[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]+(?:#\d+)?|<?https?:\/\/\S+)$/;

export function readRequestText(raw: string): RequestText {
  const full = normalizeText(raw);
  const quotes: string[] = [];
  let text = full.replace(QUOTED, (_whole, double?: string, single?: string) => {
    const passage = (double ?? single ?? '').trim();
    // A quoted repository or link ("acme/api") is a reference, not a passage.
    if (REFERENCE_ONLY.test(passage)) return ` ${passage} `;
    quotes.push(passage);
    return ` ${quoteMarker(quotes.length - 1)} `;
  });
  for (const pattern of COURTESY) text = text.replace(pattern, ' ');
  text = text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.!?;:])/g, '$1')
    .trim();
  return { full, text, quotes };
}

/** A stretch of working text with its quote markers put back as the passages they stand for. */
export function restoreQuotes(text: string, quotes: readonly string[]): string {
  return text
    .replace(MARKER, (m, n: string) => quotes[Number(n)] ?? m)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The passage a marker at the start of `text` stands for. */
export function leadingQuote(text: string, quotes: readonly string[]): string | undefined {
  const m = /^\s*⟦(\d+)⟧/.exec(text);
  return m ? quotes[Number(m[1])] : undefined;
}

/** Slack sends &, < and > typed by a person as entities; GitHub and Google want the characters. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
