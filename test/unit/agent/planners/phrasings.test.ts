import { describe, expect, it } from 'vitest';
import { type Interpretation, interpretRequest } from '../../../../src/agent/planners/interpret-request.js';
import type { PlannerContext } from '../../../../src/agent/planners/planner.js';

/** Asked from channel C0HERE, thread 1700000000.000100, on Monday 2026-11-30 at 10:00 in Paris. */
const context: PlannerContext = { channel: 'C0HERE', threadTs: '1700000000.000100', timeZone: 'Europe/Paris', now: new Date('2026-11-30T09:00:00Z') };
const acmeApi = { owner: 'acme', repo: 'api' };

type Expected = { tool: string; args: Record<string, unknown> } | { ask: RegExp } | { answer: RegExp } | 'unknown';

const read = (text: string) => interpretRequest(text, undefined, context);

function expectReading(reading: Interpretation, expected: Expected) {
  if (expected === 'unknown') return expect(reading).toEqual({ kind: 'unknown' });
  if ('tool' in expected) {
    expect(reading.kind).toBe('tool');
    if (reading.kind === 'tool') expect({ name: reading.name, args: reading.args }).toEqual({ name: expected.tool, args: expected.args });
    return;
  }
  const kind = 'ask' in expected ? 'ask' : 'answer';
  expect(reading.kind).toBe(kind);
  if (reading.kind === 'ask' || reading.kind === 'answer') expect(reading.text).toMatch('ask' in expected ? expected.ask : expected.answer);
}

