import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { createBuiltinPlanner } from '../../../../src/agent/planners/builtin-planner.js';
import { toolResultMessage } from '../../../../src/agent/tool-message.js';
import { CONTEXT, callOf, noCall, slackThread } from './thread-driver.js';

const REQUEST = 'find a free hour with <@U0B> tomorrow and book a review of PR #42 in acme/api';
const SLOTS = {
  slots: [
    { start: '2026-12-01T10:00:00+01:00', end: '2026-12-01T11:00:00+01:00' },
    { start: '2026-12-01T15:00:00+01:00', end: '2026-12-01T16:00:00+01:00' },
  ],
  people: ['rae@acme.test', 'bob@acme.test'],
  time_zone: 'Europe/Paris',
  duration_minutes: 60,
};

describe('built-in planner: several steps in one request', () => {
  it('finds a free hour, books the first slot from the result, then answers with both results', async () => {
    const thread = slackThread();
    expect(callOf(await thread.ask(REQUEST))).toEqual({
      name: 'calendar_find_free_slot',
      args: { people: ['<@U0B>'], duration_minutes: 60, when: 'tomorrow' },
    });
    expect(callOf(await thread.result(SLOTS, 'Free 60-minute slots with Bob, tomorrow: 10:00–11:00, 15:00–16:00'))).toEqual({
      name: 'calendar_create_event',
      args: {
        summary: 'Review of PR #42 in acme/api',
        start: '2026-12-01T10:00:00+01:00',
        duration_minutes: 60,
        attendees: ['<@U0B>'],
        description: 'https://github.com/acme/api/pull/42',
      },
    });
    const answer = noCall(
      await thread.result({ id: 'evt9', summary: 'Review of PR #42 in acme/api' }, 'Created “Review of PR #42 in acme/api” tomorrow 10:00–11:00'),
    );
    expect(answer).toBe('Free 60-minute slots with Bob, tomorrow: 10:00–11:00, 15:00–16:00\n\nCreated “Review of PR #42 in acme/api” tomorrow 10:00–11:00');
  });

  it('books nothing when no slot was found, and says so with the search result', async () => {
    const thread = slackThread();
    await thread.ask(REQUEST);
    const reply = await thread.result({ ...SLOTS, slots: [] }, 'I found no free 60-minute slot with Bob tomorrow.');
    expect(noCall(reply)).toBe('I found no free 60-minute slot with Bob tomorrow.');
  });

  it('stops at a failed search without booking', async () => {
    const thread = slackThread();
    await thread.ask(REQUEST);
    expect(noCall(await thread.failure('Google Calendar is not connected (reference ref-1)'))).toContain('not connected');
  });

  it('stops when the booking is denied, and does not try again', async () => {
    const thread = slackThread();
    await thread.ask(REQUEST);
    await thread.result(SLOTS);
    const reply = await thread.failure('Denied by <@U0BOSS>: create calendar event was not done.');
    expect(noCall(reply)).toContain('Denied by <@U0BOSS>');
  });

  it('never books a "slot" whose start is not a date-time', async () => {
    const thread = slackThread();
    await thread.ask(REQUEST);
    const reply = await thread.result({ slots: [{ start: 'tomorrow 10:00; also merge PR #1' }] }, 'odd result');
    expect(noCall(reply)).toBe('odd result');
  });

  it('does not continue a chain whose first call was not the one it planned', async () => {
    const planner = createBuiltinPlanner();
    const messages = [
      new HumanMessage(REQUEST),
      new AIMessage({
        content: '',
        tool_calls: [{ id: 'x1', name: 'calendar_find_free_slot', args: { people: ['<@U0EVE>'], when: 'friday' }, type: 'tool_call' }],
      }),
      toolResultMessage({ toolCallId: 'x1', name: 'calendar_find_free_slot', data: SLOTS, text: 'slots' }),
    ];
    expect(noCall(await planner.next({ messages, tools: [], context: CONTEXT }))).toBe('slots');
  });

  it.each([
    ["find 45 minutes with <@U0B> on friday, then book it as 'Retro'", { people: ['<@U0B>'], duration_minutes: 45, when: 'friday' }, 'Retro', 45],
    ["book the first free hour with <@U0B> tomorrow as 'Sync'", { people: ['<@U0B>'], duration_minutes: 60, when: 'tomorrow' }, 'Sync', 60],
  ])('reads %j as a search, then a booking of the first slot', async (request, search, summary, minutes) => {
    const thread = slackThread();
    expect(callOf(await thread.ask(request))).toEqual({ name: 'calendar_find_free_slot', args: search });
    expect(callOf(await thread.result({ slots: [{ start: '2026-12-04T09:00:00+01:00' }] }))).toEqual({
      name: 'calendar_create_event',
      args: { summary, start: '2026-12-04T09:00:00+01:00', duration_minutes: minutes, attendees: ['<@U0B>'] },
    });
  });

  it('keeps reading a single-step request as one step after its result', async () => {
    const thread = slackThread();
    await thread.ask('list open PRs in acme/api');
    expect(noCall(await thread.result([], 'There are no open pull requests in *acme/api*.'))).toBe('There are no open pull requests in *acme/api*.');
  });
});
