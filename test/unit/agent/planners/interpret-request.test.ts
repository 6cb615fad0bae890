import { describe, expect, it } from 'vitest';
import { emptyMemory, findRepo, type Interpretation, interpretRequest } from '../../../../src/agent/planners/interpret-request.js';

const list = (owner: string, repo: string, state: 'open' | 'closed' | 'all' = 'open'): Interpretation => ({
  kind: 'tool',
  name: 'github_list_pull_requests',
  args: { owner, repo, state },
});
const get = (owner: string, repo: string, pull_number: number): Interpretation => ({
  kind: 'tool',
  name: 'github_get_pull_request',
  args: { owner, repo, pull_number },
});
const myRepos: Interpretation = { kind: 'tool', name: 'github_list_my_repositories', args: {} };

describe('interpretRequest: plain-English requests', () => {
  const phrasings: Array<[string, Interpretation]> = [
    // listing pull requests
    ['list open pull requests in acme/widgets', list('acme', 'widgets')],
    ['what PRs are open on acme/api?', list('acme', 'api')],
    ['Can you list the pull requests for acme/widgets?', list('acme', 'widgets')],
    ['What pull requests does acme/api have open', list('acme', 'api')],
    ['show me the open PRs in acme/api, please', list('acme', 'api')],
    ['list PRs in acme/api.', list('acme', 'api')],
    ['list pulls for acme/api', list('acme', 'api')],
    ['list pull-requests in acme/api', list('acme', 'api')],
    ['list merge requests in acme/api', list('acme', 'api')],
    ['PRs in (acme/api)', list('acme', 'api')],
    ['PRs in `acme/api`', list('acme', 'api')],
    ['list PRs in Acme-Corp/Web_App', list('Acme-Corp', 'Web_App')],
    ['list PRs in acme/my.repo', list('acme', 'my.repo')],
    ['list open PRs at https://github.com/acme/api', list('acme', 'api')],
    ['github.com/acme/api PRs', list('acme', 'api')],
    ['list PRs in acme/api from 2024', list('acme', 'api')],
    // pull request state
    ['closed PRs in acme/api', list('acme', 'api', 'closed')],
    ['merged PRs in acme/api', list('acme', 'api', 'closed')],
    ['list pull requests in acme/api that are closed', list('acme', 'api', 'closed')],
    ['list all PRs in acme/api', list('acme', 'api', 'all')],
    ['show every pull request in acme/api', list('acme', 'api', 'all')],
    // one pull request
    ['show me PR #42 in acme/api', get('acme', 'api', 42)],
    ['show PR#42 in acme/api', get('acme', 'api', 42)],
    ['show PR 5 of acme/api', get('acme', 'api', 5)],
    ['pull request 15 in acme/api', get('acme', 'api', 15)],
    ['acme/api#7', get('acme', 'api', 7)],
    ['is acme/api#12 merged?', get('acme', 'api', 12)],
    ['https://github.com/acme/api/pull/9', get('acme', 'api', 9)],
    ['what changed in https://github.com/acme/api/pull/9/files ?', get('acme', 'api', 9)],
    // repositories
    ['list my repos', myRepos],
    ['which repositories do I have', myRepos],
    ['what projects do I have', myRepos],
    ['show my repositories', myRepos],
  ];

  it.each(phrasings)('reads %j', (text, expected) => {
    expect(interpretRequest(text)).toEqual(expected);
  });
});

describe('interpretRequest: follow-ups and missing information', () => {
  const acmeApi = { ...emptyMemory(), repo: { owner: 'acme', repo: 'api' } };

  it('reads "show #3" as pull request 3 of the repository the thread is about', () => {
    expect(interpretRequest('show #3', acmeApi)).toEqual(get('acme', 'api', 3));
  });

  it('reads "and the closed PRs?" as closed pull requests of the thread repository', () => {
    expect(interpretRequest('and the closed PRs?', acmeApi)).toEqual(list('acme', 'api', 'closed'));
  });

  it('prefers a repository named in the request over the one the thread was about', () => {
    expect(interpretRequest('show PR 8 in acme/web', acmeApi)).toEqual(get('acme', 'web', 8));
  });

  it('asks which repository when a pull request number comes without one, quoting the number', () => {
    const reading = interpretRequest('show PR #12');
    expect(reading.kind).toBe('ask');
    expect(reading.kind === 'ask' && reading.text).toMatch(/Which repository.*#12/);
  });

  it('asks which repository when pull requests are asked for without one, with an example', () => {
    const reading = interpretRequest('list open PRs');
    expect(reading).toEqual({ kind: 'ask', text: expect.stringMatching(/Which repository.*acme\/api/) });
  });

  it.each(['hello', 'what is the weather in Paris?', 'acme/api', 'show #3', 'delete everything'])(
    'does not guess at %j without context (no tool is called)',
    (text) => {
      expect(interpretRequest(text).kind).not.toBe('tool');
    },
  );
});

describe('findRepo', () => {
  it.each([
    ['acme/api', { owner: 'acme', repo: 'api' }],
    ['in acme/api.', { owner: 'acme', repo: 'api' }],
    ['see acme/api#77', { owner: 'acme', repo: 'api', number: 77 }],
    ['https://github.com/acme/api/pull/9', { owner: 'acme', repo: 'api', number: 9 }],
    ['https://github.com/acme/api/tree/main', { owner: 'acme', repo: 'api' }],
  ])('finds the repository in %j', (text, expected) => {
    expect(findRepo(text)).toEqual(expected);
  });

  it.each(['hello there', 'no repo here, just a slash /', 'a path like ./src/index.ts'])('finds no repository in %j', (text) => {
    expect(findRepo(text)).toBeUndefined();
  });
});
