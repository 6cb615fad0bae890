/**
 * Fake GitHub REST v3: the read-only subset AgentHub's GitHub tools use through octokit 5
 * (`new Octokit({ auth, baseUrl: fake.url, retry: { enabled: false }, throttle: { enabled: false } })`).
 *
 * Tokens must be registered (`acceptToken`), so a test proves which Token Vault token reached
 * GitHub: every request records the token it carried. Pagination emits a real `Link` header,
 * because `octokit.paginate` follows `rel="next"` URLs verbatim.
 */
import { FakeHttpServer, json, type RecordedRequest, type Reply, tokenFromAuthorization } from './http-recorder.js';

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
  description?: string;
  /** Logins that see the repo in /user/repos and may read it when private. Omitted: every accepted user. */
  members?: string[];
}

export interface FileSeed {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions?: number;
  deletions?: number;
  patch?: string;
}

export interface PullSeed {
  number?: number;
  title: string;
  author: string;
  body?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  head?: string;
  base?: string;
  files?: FileSeed[];
  createdAt?: string;
  updatedAt?: string;
}

interface Repo extends Required<Omit<RepoSeed, 'members' | 'description'>> {
  id: number;
  description: string | null;
  members: string[] | undefined;
  pulls: Pull[];
  createdAt: string;
}

interface PullFile {
  filename: string;
  status: NonNullable<FileSeed['status']>;
  additions: number;
  deletions: number;
  patch?: string;
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
  files: PullFile[];
  createdAt: string;
  updatedAt: string;
}

const WEB = 'https://github.com';
const userId = (login: string) => 1000 + [...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7);

export class FakeGitHub extends FakeHttpServer<GitHubRequest> {
  private readonly tokens = new Map<string, string>();
  private readonly repos = new Map<string, Repo>();
  private nextId = 1;

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

  addRepo(seed: RepoSeed): this {
    this.repos.set(key(seed.owner, seed.name), {
      owner: seed.owner,
      name: seed.name,
      private: seed.private ?? false,
      defaultBranch: seed.defaultBranch ?? 'main',
      description: seed.description ?? null,
      members: seed.members,
      id: this.nextId++,
      pulls: [],
      createdAt: '2024-01-02T03:04:05Z',
    });
    return this;
  }

  /** Adds a PR (number defaults to the next free one) and returns its number. */
  addPull(owner: string, repo: string, seed: PullSeed): number {
    const r = this.repos.get(key(owner, repo));
    if (!r) throw new Error(`addPull: unknown repo ${owner}/${repo}; addRepo first`);
    const number = seed.number ?? Math.max(0, ...r.pulls.map((p) => p.number)) + 1;
    if (r.pulls.some((p) => p.number === number)) throw new Error(`addPull: #${number} already exists in ${owner}/${repo}`);
    const createdAt = seed.createdAt ?? new Date(Date.UTC(2025, 0, 1) + number * 3_600_000).toISOString().replace('.000Z', 'Z');
    r.pulls.push({
      number,
      id: this.nextId++,
      title: seed.title,
      author: seed.author,
      body: seed.body ?? null,
      state: seed.state ?? 'open',
      merged: seed.merged ?? false,
      draft: seed.draft ?? false,
      head: seed.head ?? `feature/pr-${number}`,
      base: seed.base ?? r.defaultBranch,
      files: (seed.files ?? []).map((f) => ({
        filename: f.filename,
        status: f.status ?? 'modified',
        additions: f.additions ?? 0,
        deletions: f.deletions ?? 0,
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
      })),
      createdAt,
      updatedAt: seed.updatedAt ?? createdAt,
    });
    return number;
  }