const table: Array<[string, Expected]> = [
  // GitHub: lists and reads
  ['list open pull requests in acme/widgets', { tool: 'github_list_pull_requests', args: { owner: 'acme', repo: 'widgets', state: 'open' } }],
  ['hey, could you list open PRs in acme/api please? thanks', { tool: 'github_list_pull_requests', args: { ...acmeApi, state: 'open' } }],
  ['merged PRs in acme/api', { tool: 'github_list_pull_requests', args: { ...acmeApi, state: 'closed' } }],
  ['PRs by alice with label bug in acme/api', { tool: 'github_list_pull_requests', args: { ...acmeApi, state: 'open', author: 'alice', label: 'bug' } }],
  ['PRs reviewed by bob in acme/api', { tool: 'github_list_pull_requests', args: { ...acmeApi, state: 'open', reviewer: 'bob' } }],
  ['show me the last 5 closed PRs in acme/api', { tool: 'github_list_pull_requests', args: { ...acmeApi, state: 'closed', limit: 5 } }],
  ['PRs since 12/3 in acme/api', { tool: 'github_list_pull_requests', args: { ...acmeApi, state: 'open' } }],
  ['LIST OPEN PRS IN ACME/API!!!', { tool: 'github_list_pull_requests', args: { owner: 'ACME', repo: 'API', state: 'open' } }],
  ['what PRs need my review?', { tool: 'github_list_review_requests', args: {} }],
  ['which pull requests are waiting for my review', { tool: 'github_list_review_requests', args: {} }],
  ['list my repos', { tool: 'github_list_my_repositories', args: {} }],
  ['show my 10 repositories', { tool: 'github_list_my_repositories', args: { limit: 10 } }],
  ['show PR 12 in acme/api', { tool: 'github_get_pull_request', args: { ...acmeApi, pull_number: 12 } }],
  ['https://github.com/acme/api/pull/9', { tool: 'github_get_pull_request', args: { ...acmeApi, pull_number: 9 } }],
  ['is PR 12 in acme/api ready to merge?', { tool: 'github_get_pull_request', args: { ...acmeApi, pull_number: 12 } }],
  ['was acme/api#12 merged?', { tool: 'github_get_pull_request', args: { ...acmeApi, pull_number: 12 } }],
  ['summarise PR #42 in acme/api', { tool: 'github_summarize_pull_request', args: { ...acmeApi, pull_number: 42 } }],
  ['can you review pull request #42 in acme/api', { tool: 'github_summarize_pull_request', args: { ...acmeApi, pull_number: 42 } }],
  ['TL;DR of https://github.com/acme/api/pull/42/files', { tool: 'github_summarize_pull_request', args: { ...acmeApi, pull_number: 42 } }],
  ['show issue 7 in acme/api', { tool: 'github_get_issue', args: { ...acmeApi, issue_number: 7 } }],
  ['https://github.com/acme/api/issues/7', { tool: 'github_get_issue', args: { ...acmeApi, issue_number: 7 } }],
  ['list open issues in acme/api labelled bug', { tool: 'github_list_issues', args: { ...acmeApi, state: 'open', labels: ['bug'] } }],
  ['issues assigned to carol in acme/api', { tool: 'github_list_issues', args: { ...acmeApi, assignee: 'carol' } }],
  ['search issues in acme/api for login timeout', { tool: 'github_search_issues', args: { query: 'login timeout', ...acmeApi } }],
  ["find closed issues about 'flaky test'", { tool: 'github_search_issues', args: { query: 'flaky test', state: 'closed' } }],
  ['recent commits on main in acme/api', { tool: 'github_list_commits', args: { ...acmeApi, branch: 'main' } }],
  ['last 5 commits in acme/api', { tool: 'github_list_commits', args: { ...acmeApi, limit: 5 } }],
  ['show failed workflow runs in acme/api', { tool: 'github_list_workflow_runs', args: { ...acmeApi, status: 'failure' } }],
  ['did CI pass on main in acme/api?', { tool: 'github_list_workflow_runs', args: { ...acmeApi, branch: 'main' } }],
  // GitHub: writes
  ['Could you please merge PR 12 in acme/api?', { tool: 'github_merge_pull_request', args: { ...acmeApi, pull_number: 12, merge_method: 'squash' } }],
  ['rebase and merge pull request #12 in acme/api', { tool: 'github_merge_pull_request', args: { ...acmeApi, pull_number: 12, merge_method: 'rebase' } }],
  ['merge acme/api#42 with a merge commit', { tool: 'github_merge_pull_request', args: { ...acmeApi, pull_number: 42, merge_method: 'merge' } }],
  ['ｍｅｒｇｅ ＰＲ ＃１２ ｉｎ ａｃｍｅ／ａｐｉ', { tool: 'github_merge_pull_request', args: { ...acmeApi, pull_number: 12, merge_method: 'squash' } }],
  ["merge PR 12 in acme/api but don't delete the branch", { tool: 'github_merge_pull_request', args: { ...acmeApi, pull_number: 12, merge_method: 'squash' } }],
  ['delete branch feature/login in acme/api', { tool: 'github_delete_branch', args: { ...acmeApi, branch: 'feature/login' } }],
  ['delete the stale/experiment branch in acme/api', { tool: 'github_delete_branch', args: { ...acmeApi, branch: 'stale/experiment' } }],
  ['deploy acme/api to staging', { tool: 'github_dispatch_workflow', args: { ...acmeApi, workflow: 'deploy.yml', inputs: { environment: 'staging' } } }],
  ['please deploy acme/api to prod', { tool: 'github_dispatch_workflow', args: { ...acmeApi, workflow: 'deploy.yml', inputs: { environment: 'production' } } }],
  ['run ci.yml on main in acme/api', { tool: 'github_dispatch_workflow', args: { ...acmeApi, workflow: 'ci.yml', ref: 'main' } }],
  [
    "create an issue in acme/api titled 'Login broken' with label bug",
    { tool: 'github_create_issue', args: { ...acmeApi, title: 'Login broken', labels: ['bug'] } },
  ],
  ['open an issue in acme/api: Safari crashes on login', { tool: 'github_create_issue', args: { ...acmeApi, title: 'Safari crashes on login' } }],
  [
    "file a bug in acme/api 'crash on save' with body 'steps: open &amp; save'",
    { tool: 'github_create_issue', args: { ...acmeApi, title: 'crash on save', body: 'steps: open & save' } },
  ],
  ["comment 'on it' on issue #7 in acme/api", { tool: 'github_comment', args: { ...acmeApi, issue_number: 7, body: 'on it' } }],
  ['comment on PR 12 in acme/api: LGTM', { tool: 'github_comment', args: { ...acmeApi, issue_number: 12, body: 'LGTM' } }],
  ['ask alice and bob to review PR 12 in acme/api', { tool: 'github_request_reviewers', args: { ...acmeApi, pull_number: 12, reviewers: ['alice', 'bob'] } }],
  ['request review from @carol on acme/api#12', { tool: 'github_request_reviewers', args: { ...acmeApi, pull_number: 12, reviewers: ['carol'] } }],
  ['add label bug to issue 7 in acme/api', { tool: 'github_add_labels', args: { ...acmeApi, issue_number: 7, labels: ['bug'] } }],
  ['label issue 7 in acme/api as bug, p1', { tool: 'github_add_labels', args: { ...acmeApi, issue_number: 7, labels: ['bug', 'p1'] } }],
  ['close issue 7 in acme/api as not planned', { tool: 'github_close_issue', args: { ...acmeApi, issue_number: 7, reason: 'not_planned' } }],
  [
    "close issue #7 in acme/api with comment 'duplicate of #3'",
    { tool: 'github_close_issue', args: { ...acmeApi, issue_number: 7, comment: 'duplicate of #3' } },
  ],
  // Calendar
  ["what's on my calendar tomorrow", { tool: 'calendar_list_events', args: { when: 'tomorrow' } }],
  ['my agenda for Friday', { tool: 'calendar_list_events', args: { when: 'friday' } }],
  ['meetings next week', { tool: 'calendar_list_events', args: { when: 'next_week' } }],
  ['what do I have on 2026-12-03?', { tool: 'calendar_list_events', args: { when: '2026-12-03' } }],
  ["what's on my calendar the day after tomorrow", { tool: 'calendar_list_events', args: { when: '2026-12-02' } }],
  ['what’s on my calendar on March 12?', { tool: 'calendar_list_events', args: { when: '2027-03-12' } }],
  ['is <@U0BOB> free on friday?', { tool: 'calendar_get_free_busy', args: { people: ['<@U0BOB>'], when: 'friday' } }],
  ['when is <@U0BOB|bob> busy this week', { tool: 'calendar_get_free_busy', args: { people: ['<@U0BOB>'], when: 'this_week' } }],
  ['find 30 minutes with <@U0BOB> tomorrow', { tool: 'calendar_find_free_slot', args: { people: ['<@U0BOB>'], duration_minutes: 30, when: 'tomorrow' } }],
  [
    'find a free hour with <@U0BOB> and <mailto:carol@example.com|carol@example.com> next week',
    { tool: 'calendar_find_free_slot', args: { people: ['<@U0BOB>', 'carol@example.com'], duration_minutes: 60, when: 'next_week' } },
  ],
  [
    'suggest 5 slots of 1h30 with <@U0BOB> tomorrow',
    { tool: 'calendar_find_free_slot', args: { people: ['<@U0BOB>'], duration_minutes: 90, when: 'tomorrow', count: 5 } },
  ],
  [
    'when can I meet <@U0BOB> for half an hour on thursday',
    { tool: 'calendar_find_free_slot', args: { people: ['<@U0BOB>'], duration_minutes: 30, when: 'thursday' } },
  ],
  ["book 'Sync' with <@U0BOB> tomorrow at 3pm", { tool: 'calendar_create_event', args: { summary: 'Sync', start: 'tomorrow 15:00', attendees: ['<@U0BOB>'] } }],
  [
    'schedule a meeting called Planning on friday 9:30am for an hour with dana@example.com',
    { tool: 'calendar_create_event', args: { summary: 'Planning', start: 'friday 09:30', duration_minutes: 60, attendees: ['dana@example.com'] } },
  ],
  [
    'book a design review with <@U0BOB> tomorrow from 2pm to 3:30pm with a meet link',
    {
      tool: 'calendar_create_event',
      args: { summary: 'Design review', start: 'tomorrow 14:00', end: 'tomorrow 15:30', attendees: ['<@U0BOB>'], with_meet: true },
    },
  ],
  [
    "book “Focus” tomorrow 2-4pm and don't send invites",
    { tool: 'calendar_create_event', args: { summary: 'Focus', start: 'tomorrow 14:00', end: 'tomorrow 16:00', notify: false } },
  ],
  ['put lunch on my calendar on 2026-12-04 at noon', { tool: 'calendar_create_event', args: { summary: 'Lunch', start: '2026-12-04 12:00' } }],
  // Slack
  ['summarise this channel', { tool: 'slack_summarize_conversation', args: { channel: 'C0HERE' } }],
  ['Summarize this thread', { tool: 'slack_summarize_conversation', args: { channel: 'C0HERE', thread_ts: '1700000000.000100' } }],
  ['catch me up on <#C0123|general> from the last 24 hours', { tool: 'slack_summarize_conversation', args: { channel: 'C0123', since_hours: 24 } }],
  ['summarise the last 50 messages in <#C0123|eng>', { tool: 'slack_summarize_conversation', args: { channel: 'C0123', limit: 50 } }],
  ["post 'deploy done' in <#C0RELEASE|releases>", { tool: 'slack_post_message', args: { channel: 'C0RELEASE', text: 'deploy done' } }],
  ['tell <#C0123|eng> that the deploy is done', { tool: 'slack_post_message', args: { channel: 'C0123', text: 'the deploy is done' } }],
  ["reply in this thread 'on it'", { tool: 'slack_post_message', args: { channel: 'C0HERE', text: 'on it', thread_ts: '1700000000.000100' } }],
  // Missing information: one question with an example, nothing guessed
  ['deploy to production', { ask: /Which repository.*deploy acme\/api to production/ }],
  ['deploy acme/api', { ask: /Which environment.*deploy acme\/api to staging/ }],
  ['trigger the release workflow in acme/api', { ask: /Which workflow file.*run ci\.yml/ }],
  ['merge it', { ask: /Which pull request should I merge\?.*merge PR #42/ }],
  ['close issue 7', { ask: /Which repository is issue #7 in\?/ }],
  ['comment on issue 7 in acme/api', { ask: /What should the comment on issue #7 say\?/ }],
  ['ask <@U0BOB> to review PR 12 in acme/api', { ask: /Which GitHub usernames/ }],
  ["what's on my calendar on 12/3?", { ask: /day\/month or month\/day\?.*YYYY-MM-DD/ }],
  ["what's on my calendar next friday", { ask: /coming friday or the one after/ }],
  ['find time with my team tomorrow', { ask: /Who should I include\?.*@alice/ }],
  ['find 30 minutes with alice tomorrow', { ask: /Who is alice\?/ }],
  ["book 'Sync' tomorrow at 3", { ask: /03:00 or 15:00\?/ }],
  ["book 'Sync' with <@U0BOB>", { ask: /When should it start\?/ }],
  ['create an event tomorrow at 3pm', { ask: /What should I call it\?/ }],
  ["cancel the 'Design review'", { ask: /don't know an event called "Design review".*List your calendar first/ }],
  ["post 'deploy done' in #releases", { ask: /Which channel is #releases\?/ }],
  ['find a free hour with <@U0B> tomorrow and book it', { ask: /What should I call the meeting\?/ }],
  // Declined and small talk: nothing is done
  ["don't merge PR #42 in acme/api", { answer: /won't merge.*Nothing was done/ }],
  ['Do NOT deploy acme/api to production', { answer: /won't deploy/ }],
  ['thanks!', { answer: /welcome/ }],
  // Not understood
  ['book me a flight to Lisbon', 'unknown'],
  ['what is the weather in Paris?', 'unknown'],
  ['delete everything', 'unknown'],
  ['acme/api', 'unknown'],
];

describe('interpretRequest: the phrasing table', () => {
  it('covers at least 60 phrasings and every tool in the catalogue', () => {
    expect(new Set(table.map(([text]) => text)).size).toBe(table.length);
    expect(table.length).toBeGreaterThanOrEqual(60);
    const tools = new Set(table.flatMap(([, e]) => (typeof e === 'object' && 'tool' in e ? [e.tool] : [])));
    const catalogue = [
      'github_list_my_repositories',
      'github_list_pull_requests',
      'github_list_review_requests',
      'github_get_pull_request',
      'github_summarize_pull_request',
      'github_list_issues',
      'github_search_issues',
      'github_get_issue',
      'github_list_commits',
      'github_list_workflow_runs',
      'github_create_issue',
      'github_comment',
      'github_request_reviewers',
      'github_add_labels',
      'github_merge_pull_request',
      'github_delete_branch',
      'github_dispatch_workflow',
      'github_close_issue',
      'calendar_list_events',
      'calendar_get_free_busy',
      'calendar_find_free_slot',
      'calendar_create_event',
      'slack_summarize_conversation',
      'slack_post_message',
    ];
    // calendar_get_event, calendar_update_event and calendar_delete_event need an event seen earlier: see the thread-memory tests.
    expect(catalogue.filter((t) => !tools.has(t))).toEqual([]);
  });

  it.each(table)('reads %j', (text, expected) => {
    expectReading(read(text), expected);
  });
});
