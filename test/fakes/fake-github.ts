/**
 * Fake GitHub REST v3: the subset AgentHub's GitHub tools use through octokit 5
 * (`new Octokit({ auth, baseUrl: fake.url, retry: { enabled: false }, throttle: { enabled: false } })`).
 *
 * Tokens must be registered (`acceptToken`), so a test proves which Token Vault token reached
 * GitHub: every request records the token it carried. Pagination emits a real `Link` header,
 * because `octokit.paginate` follows `rel="next"` URLs verbatim.
 *
 * Reads: user, repositories, pull requests (+ files, reviews, merge status), branches, compare,
 * check runs, issues. Writes: merging a pull request (`PUT …/pulls/{n}/merge`) and deleting a
 * branch (`DELETE …/git/refs/heads/{branch}`); each success is recorded in `merges` /
 * `deletedBranches` with the token that did it, so tests count executions there.
 *
 * Git model: every branch holds its whole history (oldest first); a new branch starts from its
 * base's history, so "commits not in the default branch" are real set differences. An open
 * pull request's head sha is its head branch's tip, so pushing to the branch (`pushToPull`)
 * changes it, as on GitHub. Branch protection is only a flag: the fake does not enforce
 * protection rules on merge (inject one with `once()` when a test needs GitHub to refuse).
 */
import { asRecord, FakeHttpServer, json, type RecordedRequest, type Reply, tokenFromAuthorization } from './http-recorder.js';

export interface GitHubRequest extends RecordedRequest {
  /** Token from `Authorization: token X` / `Bearer X`, if any. */
  token: string | undefined;
  /** Login the token belongs to, when it was accepted. */
  login: string | undefined;
}

export interface RepoSeed {
  owner: string;
  name: string;
  private?: boolean;
  defaultBranch?: string;
  /** Whether the default branch is protected (default false). */
  defaultBranchProtected?: boolean;
  description?: string;
  /**
   * Logins that see the repo in /user/repos, may read it when private and may write to it.
   * Omitted: every accepted user.
   */
  members?: string[];
}

