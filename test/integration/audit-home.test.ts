import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockAction, eventCallback, postCommand, postEvent, postInteraction, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';

const U1 = 'U0ONE';
const U2 = 'U0TWO';
const ADMIN = 'U0ADMIN';
type View = { blocks: Array<{ type: string; text?: { text: string }; elements?: Array<Record<string, unknown>> }>; private_metadata?: string };

describe('App Home shows the audit trail to the right people, within Slack’s limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: `version: 1\nadmins: [${ADMIN}]\n` });
    // 10,000 records: two people, two agents, every outcome.
    const outcomes = ['ok', 'error', 'refused', 'pending'] as const;
    for (let i = 0; i < 10_000; i++) {
      const user = i % 2 === 0 ? U1 : U2;
      await h.deps.audit.append({
        teamId: TEAM,
        userId: user,
        agent: i % 5 === 0 ? 'calendar' : 'github',
        kind: 'tool_call_finished',
        action: `action ${i} by ${user}`,
        outcome: outcomes[i % 4],
        risk: i % 10 === 0 ? 'high' : 'low',
      });
    }
  }, 120_000);
  afterAll(async () => h?.close());

  async function openHome(user: string): Promise<View> {
    const before = h.slack.callsTo('views.publish').length;
    await postEvent(
      h.eventsUrl,
      SIGNING_SECRET,
      eventCallback({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: `${Date.now() / 1000}` }),
    );
    const call = await h.slack.waitFor(
      (c) => c.api === 'views.publish' && c.params.user_id === user && h.slack.callsTo('views.publish').indexOf(c) >= before,
      10_000,
    );
    return call.params.view as View;
  }

  async function clickInHome(user: string, view: View, actionId: string, extra: Record<string, unknown>) {
    const before = h.slack.callsTo('views.publish').length;
    const payload = blockAction({ user, actionId, value: String(extra.value ?? '') });
    Object.assign(payload, {
      view: { id: 'VHOME', type: 'home', private_metadata: view.private_metadata ?? '{}' },
      container: { type: 'view', view_id: 'VHOME' },
    });
    const actions = payload.actions as Array<Record<string, unknown>>;
    Object.assign(actions[0]!, extra);
    await postInteraction(h.eventsUrl, SIGNING_SECRET, payload);
    const call = await h.slack.waitFor(
      (c) => c.api === 'views.publish' && c.params.user_id === user && h.slack.callsTo('views.publish').indexOf(c) >= before,
      10_000,
    );
    return call.params.view as View;
  }

  const entries = (view: View) => view.blocks.filter((b) => b.type === 'section' && /\baction \d+ by /.test(b.text?.text ?? '')).map((b) => b.text!.text);
  const button = (view: View, text: string) =>
    view.blocks.flatMap((b) => b.elements ?? []).find((e) => (e.text as { text?: string } | undefined)?.text === text) as
      | { action_id: string; value?: string }
      | undefined;

  it('a person sees only their own records, newest first, in fewer than 100 blocks', async () => {
    const view = await openHome(U1);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view).length).toBeLessThan(250_000);
    const shown = entries(view);
    expect(shown).toHaveLength(20);
    expect(shown.every((t) => t.includes(`by ${U1}`))).toBe(true);
    expect(shown[0]).toContain('action 9998 by');
    expect(shown[1]).toContain('action 9996 by');
    expect(shown[0]).toMatch(/\{ago\}/); // relative time, rendered by Slack
  });

  it('Older pages further back without overlap, and Newer comes back', async () => {
    const first = await openHome(U1);
    const older = button(first, 'Older →')!;
    const second = await clickInHome(U1, first, older.action_id, { value: older.value });
    const a = entries(first);
    const b = entries(second);
    expect(b).toHaveLength(20);
    expect(b[0]).toContain('action 9958 by');
    expect(b.some((t) => a.includes(t))).toBe(false);
    const newer = button(second, '← Newer')!;
    const back = await clickInHome(U1, second, newer.action_id, { value: newer.value });
    expect(entries(back)).toEqual(a);
  });

  it('filters by agent, by outcome and to high risk only', async () => {
    const first = await openHome(U1);
    const calendar = await clickInHome(U1, first, 'audit_filter_agent', {
      type: 'static_select',
      selected_option: { value: 'calendar', text: { type: 'plain_text', text: 'Calendar' } },
    });
    expect(entries(calendar).length).toBeGreaterThan(0);
    expect(entries(calendar).every((t) => t.includes('Calendar'))).toBe(true);
    const refusedCalendar = await clickInHome(U1, calendar, 'audit_filter_outcome', {
      type: 'static_select',
      selected_option: { value: 'refused', text: { type: 'plain_text', text: 'Refused' } },
    });
    expect(entries(refusedCalendar).every((t) => t.includes('Calendar') && t.startsWith(':no_entry:'))).toBe(true);
    const highRisk = button(first, 'High risk only')!;
    const risky = await clickInHome(U1, first, highRisk.action_id, { value: highRisk.value });
    expect(entries(risky).length).toBeGreaterThan(0);
    expect(entries(risky).every((t) => t.includes('high risk'))).toBe(true);
  });

  it('an admin named in the policy sees the whole workspace, with who did what', async () => {
    const view = await openHome(ADMIN);
    const shown = entries(view);
    expect(shown.some((t) => t.includes(`by ${U1}`))).toBe(true);
    expect(shown.some((t) => t.includes(`by ${U2}`))).toBe(true);
    expect(shown[0]).toContain(`<@${U2}>`);
  });

  it('/agenthub audit answers privately with a short summary of the week', async () => {
    const id = 'audit-1';
    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'audit', user: U2, responseUrl: h.slack.responseUrl(id) }));
    const answer = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000);
    expect(answer.params.response_type).toBe('ephemeral');
    expect(String(answer.params.text)).toMatch(/Audit — last 7 days\.\* For you: \*\d+\* actions done/);
    expect(String(answer.params.text)).not.toContain(`by ${U1}`);
  });
});
