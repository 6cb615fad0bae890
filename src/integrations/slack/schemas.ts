import { z } from 'zod';

/** Public (C…), legacy private or group-DM (G…) and direct-message (D…) conversation ids. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;
/** How Slack writes a channel in message text: <#C0123|general>, or <#C0123> / <#C0123|> without a name. */
const CHANNEL_MENTION = /^<#([CGD][A-Z0-9]{2,20})(?:\|[^>]*)?>$/;

/** A conversation id, also accepted in the mention form a person pastes; always normalised to the bare id. */
export const channel = z
  .string()
  .trim()
  .transform((text) => CHANNEL_MENTION.exec(text)?.[1] ?? text)
  .pipe(z.string().regex(CHANNEL_ID, 'a Slack channel id like C0123 (or a <#C0123|name> mention)'))
  .describe('Slack channel id like C0123, or a <#C0123|name> mention');

/** A message timestamp, which is also how Slack names a thread (its first message's ts). */
export const messageTs = z
  .string()
  .trim()
  .regex(/^\d{9,10}\.\d{6}$/, 'a Slack message timestamp like 1712345678.123456');

/** Converts a moment to the `oldest`/`latest` form Slack's history methods take. */
export function toSlackTs(ms: number): string {
  return (ms / 1000).toFixed(6);
}

/** A message timestamp as a Date (ts is seconds.microseconds since the epoch). */
export function fromSlackTs(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}