export interface FileSeed {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions?: number;
  deletions?: number;
  patch?: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewSeed {
  /** Reviewer login. */
  user: string;
  state: ReviewState;
  body?: string;
  submittedAt?: string;
}

export interface PullSeed {
  number?: number;
  title: string;
  author: string;
  body?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  /** Head branch; created from `base` with one commit (the title, by the author) unless it exists or the PR is seeded merged. */
  head?: string;
  base?: string;
  files?: FileSeed[];
  reviews?: ReviewSeed[];
  createdAt?: string;
  updatedAt?: string;
}

export interface CommitSeed {
  /** 40 hex characters; generated when omitted. */
  sha?: string;
  message: string;
  /** Author login (also used as the git author name). */
  author: string;
  date?: string;
}

export interface BranchSeed {
  name: string;
  protected?: boolean;
  /** Commits on top of `from`'s history, oldest first. */
  commits?: CommitSeed[];
  /** Branch it starts from; the default branch when omitted. */
  from?: string;
}

export interface CheckRunSeed {
  name: string;
  status?: 'queued' | 'in_progress' | 'completed';
  /** Required for completed runs (default 'success'); null while queued / in progress. */
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
}

export interface IssueSeed {
  number?: number;
  title: string;
  body?: string | null;
  author: string;
  state?: 'open' | 'closed';
  labels?: string[];
  comments?: number;
  createdAt?: string;
}

export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** One successful `PUT …/pulls/{n}/merge`. */
export interface MergeRecord {
  owner: string;
  repo: string;
  number: number;
  method: MergeMethod;
  token: string | undefined;
  /** Sha of the commit the merge produced on the base branch. */
  sha: string;
}

/** One successful `DELETE …/git/refs/heads/{branch}`. */
export interface DeletedBranchRecord {
  owner: string;
  repo: string;
  branch: string;
  token: string | undefined;
  /** Tip of the branch when it was deleted. */
  sha: string;
}

interface Commit {
  sha: string;
  message: string;
  author: string;
  date: string;
}

interface Branch {
  name: string;
  protected: boolean;
  /** Whole history, oldest first; the last one is the tip. */
  commits: Commit[];
}

interface CheckRun {
  id: number;
  name: string;
  status: NonNullable<CheckRunSeed['status']>;
  conclusion: CheckRunSeed['conclusion'] | null;
}

interface Repo extends Required<Omit<RepoSeed, 'members' | 'description' | 'defaultBranchProtected'>> {
  id: number;
  description: string | null;
  members: string[] | undefined;
  pulls: Pull[];
  issues: Issue[];
  branches: Map<string, Branch>;
  /** Seeded check runs by ref as given (a branch name or a sha). */
  checks: Map<string, CheckRun[]>;
  createdAt: string;
}

interface PullFile {
  filename: string;
  status: NonNullable<FileSeed['status']>;
  additions: number;
  deletions: number;
  patch?: string;
}

interface Review {
  id: number;
  user: string;
  state: ReviewState;
  body: string;
  submittedAt: string;
  commitId: string;
}

interface Pull {
  number: number;
  id: number;
  title: string;
  author: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  head: string;
  base: string;
  /** Head sha when the head branch is gone or the PR is closed (an open PR follows its branch). */
  headSha: string;
  files: PullFile[];
  reviews: Review[];
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}

interface Issue {
  number: number;
  id: number;
  title: string;
  body: string | null;
  author: string;
  state: 'open' | 'closed';
  labels: string[];
  comments: number;
  createdAt: string;
}

const WEB = 'https://github.com';
const userId = (login: string) => 1000 + [...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7);
const MERGE_METHODS: readonly string[] = ['merge', 'squash', 'rebase'];
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class FakeGitHub extends FakeHttpServer<GitHubRequest> {
  /** Every successful merge, in order, with the token that did it. */
  readonly merges: MergeRecord[] = [];
  /** Every successful branch deletion, in order, with the token that did it. */
  readonly deletedBranches: DeletedBranchRecord[] = [];
  private readonly tokens = new Map<string, string>();
  private readonly repos = new Map<string, Repo>();
  private nextId = 1;
  /** Separate counter for commits, check runs and reviews, so repo and PR ids stay as they were. */
  private nextObject = 1;

  /** Starts listening; returns the base URL to pass as octokit's `baseUrl`. */
  async start(): Promise<string> {
    return this.listen();
  }

  /** Makes `token` valid for `login` (any format; `ghu_CANARY_…` from the Auth0 fake works). */
  acceptToken(token: string, login: string): this {
    this.tokens.set(token, login);
    return this;
  }

  /** Makes a token invalid again (→ 401), e.g. to simulate a revoked GitHub grant. */
  revokeToken(token: string): this {
    this.tokens.delete(token);
    return this;
  }

  /** Adds a repository; its default branch exists with one "Initial commit" by the owner. */
  addRepo(seed: RepoSeed): this {
    const createdAt = '2024-01-02T03:04:05Z';
    const defaultBranch = seed.defaultBranch ?? 'main';
    const initial = this.commit({ message: 'Initial commit', author: seed.owner, date: createdAt }, `${seed.owner}/${seed.name}`);
    this.repos.set(key(seed.owner, seed.name), {
      owner: seed.owner,
      name: seed.name,
      private: seed.private ?? false,
      defaultBranch,
      description: seed.description ?? null,
      members: seed.members,
      id: this.nextId++,
      pulls: [],
      issues: [],
      branches: new Map([[defaultBranch, { name: defaultBranch, protected: seed.defaultBranchProtected ?? false, commits: [initial] }]]),
      checks: new Map(),
      createdAt,
    });
    return this;
  }

  /** Adds a branch starting from `from` (default branch by default) plus `commits`; returns its tip sha. */
  addBranch(owner: string, repo: string, seed: BranchSeed): string {
    const r = this.repoOrThrow('addBranch', owner, repo);
    if (r.branches.has(seed.name)) throw new Error(`addBranch: ${seed.name} already exists in ${owner}/${repo}; use pushCommits`);
    const from = r.branches.get(seed.from ?? r.defaultBranch);
    if (!from) throw new Error(`addBranch: no branch ${seed.from} in ${owner}/${repo}`);
    const commits = [...from.commits, ...(seed.commits ?? []).map((c) => this.commit(c, `${owner}/${repo}`))];
    r.branches.set(seed.name, { name: seed.name, protected: seed.protected ?? false, commits });
    return commits.at(-1)!.sha;
  }

  /** Appends commits to a branch (a push); returns the new tip sha. */
  pushCommits(owner: string, repo: string, branch: string, commits: CommitSeed[]): string {
    const r = this.repoOrThrow('pushCommits', owner, repo);
    const b = r.branches.get(branch);
    if (!b) throw new Error(`pushCommits: no branch ${branch} in ${owner}/${repo}`);
    b.commits.push(...commits.map((c) => this.commit(c, `${owner}/${repo}`)));
    const updatedAt = isoSeconds(Date.now());
    for (const p of r.pulls) if (p.state === 'open' && p.head === branch) p.updatedAt = updatedAt;
    return b.commits.at(-1)!.sha;
  }

  /** Pushes one commit to an open pull request's head branch, so its head sha changes; returns the new sha. */
  pushToPull(owner: string, repo: string, number: number, commit?: Partial<CommitSeed>): string {
    const r = this.repoOrThrow('pushToPull', owner, repo);
    const p = r.pulls.find((x) => x.number === number);
    if (!p) throw new Error(`pushToPull: no pull request #${number} in ${owner}/${repo}`);
    if (p.state !== 'open') throw new Error(`pushToPull: #${number} in ${owner}/${repo} is not open`);
    if (!r.branches.has(p.head)) r.branches.set(p.head, { name: p.head, protected: false, commits: [...this.branchOf(r, p.base).commits] });
    return this.pushCommits(owner, repo, p.head, [{ ...commit, message: commit?.message ?? 'Push more changes', author: commit?.author ?? p.author }]);
  }

  /** Seeds the check runs GitHub reports for `ref`: a branch name (follows its tip) or a commit sha. */
  setChecks(owner: string, repo: string, ref: string, runs: CheckRunSeed[]): this {
    const r = this.repoOrThrow('setChecks', owner, repo);
    r.checks.set(
      ref,
      runs.map((c) => {
        const status = c.status ?? 'completed';
        return { id: this.nextObject++, name: c.name, status, conclusion: status === 'completed' ? (c.conclusion ?? 'success') : null };
      }),
    );
    return this;
  }

  /** Adds a PR (number defaults to the next free issue/PR number) and returns its number. */
  addPull(owner: string, repo: string, seed: PullSeed): number {
    const r = this.repoOrThrow('addPull', owner, repo);
    const number = this.claimNumber(r, seed.number, 'addPull');
    const createdAt = seed.createdAt ?? isoSeconds(Date.UTC(2025, 0, 1) + number * 3_600_000);
    const head = seed.head ?? `feature/pr-${number}`;
    const base = seed.base ?? r.defaultBranch;
    const merged = seed.merged ?? false;
    if (!r.branches.has(base)) throw new Error(`addPull: no base branch ${base} in ${owner}/${repo}`);
    // A merged PR's head branch is usually deleted afterwards; any other PR needs its branch.
    if (!r.branches.has(head) && !merged)
      this.addBranch(owner, repo, { name: head, from: base, commits: [{ message: seed.title, author: seed.author, date: createdAt }] });
    const headSha = r.branches.get(head)?.commits.at(-1)?.sha ?? sha(`${owner}/${repo}:${head}:${number}`);
    const state = merged ? 'closed' : (seed.state ?? 'open');
    const updatedAt = seed.updatedAt ?? createdAt;
    r.pulls.push({
      number,
      id: this.nextId++,
      title: seed.title,
      author: seed.author,
      body: seed.body ?? null,
      state,
      merged,
      draft: seed.draft ?? false,
      head,
      base,
      headSha,
      files: (seed.files ?? []).map((f) => ({
        filename: f.filename,
        status: f.status ?? 'modified',
        additions: f.additions ?? 0,
        deletions: f.deletions ?? 0,
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
      })),
      reviews: (seed.reviews ?? []).map((rv) => ({
        id: this.nextObject++,
        user: rv.user,
        state: rv.state,
        body: rv.body ?? '',
        submittedAt: rv.submittedAt ?? updatedAt,
        commitId: headSha,
      })),
      createdAt,
      updatedAt,
      mergedAt: merged ? updatedAt : null,
      mergeCommitSha: merged ? sha(`${owner}/${repo}:merge:${number}`) : null,
    });
    return number;
  }

  /** Adds an issue (numbers are shared with pull requests, as on GitHub) and returns its number. */
  addIssue(owner: string, repo: string, seed: IssueSeed): number {
    const r = this.repoOrThrow('addIssue', owner, repo);
    const number = this.claimNumber(r, seed.number, 'addIssue');
    r.issues.push({
      number,
      id: this.nextId++,
      title: seed.title,
      body: seed.body ?? null,
      author: seed.author,
      state: seed.state ?? 'open',
      labels: seed.labels ?? [],
      comments: seed.comments ?? 0,
      createdAt: seed.createdAt ?? isoSeconds(Date.UTC(2025, 1, 1) + number * 3_600_000),
    });
    return number;
  }

  /**
   * Demo data: acme/widgets (private, members include `login`, default branch `main` protected)
   * with PRs #1–#3 open and #4 closed (merged), plus `${login}/dotfiles`, `${login}/notes`
   * (private) and acme/gadgets (public). In acme/widgets: PR #1's head `feature/rate-limit` has
   * two commits, one passing check run and an approval; PR #2's check run fails; branch
   * `stale/experiment` has one commit not in `main`; issue #7 is an ordinary bug report.
   */
  seedDemo(login = 'octo-dev'): {
    owner: string;
    repo: string;
    openPulls: number[];
    closedPulls: number[];
    defaultBranch: string;
    branches: string[];
    staleBranch: string;
    issues: number[];
  } {
    this.addRepo({
      owner: 'acme',
      name: 'widgets',
      private: true,
      description: 'Widgets service',
      members: [login, 'alice-gh', 'bob-gh'],
      defaultBranchProtected: true,
    });
    this.addRepo({ owner: 'acme', name: 'gadgets', description: 'Public gadgets library' });
    this.addRepo({ owner: login, name: 'dotfiles', defaultBranch: 'master', members: [login] });
    this.addRepo({ owner: login, name: 'notes', private: true, members: [login] });
    this.addBranch('acme', 'widgets', {
      name: 'feature/rate-limit',
      commits: [
        { message: 'Add token bucket rate limiter', author: 'alice-gh', date: '2025-01-01T09:00:00Z' },
        { message: 'Return 429 with Retry-After from the widget API', author: 'alice-gh', date: '2025-01-01T10:30:00Z' },
      ],
    });
    this.addBranch('acme', 'widgets', {
      name: 'stale/experiment',
      commits: [{ message: 'Try a different cache layout', author: 'bob-gh', date: '2024-06-12T15:20:00Z' }],
    });
    const src = (n: number) => ({ filename: `src/widget-${n}.ts`, additions: 10 * n, deletions: n });
    this.addPull('acme', 'widgets', {
      title: 'Add rate limiting to widget API',
      author: 'alice-gh',
      head: 'feature/rate-limit',
      files: [src(1), { filename: 'README.md', additions: 3, deletions: 0 }],
      reviews: [{ user: 'bob-gh', state: 'APPROVED', body: 'Looks good' }],
    });
    this.addPull('acme', 'widgets', {
      title: 'Fix flaky checkout test',
      author: 'bob-gh',
      draft: true,
      files: [{ filename: 'test/checkout.test.ts', additions: 4, deletions: 9 }],
    });
    this.addPull('acme', 'widgets', {
      title: 'Bump typescript to 5.9',
      author: login,
      files: [{ filename: 'package.json', additions: 1, deletions: 1 }, src(3)],
    });
    this.addPull('acme', 'widgets', {
      title: 'Remove legacy v1 endpoints',
      author: 'alice-gh',
      state: 'closed',
      merged: true,
      files: [{ filename: 'src/v1.ts', status: 'removed', additions: 0, deletions: 120 }],
    });
    this.setChecks('acme', 'widgets', 'feature/rate-limit', [{ name: 'ci / test', conclusion: 'success' }]);
    this.setChecks('acme', 'widgets', 'feature/pr-2', [{ name: 'ci / test', conclusion: 'failure' }]);
    this.addIssue('acme', 'widgets', {
      number: 7,
      title: 'Widget API returns 500 on empty cart',
      body: 'Steps to reproduce:\n1. Create a cart\n2. Call GET /api/widgets/cart/total without adding items\n\nExpected: total 0. Actual: HTTP 500.',
      author: 'bob-gh',
      labels: ['bug'],
      comments: 2,
    });
    return {
      owner: 'acme',
      repo: 'widgets',
      openPulls: [1, 2, 3],
      closedPulls: [4],
      defaultBranch: 'main',
      branches: ['main', 'feature/rate-limit', 'stale/experiment', 'feature/pr-2', 'feature/pr-3'],
      staleBranch: 'stale/experiment',
      issues: [7],
    };
  }

  /** Requests that carried `token`. */
  requestsWithToken(token: string): GitHubRequest[] {
    return this.requests.filter((r) => r.token === token);
  }

  /** Current tip of a branch (undefined when it does not exist). */
  branchSha(owner: string, repo: string, branch: string): string | undefined {
    return this.repos.get(key(owner, repo))?.branches.get(branch)?.commits.at(-1)?.sha;
  }

  /** Current head sha of a pull request. */
  pullHeadSha(owner: string, repo: string, number: number): string | undefined {
    const r = this.repos.get(key(owner, repo));
    const p = r?.pulls.find((x) => x.number === number);
    return r && p ? this.headShaOf(r, p) : undefined;
  }

  /** Turns branch protection on for an existing branch, as an admin would in GitHub's settings. */
  protectBranch(owner: string, repo: string, name: string): this {
    const b = this.repoOrThrow('protectBranch', owner, repo).branches.get(name);
    if (!b) throw new Error(`protectBranch: no branch ${name} in ${owner}/${repo}`);
    b.protected = true;
    return this;
  }

  protected overrideKey(r: GitHubRequest): string {
    return `${r.method} ${r.path}`;
  }

  protected override describe(r: GitHubRequest): string {
    return `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''} token=${r.token ?? '-'} → ${r.status}`;
  }

  protected enrich(base: RecordedRequest): GitHubRequest {
    const token = tokenFromAuthorization(base.authorization);
    return { ...base, token, login: token === undefined ? undefined : this.tokens.get(token) };
  }

  protected handle(r: GitHubRequest): Reply {
    if (!r.login) return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const login = r.login;
    const get = r.method === 'GET';
    // Split before decoding, so `feature%2Fx` stays one segment; rest() rejoins raw-slash forms.
    const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);
    const rest = (from: number) => parts.slice(from).join('/');

    if (get && r.path === '/user') return json(200, this.userJson(login, true));
    if (get && r.path === '/user/repos') {
      const vis = r.query.visibility ?? 'all';
      const list = [...this.repos.values()]
        .filter((repo) => canSee(repo, login))
        .filter((repo) => vis === 'all' || (vis === 'private') === repo.private)
        .sort((a, b) => a.id - b.id);
      return this.page(r, list, (repo) => this.repoJson(repo));
    }
    if (parts[0] !== 'repos' || parts.length < 3) return notFound();
    const repo = this.repos.get(key(parts[1]!, parts[2]!));
    // GitHub answers 404, not 403, for private repos the caller cannot see.
    if (!repo || (repo.private && !canSee(repo, login))) return notFound();

    if (parts.length === 3) return get ? json(200, this.repoJson(repo)) : notFound();
    switch (parts[3]) {
      case 'pulls':
        return this.handlePulls(r, repo, parts);
      case 'branches':
        if (!get) return notFound();
        if (parts.length === 4) return this.page(r, [...repo.branches.values()], (b) => this.branchJson(repo, b, false));
        return this.branchReply(repo, rest(4));
      case 'compare':
        return get && parts.length > 4 ? this.compare(repo, rest(4)) : notFound();
      case 'commits':
        if (get && parts.length > 5 && parts.at(-1) === 'check-runs') return this.checkRuns(r, repo, parts.slice(4, -1).join('/'));
        return notFound();
      case 'git':
        if (r.method === 'DELETE' && parts[4] === 'refs' && parts.length > 5) return this.deleteRef(r, repo, rest(5));
        return notFound();
      case 'issues':
        return get ? this.handleIssues(r, repo, parts) : notFound();
      default:
        return notFound();
    }
  }

