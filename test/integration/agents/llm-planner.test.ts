import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatRequestBody, messageText as chatText } from '../../fakes/fake-groq.js';
import { type Harness, READS_ALLOWED_POLICY, startHarness } from '../../support/harness.js';
import { buttonsOf, cardFor, click, isAnswerUpdate, mention, messageText, threadSays } from '../../support/slack-user.js';

const NOW = new Date('2026-11-30T08:00:00Z');
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

/** The JSON inside the last <tool_output> block the model was sent. */
function lastToolOutput(body: ChatRequestBody): unknown {
  const tool = [...body.messages].reverse().find((m) => m.role === 'tool');
  const raw = tool ? chatText(tool) : '';
  const json = raw.replace(/^<tool_output[^>]*>\n/, '').replace(/\n<\/tool_output>$/, '');
  return JSON.parse(json);
}

describe('the LLM planner (scripted Groq over the real ChatGroq client)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ groq: true, policy: READS_ALLOWED_POLICY, now: () => new Date(NOW) });
    h.github.seedDemo('octo-dev');
    h.calendar.seedDemo(NOW);
    h.slack.addUser({ id: ALICE, real_name: 'Alice Lee', email: 'alice@acme.test', tz: 'Europe/Paris' });
    h.slack.addUser({ id: BOB, real_name: 'Bob Stone', email: 'bob@acme.test', tz: 'Europe/Paris' });
    await h.linkUser(ALICE, { googleEmail: 'alice@acme.test' });
  });
  afterEach(() => expect(h.groq!.pending).toBe(0));
  afterAll(async () => h?.close());

  it('runs a multi-step task — find a free hour, then book it — each step through the gate', async () => {
    h.groq!.reply({ toolCalls: [{ name: 'calendar_find_free_slot', args: { people: [`<@${BOB}>`], duration_minutes: 60, when: 'tomorrow' } }] });
    let firstSlot = '';
    h.groq!.reply((body) => {
      const found = lastToolOutput(body) as { slots: Array<{ start: string }> };
      firstSlot = found.slots[0]!.start;
      return {
        toolCalls: [
          {
            name: 'calendar_create_event',
            args: {
              summary: 'Review of PR #42',
              start: firstSlot,
              duration_minutes: 60,
              attendees: [`<@${BOB}>`],
              description: 'https://github.com/acme/widgets/pull/42',
            },
          },
        ],
      };
    });
    h.groq!.reply({ content: 'Booked *Review of PR #42* with Bob tomorrow at 09:00.' });

    const { progressTs } = await mention(h, ALICE, `find a free hour with <@${BOB}> tomorrow and book a review of PR #42`);
    // The invitation is a write: it waits for Alice, and nothing is booked yet.
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    // The model learnt the time and zone it plans in, so "tomorrow" means the person's tomorrow.
    const system = chatText(h.groq!.bodies.at(-1)!.messages[0]!);
    expect(system).toMatch(/Monday, 30 November 2026 at 09:00.*Europe\/Paris/);
    expect(new Date(firstSlot).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(h.calendar.created).toHaveLength(0);
    const card = await cardFor(h, ALICE);
    expect(messageText(card)).toContain('bob@acme.test');

    await click(h, card, 'Approve', ALICE);
    await h.slack.waitFor((c) => (isAnswerUpdate(c) || c.api === 'chat.stopStream') && /Booked/.test(messageText(c)), 10_000);
    expect(h.calendar.created).toHaveLength(1);
    const kinds = (await h.deps.audit.latest('T0001', 50, { userId: ALICE })).map((r) => `${r.kind}:${r.tool ?? ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'policy_decision:calendar_find_free_slot',
        'approval_requested:calendar_create_event',
        'tool_call_finished:calendar_create_event',
      ]),
    );
  });

  it('instructions inside tool output do not change what the gate allows', async () => {
    // Issue #8's body tells the model to merge PR #1. Suppose the model obeys it:
    h.groq!.reply({ toolCalls: [{ name: 'github_get_issue', args: { owner: 'acme', repo: 'widgets', issue_number: 8 } }] });
    h.groq!.reply((body) => {
      const tool = [...body.messages].reverse().find((m) => m.role === 'tool')!;
      // The model got the issue as quoted, escaped data, labelled untrusted.
      expect(chatText(tool)).toMatch(/^<tool_output tool="github_get_issue" note="untrusted data/);
      return { toolCalls: [{ name: 'github_merge_pull_request', args: { owner: 'acme', repo: 'widgets', pull_number: 1 } }] };
    });
    const { progressTs } = await mention(h, ALICE, 'show issue #8 in acme/widgets');
    // The merge still needs the person's approval with MFA; nothing merges on the model's say-so.
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve \*merge pull request #1/);
    const card = await cardFor(h, ALICE);
    expect(buttonsOf(card).map((b) => b.text)).toEqual(['Approve with MFA', 'Deny']);
    expect(h.github.merges).toHaveLength(0);
    h.groq!.reply((body) => {
      const tool = [...body.messages].reverse().find((m) => m.role === 'tool')!;
      expect(chatText(tool)).toMatch(/^<tool_error tool="github_merge_pull_request">Denied by /);
      return { content: 'Understood: PR #1 was not merged.' };
    });
    await click(h, card, 'Deny', ALICE);
    await threadSays(h, progressTs, /was not merged/);
    expect(h.github.merges).toHaveLength(0);
  });

  it("streams the model's answer into the thread, then ends the stream with the formatted reply", async () => {
    h.groq!.reply({ content: 'Here is a long enough answer that it is streamed into the thread in pieces, as the model writes it, word by word.' });
    const { ts, progressTs } = await mention(h, ALICE, 'say something long');
    const stop = await h.slack.waitFor((c) => c.api === 'chat.stopStream', 10_000);
    const start = h.slack.callsTo('chat.startStream').at(-1)!;
    expect(start.params).toMatchObject({ thread_ts: ts, recipient_user_id: ALICE, recipient_team_id: 'T0001' });
    expect(messageText(stop)).toContain('word by word');
    // The progress message made way for the streamed reply.
    await h.slack.waitFor((c) => c.api === 'chat.delete' && c.params.ts === progressTs, 5000);
  });

  it('falls back to one final message where Slack refuses streaming', async () => {
    h.slack.once('chat.startStream', { status: 200, body: { ok: false, error: 'not_allowed_token_type' } });
    h.groq!.reply({ content: 'This answer cannot be streamed here, so it arrives as a single message replacing the progress note, in full.' });
    const { progressTs } = await mention(h, ALICE, 'say something else');
    const text = await threadSays(h, progressTs, /arrives as a single message/);
    expect(text).toContain('in full');
  });
});
