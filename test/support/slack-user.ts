import { expect } from 'vitest';
import type { SlackCall } from '../fakes/fake-slack.js';
import { appMention, blockAction, postEvent, postInteraction } from '../fakes/slack-requests.js';
import { type Harness, SIGNING_SECRET, TEAM } from './harness.js';

/** What acting as a person needs: where Slack delivers, the Slack stand-in, and the Auth0 logins (for step-up). */
export type SlackWorld = Pick<Harness, 'eventsUrl' | 'slack' | 'oidc'>;
/**
 * Acts like a person in Slack against the harness: mentions the bot, reads the cards the bot sent,
 * finds buttons by their text (as a person does, never by action id) and clicks them.
 */
export interface Button {
  text: string;
  style?: string;
  url?: string;
  action_id: string;
  value?: string;
}

type Block = { type: string; elements?: Array<Record<string, unknown>>; text?: { text?: string }; fields?: Array<{ text: string }> };

/** A `chat.update` that carries an answer, not one of the "Working: …" progress steps shown meanwhile. */
export function isAnswerUpdate(call: Pick<SlackCall, 'api' | 'params'>): boolean {
  return call.api === 'chat.update' && !/^Working\b/.test(String(call.params.text ?? ''));
}

/** Every message text (section, fields, context) of a Slack message, joined. */
export function messageText(call: Pick<SlackCall, 'params'>): string {
  const blocks = (call.params.blocks as Block[] | undefined) ?? [];
  const parts = [String(call.params.text ?? '')];
  for (const b of blocks) {
    if (b.text?.text) parts.push(b.text.text);
    for (const f of b.fields ?? []) parts.push(f.text);
    for (const e of b.elements ?? []) if (typeof e.text === 'string') parts.push(e.text);
  }
  return parts.join('\n');
}

export function buttonsOf(call: Pick<SlackCall, 'params'>): Button[] {
  const blocks = (call.params.blocks as Block[] | undefined) ?? [];
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({ ...(e as unknown as Button), text: String((e.text as { text?: string })?.text ?? '') }));
}

export async function mention(h: SlackWorld, user: string, text: string, opts: { threadTs?: string } = {}) {
  const delivery = appMention({ text: `<@UBOT> ${text}`, user, channel: 'C0001', ...opts });
  const ts = (delivery.event as { ts: string }).ts;
  const res = await postEvent(h.eventsUrl, SIGNING_SECRET, delivery);
  expect(res.status).toBe(200);
  const progress = await h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === (opts.threadTs ?? ts), 10_000);
  return { ts: opts.threadTs ?? ts, progressTs: (progress.responseBody as { ts: string }).ts };
}

/** Waits until the thread's progress message is updated to an answer (not a "Working: …" step) matching `pattern`. */
export async function threadSays(h: SlackWorld, progressTs: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  try {
    const hit = await h.slack.waitFor((c) => isAnswerUpdate(c) && c.params.ts === progressTs && pattern.test(messageText(c)), timeoutMs);
    return messageText(hit);
  } catch {
    const latest = h.slack
      .callsTo('chat.update')
      .filter((c) => c.params.ts === progressTs)
      .at(-1);
    throw new Error(`The thread never said ${pattern}; last: ${latest ? messageText(latest) : '(no update)'}`);
  }
}

/** The newest approval card the bot DMed to this person. */
export async function cardFor(h: SlackWorld, user: string, timeoutMs = 10_000): Promise<SlackCall & { ts: string }> {
  const channel = h.slack.dmChannelFor(user);
  const posted = await h.slack.waitFor(
    (c) => c.api === 'chat.postMessage' && c.params.channel === channel && /approval needed/i.test(messageText(c)),
    timeoutMs,
  );
  const all = h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === channel && /approval needed/i.test(messageText(c)));
  const newest = all.at(-1) ?? posted;
  return Object.assign(newest, { ts: (newest.responseBody as { ts: string }).ts });
}

/** The current rendering of a card (its last chat.update, or the original post). */
export function currentCard(h: SlackWorld, card: SlackCall & { ts: string }): SlackCall {
  return (
    h.slack
      .callsTo('chat.update')
      .filter((c) => c.params.ts === card.ts && c.params.channel === card.params.channel)
      .at(-1) ?? card
  );
}

