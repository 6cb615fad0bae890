import { describe, expect, it } from 'vitest';
import { CONTEXT, callOf, noCall, slackThread, WIDGET_PULLS } from './thread-driver.js';

const widgets = { owner: 'acme', repo: 'widgets' };

describe('built-in planner: follow-ups in the same thread', () => {
  it('lists, shows #2, then "now merge it" merges #2 in the listed repository', async () => {
    const thread = slackThread();
    await thread.ask('list open PRs in acme/widgets');
    await thread.result(WIDGET_PULLS, '3 open pull requests');
    expect(callOf(await thread.ask('show #2'))).toEqual({ name: 'github_get_pull_request', args: { ...widgets, pull_number: 2 } });
    await thread.result({ number: 2, title: 'Fix login', url: 'https://github.com/acme/widgets/pull/2' }, '#2 Fix login');
    expect(callOf(await thread.ask('now merge it'))).toEqual({
      name: 'github_merge_pull_request',
      args: { ...widgets, pull_number: 2, merge_method: 'squash' },
    });
  });

  it('reads "the second one" as the second row of the last list, not pull request #2', async () => {
    const thread = slackThread();
    await thread.ask('list open PRs in acme/widgets');
    await thread.result(WIDGET_PULLS);
    expect(callOf(await thread.ask('show the second one'))).toEqual({ name: 'github_get_pull_request', args: { ...widgets, pull_number: 2 } });
    await thread.result({});
    expect(callOf(await thread.ask('merge the last one'))).toEqual({
      name: 'github_merge_pull_request',
      args: { ...widgets, pull_number: 9, merge_method: 'squash' },
    });
  });

  it('asks rather than guessing when "the fifth one" is not in the last list', async () => {
    const thread = slackThread();
    await thread.ask('list open PRs in acme/widgets');
    await thread.result(WIDGET_PULLS);
    expect(noCall(await thread.ask('merge the fifth one'))).toMatch(/Which pull request should I merge\?/);
  });

  it.each([
    ['close it', { name: 'github_close_issue', args: { ...widgets, issue_number: 7 } }],
    ["comment 'on it' on it", { name: 'github_comment', args: { ...widgets, issue_number: 7, body: 'on it' } }],
    ['label it bug', { name: 'github_add_labels', args: { ...widgets, issue_number: 7, labels: ['bug'] } }],
    ['close it as won’t fix', { name: 'github_close_issue', args: { ...widgets, issue_number: 7, reason: 'not_planned' } }],
  ])('after "show issue 7 in acme/widgets", %j acts on that issue', async (followUp, expected) => {
    const thread = slackThread();
    await thread.ask('show issue 7 in acme/widgets');
    await thread.result({ number: 7, title: 'Crash on save', state: 'open', is_pull_request: false, url: 'https://github.com/acme/widgets/issues/7' });
    expect(callOf(await thread.ask(followUp))).toEqual(expected);
  });

  it('does not merge an older pull request when the thread moved on to an issue', async () => {
    const thread = slackThread();
    await thread.ask('show PR 5 in acme/widgets');
    await thread.result({ number: 5 });
    await thread.ask('show issue 7 in acme/widgets');
    await thread.result({ number: 7, is_pull_request: false });
    expect(noCall(await thread.ask('merge it'))).toMatch(/Which pull request should I merge\?/);
  });

  it('books the first offered slot with the same people and length', async () => {
    const thread = slackThread();
    expect(callOf(await thread.ask('find 30 minutes with <@U0B> tomorrow'))).toEqual({
      name: 'calendar_find_free_slot',
      args: { people: ['<@U0B>'], duration_minutes: 30, when: 'tomorrow' },
    });
    await thread.result(
      {
        slots: [
          { start: '2026-12-01T09:00:00+01:00', end: '2026-12-01T09:30:00+01:00' },
          { start: '2026-12-01T14:00:00+01:00', end: '2026-12-01T14:30:00+01:00' },
        ],
        people: ['rae@acme.test', 'bob@acme.test'],
        time_zone: 'Europe/Paris',
        duration_minutes: 30,
      },
      'Free 30-minute slots…',
    );
    expect(callOf(await thread.ask("book the first one as 'Sync'"))).toEqual({
      name: 'calendar_create_event',
      args: { summary: 'Sync', start: '2026-12-01T09:00:00+01:00', duration_minutes: 30, attendees: ['<@U0B>'] },
    });
  });

  it('books an offered slot named by its time ("the 14:00 one")', async () => {
    const thread = slackThread();
    await thread.ask('find 30 minutes with <@U0B> tomorrow');
    await thread.result({ slots: [{ start: '2026-12-01T09:00:00+01:00' }, { start: '2026-12-01T14:00:00+01:00' }], duration_minutes: 30 });
    expect(callOf(await thread.ask("book the 2pm one as 'Sync'")).args).toMatchObject({ start: '2026-12-01T14:00:00+01:00' });
  });

  describe('events from an earlier agenda', () => {
    const agenda = {
      time_zone: 'Europe/Paris',
      events: [
        { id: 'evt0standup', summary: 'Standup', start: '2026-12-01T09:30:00+01:00', end: '2026-12-01T09:45:00+01:00' },
        { id: 'evt1design', summary: 'Design review', start: '2026-12-01T11:00:00+01:00', end: '2026-12-01T12:00:00+01:00' },
      ],
    };
    const afterAgenda = async () => {
      const thread = slackThread();
      expect(callOf(await thread.ask("what's on my calendar tomorrow"))).toEqual({ name: 'calendar_list_events', args: { when: 'tomorrow' } });
      await thread.result(agenda, 'Your calendar, tomorrow…');
      return thread;
    };

    it.each([
      ["move the 'Design review' to 16:00", { event_id: 'evt1design', start: '2026-12-01 16:00', end: '2026-12-01 17:00' }],
      ['move the design review to friday', { event_id: 'evt1design', start: 'friday 11:00', end: 'friday 12:00' }],
      ['push the standup by 30 minutes', { event_id: 'evt0standup', start: '2026-12-01 10:00', end: '2026-12-01 10:15' }],
      ["rename the second one to 'Design sync'", { event_id: 'evt1design', summary: 'Design sync' }],
      ['invite <@U0C> to the design review', { event_id: 'evt1design', add_attendees: ['<@U0C>'] }],
    ])('%j updates that event', async (request, args) => {
      const thread = await afterAgenda();
      expect(callOf(await thread.ask(request))).toEqual({ name: 'calendar_update_event', args });
    });

    it('shows and cancels an event by its place in the list, then by "it"', async () => {
      const thread = await afterAgenda();
      expect(callOf(await thread.ask('show me the first one'))).toEqual({ name: 'calendar_get_event', args: { event_id: 'evt0standup' } });
      await thread.result({ id: 'evt0standup', summary: 'Standup' });
      expect(callOf(await thread.ask('cancel it'))).toEqual({ name: 'calendar_delete_event', args: { event_id: 'evt0standup' } });
    });

    it('asks instead of guessing an event the agenda did not show', async () => {
      const thread = await afterAgenda();
      expect(noCall(await thread.ask("move the 'Offsite' to 16:00"))).toMatch(/don't know an event called "Offsite"/);
    });
  });

  it('summarises "this thread" as the conversation the request came from, and posts "there" afterwards', async () => {
    const thread = slackThread();
    expect(callOf(await thread.ask('summarise <#C0ENG|eng> from the last 3 hours'))).toEqual({
      name: 'slack_summarize_conversation',
      args: { channel: 'C0ENG', since_hours: 3 },
    });
    await thread.result({ messages: 12 });
    expect(callOf(await thread.ask("post 'I am on it' there"))).toEqual({ name: 'slack_post_message', args: { channel: 'C0ENG', text: 'I am on it' } });
    expect(callOf(await thread.ask('summarise this thread'))).toEqual({
      name: 'slack_summarize_conversation',
      args: { channel: CONTEXT.channel, thread_ts: CONTEXT.threadTs },
    });
  });
});
