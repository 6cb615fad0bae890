import { describe, expect, it } from 'vitest';
import { addLabels, closeIssue, comment, createIssue } from '../../../src/integrations/github/issue-write-tools.js';
import { requestReviewers } from '../../../src/integrations/github/review-tools.js';
import { argsFor, asMap, ctx, rejection, TOKEN, useGitHub, writes } from './support.js';

const bed = useGitHub();
const widgets = { owner: 'acme', repo: 'widgets' };

describe('github_create_issue', () => {
  const args = (extra: Record<string, unknown> = {}) => argsFor(createIssue, { ...widgets, title: 'Checkout button is grey', ...extra });

  it('previews exactly what will be written, without calling GitHub', async () => {
    const body = `The button never turns blue.\n${'x'.repeat(1500)}`;
    const lines = await createIssue.preview!(args({ body, labels: ['bug', 'ui'], assignees: ['octo-dev'] }), bed.github, ctx);
    expect(asMap(lines)).toEqual({
      Repository: 'acme/widgets',
      Title: 'Checkout button is grey',
      Description: `${body.slice(0, 999)}…`,
      Labels: 'bug, ui',
      Assignees: 'octo-dev',
    });
    expect(asMap(await createIssue.preview!(args(), bed.github, ctx))).toMatchObject({ Description: '(none)', Labels: '(none)', Assignees: '(none)' });
    expect(bed.fake.requests).toHaveLength(0);
  });

  it('creates the issue once, with the given token, and links it', async () => {
    const { data, text } = await createIssue.run(args({ body: 'Steps…', labels: ['bug', 'ui'], assignees: ['alice-gh'] }), bed.github, ctx);
    expect(bed.fake.createdIssues).toEqual([
      {
        owner: 'acme',
        repo: 'widgets',
        number: 11,
        title: 'Checkout button is grey',
        body: 'Steps…',
        labels: ['bug', 'ui'],
        assignees: ['alice-gh'],
        token: TOKEN,
      },
    ]);
    expect(data).toEqual({
      number: 11,
      url: 'https://github.com/acme/widgets/issues/11',
      title: 'Checkout button is grey',
      labels: ['bug', 'ui'],
      assignees: ['alice-gh'],
      not_applied: [],
    });
    expect(text).toBe(
      'Created <https://github.com/acme/widgets/issues/11|#11 Checkout button is grey> in *acme/widgets* · labels: bug, ui · assigned to alice-gh',
    );
    expect(writes(bed.fake).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/widgets/issues']);
    expect(createIssue.describe(args())).toBe('create issue “Checkout button is grey” in acme/widgets');
  });

  it('shows an untrusted title without pinging or formatting', async () => {
    const { text } = await createIssue.run(args({ title: '<!channel> *free* money' }), bed.github, ctx);
    expect(text).toContain('#11 &lt;!channel&gt; ∗free∗ money>');
  });

  it('says which labels or assignees GitHub did not apply', async () => {
    bed.fake.once('POST /repos/acme/widgets/issues', {
      status: 201,
      body: { number: 11, title: 'Checkout button is grey', html_url: 'https://github.com/acme/widgets/issues/11', labels: [], assignees: [] },
    });
    const { data, text } = await createIssue.run(args({ labels: ['bug'], assignees: ['alice-gh'] }), bed.github, ctx);
    expect(data).toMatchObject({ labels: [], not_applied: ['bug', 'alice-gh'] });
    expect(text).toContain("GitHub didn't apply bug, alice-gh (your account may not be allowed to set them).");
  });

  it('explains GitHub refusing an assignee, and sends a failed create only once', async () => {
    const refused = await rejection(createIssue.run(args({ assignees: ['stranger-gh'] }), bed.github, ctx));
    expect(refused).toMatchObject({
      code: 'upstream_rejected',
      userMessage: 'GitHub refused to create an issue in acme/widgets (GitHub says: Validation Failed); nothing was changed.',
    });
    bed.fake.resetRequests();
    bed.fake.once('POST /repos/acme/widgets/issues', { status: 502, body: { message: 'Bad gateway' } });
    const unsure = await rejection(createIssue.run(args(), bed.github, ctx));
    expect(unsure).toMatchObject({
      code: 'upstream_unavailable',
      userMessage:
        "GitHub failed while trying to create an issue in acme/widgets, so I can't tell whether it happened. Check acme/widgets on GitHub before asking again.",
    });
    expect(writes(bed.fake)).toHaveLength(1);
    expect(bed.fake.createdIssues).toEqual([]);
  });
});

describe('github_comment', () => {
  const args = (issue_number: number, body = 'Reproduced on staging.') => argsFor(comment, { ...widgets, issue_number, body });

  it('previews the issue or pull request and the comment', async () => {
    expect(await comment.preview!(args(7), bed.github, ctx)).toEqual([
      { label: 'Issue', value: '#7 Widget API returns 500 on empty cart' },
      { label: 'Comment', value: 'Reproduced on staging.' },
    ]);
    expect(asMap(await comment.preview!(args(1, 'y'.repeat(3000)), bed.github, ctx))).toEqual({
      'Pull request': '#1 Add rate limiting to widget API',
      Comment: `${'y'.repeat(999)}…`,
    });
    expect(writes(bed.fake)).toHaveLength(0);
  });

  it('comments on an issue and on a pull request', async () => {
    const onIssue = await comment.run(args(7), bed.github, ctx);
    const onPull = await comment.run(args(1, 'LGTM'), bed.github, ctx);
    expect(bed.fake.comments.map(({ number, body, token }) => ({ number, body, token }))).toEqual([
      { number: 7, body: 'Reproduced on staging.', token: TOKEN },
      { number: 1, body: 'LGTM', token: TOKEN },
    ]);
    const [first, second] = bed.fake.comments;
    expect(onIssue).toEqual({
      data: { id: first!.id, url: `https://github.com/acme/widgets/issues/7#issuecomment-${first!.id}`, issue_number: 7 },
      text: `Commented on <https://github.com/acme/widgets/issues/7#issuecomment-${first!.id}|#7> in *acme/widgets*`,
    });
    expect(onPull.text).toContain(`/pull/1#issuecomment-${second!.id}|#1>`);
    const { data: issue } = await bed.github.rest.issues.get({ ...widgets, issue_number: 7 });
    expect(issue.comments).toBe(3);
    expect(comment.describe(args(7))).toBe('comment on #7 in acme/widgets');
  });

  it('names a number that does not exist', async () => {
    const err = await rejection(comment.run(args(99), bed.github, ctx));
    expect(err).toMatchObject({ code: 'not_found', userMessage: "I couldn't find #99 in acme/widgets on GitHub, or your GitHub account can't see it." });
  });
});

describe('github_request_reviewers', () => {
  const args = (pull_number: number, reviewers: string[]) => argsFor(requestReviewers, { ...widgets, pull_number, reviewers });

  it('previews the pull request, who will be asked and who already was', async () => {
    expect(await requestReviewers.preview!(args(3, ['alice-gh', 'bob-gh']), bed.github, ctx)).toEqual([
      { label: 'Pull request', value: '#3 Bump typescript to 5.9' },
      { label: 'Author', value: 'octo-dev' },
      { label: 'Reviewers to ask', value: 'alice-gh, bob-gh' },
    ]);
    expect(asMap(await requestReviewers.preview!(args(1, ['bob-gh']), bed.github, ctx))['Already asked']).toBe('octo-dev');
    expect(asMap(await requestReviewers.preview!(args(4, ['bob-gh']), bed.github, ctx)).State).toBe('merged');
  });

  it('asks the reviewers, and GitHub then lists them', async () => {
    const { data, text } = await requestReviewers.run(args(3, ['alice-gh', 'bob-gh']), bed.github, ctx);
    expect(bed.fake.reviewRequests).toEqual([{ owner: 'acme', repo: 'widgets', number: 3, reviewers: ['alice-gh', 'bob-gh'], token: TOKEN }]);
    expect(data).toMatchObject({ number: 3, asked: ['alice-gh', 'bob-gh'], requested_reviewers: ['alice-gh', 'bob-gh'] });
    expect(text).toBe('Asked alice-gh, bob-gh to review <https://github.com/acme/widgets/pull/3|#3 Bump typescript to 5.9> in *acme/widgets*');
    const { data: pr } = await bed.github.rest.pulls.get({ ...widgets, pull_number: 3 });
    expect(pr.requested_reviewers?.map((u) => u.login)).toEqual(['alice-gh', 'bob-gh']);
    expect(requestReviewers.describe(args(3, ['alice-gh', 'bob-gh']))).toBe('ask alice-gh, bob-gh to review pull request #3 in acme/widgets');
  });

  it('passes on why GitHub refuses (the author, a non-collaborator) and does not ask on a closed pull request', async () => {
    const author = await rejection(requestReviewers.run(args(3, ['octo-dev']), bed.github, ctx));
    expect(author.userMessage).toBe(
      'GitHub refused to ask octo-dev to review pull request #3 in acme/widgets (GitHub says: Review cannot be requested from pull request author.); nothing was changed.',
    );
    const stranger = await rejection(requestReviewers.run(args(3, ['stranger-gh']), bed.github, ctx));
    expect(stranger.userMessage).toContain('GitHub says: Reviews may only be requested from collaborators.');
    const closed = await rejection(requestReviewers.run(args(4, ['bob-gh']), bed.github, ctx));
    expect(closed).toMatchObject({ code: 'bad_request', userMessage: 'Pull request #4 in acme/widgets is no longer open; nobody was asked to review it.' });
    expect(bed.fake.reviewRequests).toEqual([]);
    expect(writes(bed.fake)).toHaveLength(2);
  });
});

describe('github_add_labels', () => {
  const args = (issue_number: number, labels: string[]) => argsFor(addLabels, { ...widgets, issue_number, labels });

  it('previews the labels to add next to the current ones', async () => {
    expect(await addLabels.preview!(args(7, ['triage', 'p1']), bed.github, ctx)).toEqual([
      { label: 'Issue', value: '#7 Widget API returns 500 on empty cart' },
      { label: 'Labels to add', value: 'triage, p1' },
      { label: 'Current labels', value: 'bug' },
    ]);
    expect(addLabels.describe(args(7, ['triage', 'p1']))).toBe('add labels triage, p1 to #7 in acme/widgets');
    expect(addLabels.describe(args(7, ['p1']))).toBe('add label p1 to #7 in acme/widgets');
  });

  it('adds labels to an issue and to a pull request', async () => {
    const { data, text } = await addLabels.run(args(7, ['triage', 'p1']), bed.github, ctx);
    expect(data).toEqual({ number: 7, url: 'https://github.com/acme/widgets/issues/7', added: ['triage', 'p1'], labels: ['bug', 'triage', 'p1'] });
    expect(text).toBe(
      'Added triage, p1 to <https://github.com/acme/widgets/issues/7|#7 Widget API returns 500 on empty cart> in *acme/widgets* (labels now: bug, triage, p1)',
    );
    await addLabels.run(args(2, ['flaky']), bed.github, ctx);
    expect(bed.fake.labelsAdded).toEqual([
      { owner: 'acme', repo: 'widgets', number: 7, labels: ['triage', 'p1'], token: TOKEN },
      { owner: 'acme', repo: 'widgets', number: 2, labels: ['flaky'], token: TOKEN },
    ]);
    const { data: pr } = await bed.github.rest.pulls.get({ ...widgets, pull_number: 2 });
    expect(pr.labels.map((l) => l.name)).toEqual(['tests', 'flaky']);
  });
});

describe('github_close_issue', () => {
  const args = (issue_number: number, extra: Record<string, unknown> = {}) => argsFor(closeIssue, { ...widgets, issue_number, ...extra });

  it('is high risk and previews the issue, the reason and the closing comment', async () => {
    expect(closeIssue).toMatchObject({ risk: 'high', readOnly: false, scopes: ['issues:write'] });
    expect(await closeIssue.preview!(args(7, { reason: 'not_planned', comment: 'Duplicate of #3' }), bed.github, ctx)).toEqual([
      { label: 'Issue', value: '#7 Widget API returns 500 on empty cart' },
      { label: 'Opened by', value: 'bob-gh' },
      { label: 'Close as', value: 'not planned' },
      { label: 'Closing comment', value: 'Duplicate of #3' },
      { label: 'Discussion', value: '2 comments · labels: bug' },
    ]);
    expect(asMap(await closeIssue.preview!(args(1), bed.github, ctx)).Note).toBe(
      '#1 in acme/widgets is a pull request, not an issue; I only close issues. Nothing was changed.',
    );
    expect(closeIssue.describe(args(7))).toBe('close issue #7 in acme/widgets as completed');
    expect(closeIssue.describe(args(7, { reason: 'not_planned', comment: 'x' }))).toBe('close issue #7 in acme/widgets as not planned with a comment');
  });

  it('closes with the reason, then comments', async () => {
    const { data, text } = await closeIssue.run(args(7, { reason: 'not_planned', comment: 'Duplicate of #3' }), bed.github, ctx);
    expect(bed.fake.closedIssues).toEqual([{ owner: 'acme', repo: 'widgets', number: 7, stateReason: 'not_planned', token: TOKEN }]);
    expect(bed.fake.comments.map((c) => [c.number, c.body])).toEqual([[7, 'Duplicate of #3']]);
    expect(writes(bed.fake).map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /repos/acme/widgets/issues/7', 'POST /repos/acme/widgets/issues/7/comments']);
    expect(writes(bed.fake)[0]?.body).toEqual({ state: 'closed', state_reason: 'not_planned' });
    expect(data).toMatchObject({ closed: true, reason: 'not_planned', comment_url: expect.stringContaining('#issuecomment-') });
    expect(text).toMatch(
      /^Closed <https:\/\/github\.com\/acme\/widgets\/issues\/7\|#7 Widget API returns 500 on empty cart> in \*acme\/widgets\* as not planned with <.*\|a comment>$/,
    );
    const { data: issue } = await bed.github.rest.issues.get({ ...widgets, issue_number: 7 });
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
  });

  it('refuses a pull request or an issue that is already closed, without writing', async () => {
    const pull = await rejection(closeIssue.run(args(1), bed.github, ctx));
    expect(pull).toMatchObject({
      code: 'bad_request',
      userMessage: '#1 in acme/widgets is a pull request, not an issue; I only close issues. Nothing was changed.',
    });
    const closed = await rejection(closeIssue.run(args(10), bed.github, ctx));
    expect(closed).toMatchObject({ code: 'bad_request', userMessage: 'Issue #10 in acme/widgets is already closed; nothing was changed.' });
    expect(writes(bed.fake)).toHaveLength(0);
  });

  it('reports a closing comment GitHub refused after the issue was closed', async () => {
    bed.fake.once('POST /repos/acme/widgets/issues/7/comments', { status: 500, body: { message: 'boom' } });
    const { data, text } = await closeIssue.run(args(7, { comment: 'Fixed in #1' }), bed.github, ctx);
    expect(bed.fake.closedIssues).toHaveLength(1);
    expect(data).toMatchObject({ closed: true, comment_url: undefined, comment_error: 'GitHub refused the closing comment (status 500)' });
    expect(text.split('\n')[1]).toBe('The issue is closed, but GitHub refused the closing comment (status 500); the comment was not posted.');
  });
});