let clicks = 0;
/** Clicks the button with this text on a card, as `user`; returns the HTTP status and the id its ephemeral answer comes under. */
export async function click(h: SlackWorld, card: SlackCall & { ts: string }, buttonText: string, user: string, opts: { team?: string; url?: string } = {}) {
  const button = buttonsOf(currentCard(h, card)).find((b) => b.text === buttonText);
  if (!button)
    throw new Error(
      `No "${buttonText}" button on the card; it has: ${buttonsOf(currentCard(h, card))
        .map((b) => b.text)
        .join(', ')}`,
    );
  return { ...(await sendClick(h, card, button, user, opts)), button };
}

/** The ephemeral answer to a click, if one comes. */
export async function ephemeralAnswer(h: SlackWorld, responseId: string, timeoutMs = 5000): Promise<string> {
  const r = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === responseId, timeoutMs);
  return String(r.params.text);
}

/** Follows the "Approve with MFA" link like a browser: bot → Auth0 /authorize → bot callback. */
export async function passStepUp(h: SlackWorld, url: string, login: Parameters<SlackWorld['oidc']['nextLogin']>[0]) {
  h.oidc.nextLogin(login);
  return followBrowser(url);
}

/** Opens a link like a browser, following every redirect (bot → Auth0 → provider → bot), and returns the final page. */
export async function followBrowser(url: string) {
  let next = url;
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(next, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = new URL(location, next).toString();
      continue;
    }
    return { status: res.status, page: await res.text() };
  }
  throw new Error('too many redirects');
}

/** The approval a card decides: every decision button carries its id as the value. */
export function approvalIdOf(card: Pick<SlackCall, 'params'>): string {
  const id = buttonsOf(card).find((b) => b.value)?.value;
  if (!id) throw new Error('The card has no decision buttons, so no approval id');
  return id;
}

/** Waits for an approval card DMed to `user` that is none of `seen`: the card of a new request. */
export async function newCardFor(h: SlackWorld, user: string, seen: Array<{ ts: string }>, timeoutMs = 10_000): Promise<SlackCall & { ts: string }> {
  const channel = h.slack.dmChannelFor(user);
  const known = new Set(seen.map((c) => c.ts));
  const posted = await h.slack.waitFor(
    (c) =>
      c.api === 'chat.postMessage' &&
      c.params.channel === channel &&
      /approval needed/i.test(messageText(c)) &&
      !known.has((c.responseBody as { ts: string }).ts),
    timeoutMs,
  );
  return Object.assign(posted, { ts: (posted.responseBody as { ts: string }).ts });
}

/** A follow-up request in an existing thread; unlike `mention`, returns this request's own progress message. */
export async function mentionInThread(h: SlackWorld, user: string, threadTs: string, text: string) {
  const inThread = (c: SlackCall) => c.api === 'chat.postMessage' && c.params.thread_ts === threadTs;
  const before = new Set(h.slack.requests.filter(inThread).map((c) => (c.responseBody as { ts: string }).ts));
  const delivery = appMention({ text: `<@UBOT> ${text}`, user, channel: 'C0001', threadTs });
  const res = await postEvent(h.eventsUrl, SIGNING_SECRET, delivery);
  expect(res.status).toBe(200);
  const progress = await h.slack.waitFor((c) => inThread(c) && !before.has((c.responseBody as { ts: string }).ts), 10_000);
  return { ts: threadTs, progressTs: (progress.responseBody as { ts: string }).ts };
}

/**
 * Delivers a click on `button` exactly as Slack would, with full control: to another bot process
 * (`url`), from another workspace (`team`), or carrying a forged `value`. The button may come from
 * any rendering of the card, such as a stale copy still on someone's screen.
 */
export async function sendClick(
  h: SlackWorld,
  card: SlackCall & { ts: string },
  button: Pick<Button, 'action_id' | 'value'>,
  user: string,
  opts: { url?: string; team?: string; value?: string } = {},
) {
  const responseId = `click-${++clicks}`;
  const res = await postInteraction(
    opts.url ?? h.eventsUrl,
    SIGNING_SECRET,
    blockAction({
      team: opts.team ?? TEAM,
      user,
      channel: String(card.params.channel),
      actionId: button.action_id,
      value: 'value' in opts ? opts.value : button.value,
      messageTs: card.ts,
      responseUrl: h.slack.responseUrl(responseId),
    }),
  );
  return { status: res.status, responseId };
}

/** Like `click`, but delivered to another bot process's endpoint (several processes behind one load balancer). */
export function clickVia(h: SlackWorld, url: string, card: SlackCall & { ts: string }, buttonText: string, user: string) {
  return click(h, card, buttonText, user, { url });
}