  private handlePulls(r: GitHubRequest, repo: Repo, parts: string[]): Reply {
    const get = r.method === 'GET';
    if (parts.length === 4) {
      if (!get) return notFound();
      const state = r.query.state ?? 'open';
      const dir = r.query.direction ?? 'desc';
      // `head` is `owner:branch` on GitHub.
      const head = r.query.head;
      const list = repo.pulls
        .filter((p) => state === 'all' || p.state === state)
        .filter((p) => !r.query.base || p.base === r.query.base)
        .filter((p) => !head || `${repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase())
        .sort((a, b) => (dir === 'asc' ? a.number - b.number : b.number - a.number));
      return this.page(r, list, (p) => this.pullJson(repo, p, false));
    }
    const pull = repo.pulls.find((p) => String(p.number) === parts[4]);
    if (!pull) return notFound();
    if (parts.length === 5) return get ? json(200, this.pullJson(repo, pull, true)) : notFound();
    if (parts.length !== 6) return notFound();
    if (get && parts[5] === 'files') {
      const headSha = this.headShaOf(repo, pull);
      return this.page(r, pull.files, (f) => ({
        sha: sha(`${repo.name}/${pull.number}/${f.filename}`),
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${WEB}/${repo.owner}/${repo.name}/blob/${headSha}/${f.filename}`,
        raw_url: `${WEB}/${repo.owner}/${repo.name}/raw/${headSha}/${f.filename}`,
        contents_url: `${this.url}/repos/${repo.owner}/${repo.name}/contents/${f.filename}?ref=${headSha}`,
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
      }));
    }
    if (get && parts[5] === 'reviews') return this.page(r, pull.reviews, (rv) => this.reviewJson(repo, pull, rv));
    if (parts[5] === 'merge') {
      // "Check if a pull request has been merged": 204 yes, 404 no.
      if (get) return pull.merged ? { status: 204 } : notFound();
      if (r.method === 'PUT') return this.merge(r, repo, pull);
    }
    return notFound();
  }

  private merge(r: GitHubRequest, repo: Repo, pull: Pull): Reply {
    const login = r.login!;
    if (!canWrite(repo, login))
      return json(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' });
    const body = asRecord(r.body);
    const method = body.merge_method ?? 'merge';
    if (typeof method !== 'string' || !MERGE_METHODS.includes(method)) {
      return json(422, {
        message: 'Invalid request.\n\nmerge_method must be one of: merge, squash, rebase.',
        documentation_url: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request',
        status: '422',
      });
    }
    if (pull.merged || pull.state !== 'open') return json(405, { message: 'Pull Request is not mergeable', documentation_url: MERGE_DOCS, status: '405' });
    if (pull.draft) return json(405, { message: 'Pull Request is still a draft', documentation_url: MERGE_DOCS, status: '405' });
    const headSha = this.headShaOf(repo, pull);
    if (body.sha !== undefined && body.sha !== headSha) {
      return json(409, { message: 'Head branch was modified. Review and try the merge again.', documentation_url: MERGE_DOCS, status: '409' });
    }
    const base = this.branchOf(repo, pull.base);
    const inBase = new Set(base.commits.map((c) => c.sha));
    const headCommits = (repo.branches.get(pull.head)?.commits ?? []).filter((c) => !inBase.has(c.sha));
    const full = `${repo.owner}/${repo.name}`;
    const title = typeof body.commit_title === 'string' && body.commit_title ? body.commit_title : undefined;
    const now = isoSeconds(Date.now());
    if (method === 'merge') {
      base.commits.push(
        ...headCommits,
        this.commit({ message: title ?? `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}`, author: login, date: now }, full),
      );
    } else if (method === 'squash') {
      base.commits.push(this.commit({ message: title ?? `${pull.title} (#${pull.number})`, author: login, date: now }, full));
    } else {
      base.commits.push(...headCommits.map((c) => this.commit({ message: c.message, author: c.author, date: now }, full)));
    }
    const mergeSha = base.commits.at(-1)!.sha;
    pull.headSha = headSha;
    pull.merged = true;
    pull.state = 'closed';
    pull.mergedAt = now;
    pull.updatedAt = now;
    pull.mergeCommitSha = mergeSha;
    this.merges.push({ owner: repo.owner, repo: repo.name, number: pull.number, method: method as MergeMethod, token: r.token, sha: mergeSha });
    return json(200, { sha: mergeSha, merged: true, message: 'Pull Request successfully merged' });
  }

  private deleteRef(r: GitHubRequest, repo: Repo, ref: string): Reply {
    if (!canWrite(repo, r.login!))
      return json(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' });
    const name = ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined;
    const branch = name === undefined ? undefined : repo.branches.get(name);
    if (!name || !branch) return json(422, { message: 'Reference does not exist', documentation_url: REFS_DOCS, status: '422' });
    if (name === repo.defaultBranch) return json(422, { message: 'Cannot delete the default branch', documentation_url: REFS_DOCS, status: '422' });
    if (branch.protected) return json(422, { message: 'Cannot delete this protected branch', documentation_url: REFS_DOCS, status: '422' });
    const tip = branch.commits.at(-1)!.sha;
    repo.branches.delete(name);
    // GitHub closes open pull requests whose head or base branch is deleted.
    const now = isoSeconds(Date.now());
    for (const p of repo.pulls) {
      if (p.state === 'open' && (p.head === name || p.base === name)) {
        p.headSha = p.head === name ? tip : this.headShaOf(repo, p);
        p.state = 'closed';
        p.updatedAt = now;
      }
    }
    this.deletedBranches.push({ owner: repo.owner, repo: repo.name, branch: name, token: r.token, sha: tip });
    return { status: 204 };
  }

  private handleIssues(r: GitHubRequest, repo: Repo, parts: string[]): Reply {
    if (parts.length === 4) {
      // GitHub lists pull requests among issues too.
      const state = r.query.state ?? 'open';
      const all = [
        ...repo.issues.map((i) => ({ n: i.number, json: () => this.issueJson(repo, i) })),
        ...repo.pulls.map((p) => ({ n: p.number, json: () => this.pullAsIssueJson(repo, p) })),
      ];
      const states = new Map([...repo.issues.map((i) => [i.number, i.state] as const), ...repo.pulls.map((p) => [p.number, p.state] as const)]);
      const list = all.filter((x) => state === 'all' || states.get(x.n) === state).sort((a, b) => b.n - a.n);
      return this.page(r, list, (x) => x.json());
    }
    if (parts.length !== 5) return notFound();
    const issue = repo.issues.find((i) => String(i.number) === parts[4]);
    if (issue) return json(200, this.issueJson(repo, issue));
    const pull = repo.pulls.find((p) => String(p.number) === parts[4]);
    return pull ? json(200, this.pullAsIssueJson(repo, pull)) : notFound();
  }

  private branchReply(repo: Repo, name: string): Reply {
    const b = repo.branches.get(name);
    return b
      ? json(200, this.branchJson(repo, b, true))
      : json(404, { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch', status: '404' });
  }

  /** `base...head`, each a branch name or a commit sha. */
  private compare(repo: Repo, basehead: string): Reply {
    const at = basehead.indexOf('...');
    if (at < 0) return notFound();
    const base = this.history(repo, basehead.slice(0, at));
    const head = this.history(repo, basehead.slice(at + 3));
    if (!base || !head) return notFound();
    const inBase = new Set(base.map((c) => c.sha));
    const inHead = new Set(head.map((c) => c.sha));
    const ahead = head.filter((c) => !inBase.has(c.sha));
    const behind = base.filter((c) => !inHead.has(c.sha));
    const mergeBase = [...head].reverse().find((c) => inBase.has(c.sha));
    const status = ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical';
    const full = `${repo.owner}/${repo.name}`;
    return json(200, {
      url: `${this.url}/repos/${full}/compare/${basehead}`,
      html_url: `${WEB}/${full}/compare/${basehead}`,
      permalink_url: `${WEB}/${full}/compare/${base.at(-1)!.sha}...${head.at(-1)!.sha}`,
      diff_url: `${WEB}/${full}/compare/${basehead}.diff`,
      patch_url: `${WEB}/${full}/compare/${basehead}.patch`,
      base_commit: this.commitJson(repo, base.at(-1)!, base.at(-2)),
      merge_base_commit: mergeBase ? this.commitJson(repo, mergeBase) : null,
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: ahead.slice(0, 250).map((c, i) => this.commitJson(repo, c, i === 0 ? mergeBase : ahead[i - 1])),
    });
  }

  private checkRuns(r: GitHubRequest, repo: Repo, ref: string): Reply {
    const commitSha = this.resolve(repo, ref);
    if (!commitSha)
      return json(422, {
        message: `No commit found for SHA: ${ref}`,
        documentation_url: 'https://docs.github.com/rest/commits/commits#get-a-commit',
        status: '422',
      });
    const runs: CheckRun[] = [...(repo.checks.get(commitSha) ?? [])];
    for (const [name, b] of repo.branches) if (b.commits.at(-1)!.sha === commitSha) runs.push(...(repo.checks.get(name) ?? []));
    const filtered = runs.filter((c) => (!r.query.check_name || c.name === r.query.check_name) && (!r.query.status || c.status === r.query.status));
    const full = `${repo.owner}/${repo.name}`;
    return this.page(
      r,
      filtered,
      (c) => ({
        id: c.id,
        node_id: `CR_${c.id}`,
        head_sha: commitSha,
        external_id: String(c.id),
        url: `${this.url}/repos/${full}/check-runs/${c.id}`,
        html_url: `${WEB}/${full}/runs/${c.id}`,
        details_url: `${WEB}/${full}/runs/${c.id}`,
        status: c.status,
        conclusion: c.conclusion ?? null,
        started_at: '2025-01-01T12:00:00Z',
        completed_at: c.status === 'completed' ? '2025-01-01T12:05:00Z' : null,
        output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${this.url}/repos/${full}/check-runs/${c.id}/annotations` },
        name: c.name,
        check_suite: { id: c.id },
        app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
        pull_requests: [],
      }),
      'check_runs',
    );
  }

  /**
   * `per_page` (default 30, max 100) / `page` (default 1) with GitHub's Link header. With `wrap`,
   * the page is `{ total_count, [wrap]: items }`, as the check-runs endpoint answers.
   */
  private page<T>(r: GitHubRequest, items: T[], map: (t: T) => unknown, wrap?: string): Reply {
    const perPage = Math.min(100, Math.max(1, Number(r.query.per_page ?? 30) || 30));
    const page = Math.max(1, Number(r.query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage).map(map);
    const body = wrap ? { total_count: items.length, [wrap]: slice } : slice;
    const link = (n: number) => {
      const q = new URLSearchParams({ ...r.query, per_page: String(perPage), page: String(n) });
      return `<${this.url}${r.path}?${q}>`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`${link(page - 1)}; rel="prev"`);
    if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) rels.push(`${link(1)}; rel="first"`);
    return json(200, body, rels.length ? { link: rels.join(', ') } : undefined);
  }

  private repoOrThrow(what: string, owner: string, repo: string): Repo {
    const r = this.repos.get(key(owner, repo));
    if (!r) throw new Error(`${what}: unknown repo ${owner}/${repo}; addRepo first`);
    return r;
  }

  /** Issues and pull requests share one number space per repository. */
  private claimNumber(r: Repo, wanted: number | undefined, what: string): number {
    const taken = [...r.pulls.map((p) => p.number), ...r.issues.map((i) => i.number)];
    const number = wanted ?? Math.max(0, ...taken) + 1;
    if (taken.includes(number)) throw new Error(`${what}: #${number} already exists in ${r.owner}/${r.name}`);
    return number;
  }

  private commit(seed: CommitSeed, where: string): Commit {
    const n = this.nextObject++;
    return {
      sha: seed.sha ?? sha(`${where}:commit:${n}:${seed.message}`),
      message: seed.message,
      author: seed.author,
      date: seed.date ?? isoSeconds(Date.UTC(2024, 11, 1) + n * 60_000),
    };
  }

  private branchOf(repo: Repo, name: string): Branch {
    const b = repo.branches.get(name);
    if (b) return b;
    // A PR whose base branch was deleted: fall back to the default branch's history.
    return this.branchOf(repo, repo.defaultBranch);
  }

  private headShaOf(repo: Repo, p: Pull): string {
    return p.state === 'open' ? (repo.branches.get(p.head)?.commits.at(-1)?.sha ?? p.headSha) : p.headSha;
  }

  /** History (oldest first) up to a branch tip or a known commit sha. */
  private history(repo: Repo, ref: string): Commit[] | undefined {
    const b = repo.branches.get(ref);
    if (b) return b.commits;
    for (const branch of repo.branches.values()) {
      const i = branch.commits.findIndex((c) => c.sha === ref.toLowerCase());
      if (i >= 0) return branch.commits.slice(0, i + 1);
    }
    return undefined;
  }

  private resolve(repo: Repo, ref: string): string | undefined {
    const branch = repo.branches.get(ref.replace(/^heads\//, ''));
    if (branch) return branch.commits.at(-1)!.sha;
    if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
    return undefined;
  }

  private userJson(login: string, full = false): Record<string, unknown> {
    const base = {
      login,
      id: userId(login),
      node_id: `U_${login}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${userId(login)}?v=4`,
      url: `${this.url}/users/${login}`,
      html_url: `${WEB}/${login}`,
      type: 'User',
      site_admin: false,
    };
    return full ? { ...base, name: login, email: null, public_repos: 0, created_at: '2020-01-01T00:00:00Z' } : base;
  }

  private repoJson(repo: Repo): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: full,
      private: repo.private,
      visibility: repo.private ? 'private' : 'public',
      owner: this.userJson(repo.owner),
      html_url: `${WEB}/${full}`,
      description: repo.description,
      fork: false,
      url: `${this.url}/repos/${full}`,
      default_branch: repo.defaultBranch,
      archived: false,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
    };
  }

  private commitJson(repo: Repo, c: Commit, parent?: Commit): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const person = { name: c.author, email: `${c.author}@users.noreply.github.com`, date: c.date };
    return {
      sha: c.sha,
      node_id: `C_${c.sha}`,
      commit: {
        author: person,
        committer: person,
        message: c.message,
        tree: { sha: sha(`tree:${c.sha}`), url: `${this.url}/repos/${full}/git/trees/${sha(`tree:${c.sha}`)}` },
        url: `${this.url}/repos/${full}/git/commits/${c.sha}`,
        comment_count: 0,
      },
      url: `${this.url}/repos/${full}/commits/${c.sha}`,
      html_url: `${WEB}/${full}/commit/${c.sha}`,
      comments_url: `${this.url}/repos/${full}/commits/${c.sha}/comments`,
      author: this.userJson(c.author),
      committer: this.userJson(c.author),
      parents: parent ? [{ sha: parent.sha, url: `${this.url}/repos/${full}/commits/${parent.sha}`, html_url: `${WEB}/${full}/commit/${parent.sha}` }] : [],
    };
  }

  private branchJson(repo: Repo, b: Branch, detail: boolean): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const tip = b.commits.at(-1)!;
    const protection = { enabled: b.protected, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } };
    if (!detail) return { name: b.name, commit: { sha: tip.sha, url: `${this.url}/repos/${full}/commits/${tip.sha}` }, protected: b.protected };
    return {
      name: b.name,
      commit: this.commitJson(repo, tip, b.commits.at(-2)),
      _links: { self: `${this.url}/repos/${full}/branches/${encodeURIComponent(b.name)}`, html: `${WEB}/${full}/tree/${b.name}` },
      protected: b.protected,
      protection,
      protection_url: `${this.url}/repos/${full}/branches/${encodeURIComponent(b.name)}/protection`,
    };
  }

  private reviewJson(repo: Repo, p: Pull, rv: Review): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      id: rv.id,
      node_id: `PRR_${rv.id}`,
      user: this.userJson(rv.user),
      body: rv.body,
      state: rv.state,
      html_url: `${WEB}/${full}/pull/${p.number}#pullrequestreview-${rv.id}`,
      pull_request_url: `${this.url}/repos/${full}/pulls/${p.number}`,
      submitted_at: rv.submittedAt,
      commit_id: rv.commitId,
      author_association: 'MEMBER',
    };
  }

  private labelJson(repo: Repo, name: string): Record<string, unknown> {
    const id = userId(`label:${name}`);
    return {
      id,
      node_id: `LA_${id}`,
      url: `${this.url}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'd73a4a',
      default: false,
      description: null,
    };
  }

  private issueJson(repo: Repo, i: Issue): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${this.url}/repos/${full}/issues/${i.number}`,
      repository_url: `${this.url}/repos/${full}`,
      html_url: `${WEB}/${full}/issues/${i.number}`,
      id: i.id,
      node_id: `I_${i.id}`,
      number: i.number,
      title: i.title,
      user: this.userJson(i.author),
      labels: i.labels.map((l) => this.labelJson(repo, l)),
      state: i.state,
      state_reason: i.state === 'closed' ? 'completed' : null,
      locked: false,
      assignee: null,
      assignees: [],
      comments: i.comments,
      created_at: i.createdAt,
      updated_at: i.createdAt,
      closed_at: i.state === 'closed' ? i.createdAt : null,
      author_association: 'MEMBER',
      body: i.body,
    };
  }

  /** GitHub serves pull requests from the issues endpoints too, marked with `pull_request`. */
  private pullAsIssueJson(repo: Repo, p: Pull): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${this.url}/repos/${full}/issues/${p.number}`,
      repository_url: `${this.url}/repos/${full}`,
      html_url: `${WEB}/${full}/pull/${p.number}`,
      id: p.id,
      node_id: `I_${p.id}`,
      number: p.number,
      title: p.title,
      user: this.userJson(p.author),
      labels: [],
      state: p.state,
      state_reason: null,
      locked: false,
      assignee: null,
      assignees: [],
      comments: 0,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.state === 'closed' ? p.updatedAt : null,
      author_association: 'MEMBER',
      draft: p.draft,
      pull_request: {
        url: `${this.url}/repos/${full}/pulls/${p.number}`,
        html_url: `${WEB}/${full}/pull/${p.number}`,
        diff_url: `${WEB}/${full}/pull/${p.number}.diff`,
        patch_url: `${WEB}/${full}/pull/${p.number}.patch`,
        merged_at: p.mergedAt,
      },
      body: p.body,
    };
  }

  private pullJson(repo: Repo, p: Pull, detail: boolean): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const ref = (name: string, refSha: string) => ({
      label: `${repo.owner}:${name}`,
      ref: name,
      sha: refSha,
      user: this.userJson(repo.owner),
      repo: this.repoJson(repo),
    });
    const baseSha = repo.branches.get(p.base)?.commits.at(-1)?.sha ?? sha(`${full}:${p.base}:${p.number}`);
    const closedAt = p.state === 'closed' ? p.updatedAt : null;
    const list = {
      url: `${this.url}/repos/${full}/pulls/${p.number}`,
      id: p.id,
      node_id: `PR_${p.id}`,
      html_url: `${WEB}/${full}/pull/${p.number}`,
      diff_url: `${WEB}/${full}/pull/${p.number}.diff`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.userJson(p.author),
      body: p.body,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: closedAt,
      merged_at: p.merged ? (p.mergedAt ?? closedAt) : null,
      merge_commit_sha: p.mergeCommitSha,
      draft: p.draft,
      head: ref(p.head, this.headShaOf(repo, p)),
      base: ref(p.base, baseSha),
      author_association: 'MEMBER',
    };
    if (!detail) return list;
    return {
      ...list,
      merged: p.merged,
      mergeable: p.state === 'open' ? true : null,
      merged_by: null,
      comments: 0,
      review_comments: 0,
      commits: Math.max(1, p.files.length),
      additions: p.files.reduce((n, f) => n + f.additions, 0),
      deletions: p.files.reduce((n, f) => n + f.deletions, 0),
      changed_files: p.files.length,
    };
  }
}

const MERGE_DOCS = 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request';
const REFS_DOCS = 'https://docs.github.com/rest/git/refs#delete-a-reference';

/** Owner, listed member, or any user when the repo has no member list. */
function canSee(repo: Repo, login: string): boolean {
  return repo.owner === login || repo.members === undefined || repo.members.includes(login);
}

/** The fake does not distinguish read from write collaborators: members may write. */
function canWrite(repo: Repo, login: string): boolean {
  return canSee(repo, login);
}

function key(owner: string, name: string): string {
  return `${owner.toLowerCase()}/${name.toLowerCase()}`;
}

function notFound(): Reply {
  return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
}

/** Deterministic 40-hex pseudo sha, so repeated calls agree. */
function sha(s: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 40; round++) {
    for (const c of `${round}:${s}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}
