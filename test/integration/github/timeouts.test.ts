import { describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/integrations/github/client.js';
import { createIssue } from '../../../src/integrations/github/issue-write-tools.js';
import { listPullRequests } from '../../../src/integrations/github/tools.js';
import { argsFor, ctx, rejection, TOKEN, useGitHub } from './support.js';

/** A GitHub that takes 1.5 s to answer, against a client that waits 200 ms per request. */
const SLOW = { status: 200, delayMs: 1500, body: [] };

describe('a slow GitHub (each request bounded by a deadline octokit itself does not enforce)', () => {
  const bed = useGitHub();

  it('a read that times out is retried twice, then the person is told GitHub did not answer', { timeout: 20_000 }, async () => {
    const pulls = () => bed.fake.requests.filter((r) => r.path === '/repos/acme/widgets/pulls').length;
    for (let i = 0; i < 3; i++) bed.fake.once((r) => r.path === '/repos/acme/widgets/pulls', SLOW);
    const github = createGitHubClient(TOKEN, bed.fake.url, { timeoutMs: 200 });
    const err = await rejection(listPullRequests.run(argsFor(listPullRequests, { owner: 'acme', repo: 'widgets' }), github, ctx));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.userMessage).toMatch(/did not answer in time/);
    expect(pulls()).toBe(3);
  });

  it('a write that times out is sent once, and the person is told it may or may not have happened', { timeout: 20_000 }, async () => {
    const posts = () => bed.fake.requests.filter((r) => r.method === 'POST' && r.path === '/repos/acme/widgets/issues').length;
    bed.fake.once((r) => r.method === 'POST' && r.path === '/repos/acme/widgets/issues', { ...SLOW, status: 201, body: {} });
    const github = createGitHubClient(TOKEN, bed.fake.url, { timeoutMs: 200 });
    const err = await rejection(createIssue.run(argsFor(createIssue, { owner: 'acme', repo: 'widgets', title: 'Flaky deploy' }), github, ctx));
    expect(err.userMessage).not.toMatch(/Nothing was changed/);
    expect(posts()).toBe(1);
  });
});
