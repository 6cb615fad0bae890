import { describe, expect, it } from 'vitest';
import { collectPages } from '../../../src/integrations/github/paginate.js';
import { describeChecks, describeReviewers, describeReviews, reviewStatus, tallyChecks } from '../../../src/integrations/github/pull-status.js';
import { code, linkTo, quoteUntrusted, shown, unformat } from '../../../src/integrations/github/text.js';
import { runsPageOf } from '../../../src/integrations/github/workflow-tools.js';

const run = (name: string, status: 'completed' | 'in_progress' | 'queued', conclusion: string | null = null) => ({ name, status, conclusion }) as never;

describe('check runs', () => {
  it('counts outcomes and names failures, at most three in words', () => {
    const t = tallyChecks([
      run('build', 'completed', 'success'),
      run('lint', 'completed', 'failure'),
      run('e2e', 'completed', 'timed_out'),
      run('types', 'completed', 'cancelled'),
      run('audit', 'completed', 'action_required'),
      run('deploy preview', 'in_progress'),
      run('docs', 'completed', 'skipped'),
    ]);
    expect(t).toEqual({ total: 7, passed: 1, failed: 4, pending: 1, skipped: 1, failing: ['lint', 'e2e', 'types', 'audit'] });
    expect(describeChecks(t)).toBe('1 passed, 4 failed (lint, e2e, types, …), 1 pending, 1 skipped');
    expect(describeChecks(tallyChecks([]))).toBe('no checks');
  });
});

describe('reviews', () => {
  it('counts each reviewer’s latest verdict; comments do not change it, a dismissal does', () => {
    const s = reviewStatus(
      [
        { user: { login: 'a' }, state: 'CHANGES_REQUESTED' },
        { user: { login: 'a' }, state: 'APPROVED' },
        { user: { login: 'b' }, state: 'APPROVED' },
        { user: { login: 'b' }, state: 'COMMENTED' },
        { user: { login: 'c' }, state: 'APPROVED' },
        { user: { login: 'c' }, state: 'DISMISSED' },
        { user: { login: 'd' }, state: 'CHANGES_REQUESTED' },
        { user: null, state: 'APPROVED' },
      ] as never,
      ['e'],
    );
    expect(s).toEqual({ approved_by: ['a', 'b'], changes_requested_by: ['d'], requested_reviewers: ['e'] });
    expect(describeReviews(s)).toBe('2 approvals, 1 requesting changes');
    expect(describeReviewers(s)).toBe('approved by a, b; changes requested by d; waiting on e');
    expect(describeReviewers(reviewStatus([]))).toBe('no reviews yet');
    expect(describeReviews(reviewStatus([]))).toBe('no approvals');
  });
});

describe('untrusted text in Slack', () => {
  it('cannot ping, format or break out of code, yet keeps snake_case', () => {
    expect(shown('<!channel> *bold* _it_ ~s~ `c` snake_case & co')).toBe('&lt;!channel&gt; ∗bold∗ ＿it＿ ∼s∼ ˋcˋ snake_case &amp; co');
    expect(unformat('_lead and trail_')).toBe('＿lead and trail＿');
    expect(code('feat/`rm`')).toBe('`feat/ˋrmˋ`');
    expect(linkTo('https://x.test/1', '#1 *hi* <!here>|x')).toBe('<https://x.test/1|#1 ∗hi∗ &lt;!here&gt;¦x>');
    expect(shown('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('quotes every line of a body, escaped and clipped', () => {
    expect(quoteUntrusted('hi <!channel>\n> fake bot line', 100)).toBe('> hi &lt;!channel&gt;\n> &gt; fake bot line');
    expect(quoteUntrusted('  \n ', 100)).toBe('_No description._');
  });
});

describe('bounded pagination', () => {
  const pages = (sizes: number[], next = true) =>
    (async function* () {
      let n = 0;
      for (const [i, size] of sizes.entries()) {
        const last = i === sizes.length - 1;
        yield { data: Array.from({ length: size }, () => n++), headers: { link: last && !next ? undefined : '<x?page=2>; rel="next"' } };
      }
    })();

  it('stops at the limit, keeping only what passes the filter', async () => {
    await expect(collectPages(pages([5, 5, 5]), { limit: 4, keep: (x) => x % 2 === 0 })).resolves.toEqual({ items: [0, 2, 4, 6], complete: true });
  });

  it('stops at the page budget and says whether more pages were left', async () => {
    await expect(collectPages(pages([3, 3, 3]), { limit: 100, maxPages: 2 })).resolves.toEqual({ items: [0, 1, 2, 3, 4, 5], complete: false });
    await expect(collectPages(pages([3, 3], false), { limit: 100, maxPages: 2 })).resolves.toEqual({ items: [0, 1, 2, 3, 4, 5], complete: true });
    await expect(collectPages(pages([3], false), { limit: 100 })).resolves.toEqual({ items: [0, 1, 2], complete: true });
  });
});

describe('a workflow’s runs page', () => {
  it('is derived from the workflow file’s web address', () => {
    expect(runsPageOf({ html_url: 'https://github.com/acme/widgets/blob/main/.github/workflows/deploy.yml', path: '.github/workflows/deploy.yml' })).toBe(
      'https://github.com/acme/widgets/actions/workflows/deploy.yml',
    );
    expect(runsPageOf({ html_url: 'https://ghe.example/acme/w', path: '.github/workflows/x.yml' })).toBe('https://ghe.example/acme/w');
  });
});