  /**
   * Demo data: acme/widgets (private, members include `login`) with PRs #1–#3 open and #4 closed,
   * plus `${login}/dotfiles`, `${login}/notes` (private) and acme/gadgets (public).
   */
  seedDemo(login = 'octo-dev'): { owner: string; repo: string; openPulls: number[]; closedPulls: number[] } {
    this.addRepo({ owner: 'acme', name: 'widgets', private: true, description: 'Widgets service', members: [login, 'alice-gh', 'bob-gh'] });
    this.addRepo({ owner: 'acme', name: 'gadgets', description: 'Public gadgets library' });
    this.addRepo({ owner: login, name: 'dotfiles', defaultBranch: 'master', members: [login] });
    this.addRepo({ owner: login, name: 'notes', private: true, members: [login] });
    const src = (n: number) => ({ filename: `src/widget-${n}.ts`, additions: 10 * n, deletions: n });
    this.addPull('acme', 'widgets', {
      title: 'Add rate limiting to widget API',
      author: 'alice-gh',
      files: [src(1), { filename: 'README.md', additions: 3, deletions: 0 }],
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
    return { owner: 'acme', repo: 'widgets', openPulls: [1, 2, 3], closedPulls: [4] };
  }

  /** Requests that carried `token`. */
  requestsWithToken(token: string): GitHubRequest[] {
    return this.requests.filter((r) => r.token === token);
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
    if (r.method !== 'GET') return notFound();
    const login = r.login;
    const parts = r.path.split('/').filter(Boolean).map(decodeURIComponent);

    if (r.path === '/user') return json(200, this.userJson(login, true));
    if (r.path === '/user/repos') {
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

    if (parts.length === 3) return json(200, this.repoJson(repo));
    if (parts[3] !== 'pulls') return notFound();
    if (parts.length === 4) {
      const state = r.query.state ?? 'open';
      const dir = r.query.direction ?? 'desc';
      const list = repo.pulls
        .filter((p) => state === 'all' || p.state === state)
        .filter((p) => !r.query.base || p.base === r.query.base)
        .sort((a, b) => (dir === 'asc' ? a.number - b.number : b.number - a.number));
      return this.page(r, list, (p) => this.pullJson(repo, p, false));
    }
    const pull = repo.pulls.find((p) => String(p.number) === parts[4]);
    if (!pull) return notFound();
    if (parts.length === 5) return json(200, this.pullJson(repo, pull, true));
    if (parts.length === 6 && parts[5] === 'files') {
      return this.page(r, pull.files, (f) => ({
        sha: sha(`${repo.name}/${pull.number}/${f.filename}`),
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${WEB}/${repo.owner}/${repo.name}/blob/${sha(pull.head)}/${f.filename}`,
        raw_url: `${WEB}/${repo.owner}/${repo.name}/raw/${sha(pull.head)}/${f.filename}`,
        contents_url: `${this.url}/repos/${repo.owner}/${repo.name}/contents/${f.filename}?ref=${sha(pull.head)}`,
        ...(f.patch !== undefined ? { patch: f.patch } : {}),
      }));
    }
    return notFound();
  }

  /** `per_page` (default 30, max 100) / `page` (default 1) with GitHub's Link header. */
  private page<T>(r: GitHubRequest, items: T[], map: (t: T) => unknown): Reply {
    const perPage = Math.min(100, Math.max(1, Number(r.query.per_page ?? 30) || 30));
    const page = Math.max(1, Number(r.query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const body = items.slice((page - 1) * perPage, page * perPage).map(map);
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

  private pullJson(repo: Repo, p: Pull, detail: boolean): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    const ref = (name: string) => ({
      label: `${repo.owner}:${name}`,
      ref: name,
      sha: sha(`${full}:${name}:${p.number}`),
      user: this.userJson(repo.owner),
      repo: this.repoJson(repo),
    });
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
      merged_at: p.merged ? closedAt : null,
      draft: p.draft,
      head: ref(p.head),
      base: ref(p.base),
      author_association: 'MEMBER',
    };
    if (!detail) return list;
    return {
      ...list,
      merged: p.merged,
      mergeable: p.state === 'open' ? true : null,
      comments: 0,
      review_comments: 0,
      commits: Math.max(1, p.files.length),
      additions: p.files.reduce((n, f) => n + f.additions, 0),
      deletions: p.files.reduce((n, f) => n + f.deletions, 0),
      changed_files: p.files.length,
    };
  }
}

/** Owner, listed member, or any user when the repo has no member list. */
function canSee(repo: Repo, login: string): boolean {
  return repo.owner === login || repo.members === undefined || repo.members.includes(login);
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
