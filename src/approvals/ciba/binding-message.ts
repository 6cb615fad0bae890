/**
 * Auth0 CIBA binding messages: required, at most 64 characters, "alphanumeric and `+-_.,:#`"
 * plus spaces (auth0.md §6.7). Anything else is rejected with `invalid_request`, which Auth0's
 * SDKs then misreport as "the user has no push notifications" — so every message is cleaned here
 * before it leaves the process. The same text is shown in Slack and in Guardian, so the user can
 * compare the two.
 */

export const BINDING_MESSAGE_MAX = 64;
export const BINDING_MESSAGE_FALLBACK = 'AgentHub request';
/** What Auth0 accepts (the fake in test/fakes/auth0-ciba.ts checks the same pattern). */
export const BINDING_MESSAGE_PATTERN = /^[A-Za-z0-9 +\-_.,:#]{1,64}$/;

/** A cut at a space is preferred unless it would throw away more than half of the message. */
const MIN_WORD_CUT = BINDING_MESSAGE_MAX / 2;

export function sanitizeBindingMessage(text: string): string {
  const cleaned = String(text ?? '')
    // "é" → "e": decompose, then drop the combining marks.
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    // Apostrophes inside words vanish ("don't" → "dont") instead of splitting the word.
    .replace(/['’`]/g, '')
    // Everything else Auth0 refuses becomes a separator ("acme/api" → "acme api", "main!" → "main").
    .replace(/[^A-Za-z0-9 +\-_.,:#]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return truncateAtWord(cleaned, BINDING_MESSAGE_MAX) || BINDING_MESSAGE_FALLBACK;
}

function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  // The character right after the cut is a space: the cut already ends a word.
  if (text[max] === ' ') return cut.trimEnd();
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace >= MIN_WORD_CUT ? cut.slice(0, lastSpace) : cut).trimEnd();
}
