/**
 * §3 End to end, as a person feels it: mention → final reply with the scripted model (one tool call
 * and an answer), and an approval round trip (mention a merge → card → Approve with MFA through the
 * step-up page → "Merged" in the thread). Everything runs against the stand-ins, sequentially.
 */
import type { SlackCall } from '../../src/demo/stand-ins/fake-slack.js';
import { appMention, postEvent } from '../../src/demo/stand-ins/slack-requests.js';
import { type LatencySummary, summarize } from '../support/stats.js';
import { SIGNING_SECRET, startWorld, type World } from '../support/world.js';

const READS = 40;
const APPROVALS = 15;
const WARMUP = 3;
const USER = 'U0E2E';

const textOf = (c: SlackCall) => JSON.stringify([c.params.text, c.params.blocks ?? null]);

/** Mentions the bot and returns the thread's progress message ts. */
async function mention(w: World, text: string): Promise<string> {
  const delivery = appMention({ text: `<@UBOT> ${text}`, user: USER, channel: 'C0001' });
  const ts = (delivery.event as { ts: string }).ts;
  const res = await postEvent(w.bot.eventsUrl, SIGNING_SECRET, delivery);
  if (res.status !== 200) throw new Error(`the mention got HTTP ${res.status}`);
  const progress = await w.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === ts, 10_000);
  return (progress.responseBody as { ts: string }).ts;
}

const threadSays = (w: World, progressTs: string, pattern: RegExp) =>
  w.slack.waitFor((c) => c.api === 'chat.update' && c.params.ts === progressTs && pattern.test(textOf(c)), 15_000);

/** Follows a link like a browser through every redirect (bot → Auth0 → bot). */
async function followBrowser(url: string): Promise<number> {
  let next = url;
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(next, { redirect: 'manual' });
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return res.status;
    next = new URL(location, next).toString();
  }
  throw new Error('too many redirects');
}

function mfaUrlOfNewCard(w: World, seen: Set<string>): Promise<{ ts: string; url: string }> {
  const channel = w.slack.dmChannelFor(USER);
  return w.slack
    .waitFor(
      (c) =>
        c.api === 'chat.postMessage' && c.params.channel === channel && /approval needed/i.test(textOf(c)) && !seen.has((c.responseBody as { ts: string }).ts),
      15_000,
    )
    .then((card) => {
      const blocks = (card.params.blocks as Array<{ type: string; elements?: Array<{ text?: { text?: string }; url?: string }> }>) ?? [];
      const url = blocks.flatMap((b) => b.elements ?? []).find((e) => e.text?.text === 'Approve with MFA')?.url;
      if (!url) throw new Error('the approval card has no "Approve with MFA" link');
      return { ts: (card.responseBody as { ts: string }).ts, url };
    });
}

export interface E2eResult {
  mentionToReply: LatencySummary;
  approvalRoundTrip: LatencySummary;
}

export async function e2eBench(): Promise<E2eResult> {
  const w = await startWorld({ groq: true });
  try {
    const { sub } = await w.linkUser(USER);
    const groq = w.groq!;
    const read = async () => {
      groq
        .reply({ toolCalls: [{ name: 'github_list_pull_requests', args: { owner: 'acme', repo: 'widgets' } }] })
        .reply({ content: 'Here are the open pull requests in acme/widgets.' });
      const t = performance.now();
      const progressTs = await mention(w, 'list open pull requests in acme/widgets');
      await threadSays(w, progressTs, /Here are the open pull requests/);
      return performance.now() - t;
    };
    const seen = new Set<string>();
    const approve = async (i: number) => {
      const number = w.github.addPull('acme', 'widgets', { title: `Bench change ${i}`, author: 'octo-dev' });
      groq
        .reply({ toolCalls: [{ name: 'github_merge_pull_request', args: { owner: 'acme', repo: 'widgets', pull_number: number } }] })
        .reply({ content: `Merged PR #${number}.` });
      const t = performance.now();
      const progressTs = await mention(w, `merge PR #${number} in acme/widgets`);
      const card = await mfaUrlOfNewCard(w, seen);
      seen.add(card.ts);
      w.oidc.nextLogin({ sub, amr: ['pwd', 'mfa'] });
      const status = await followBrowser(card.url);
      if (status !== 200) throw new Error(`the step-up page answered ${status}`);
      await threadSays(w, progressTs, new RegExp(`Merged PR #${number}`));
      return performance.now() - t;
    };
    for (let i = 0; i < WARMUP; i++) await read();
    for (let i = 0; i < WARMUP; i++) await approve(-i);
    const reads: number[] = [];
    for (let i = 0; i < READS; i++) reads.push(await read());
    const approvals: number[] = [];
    for (let i = 0; i < APPROVALS; i++) approvals.push(await approve(i));
    return { mentionToReply: summarize(reads), approvalRoundTrip: summarize(approvals) };
  } finally {
    await w.close();
  }
}
