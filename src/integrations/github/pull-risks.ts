/*
 * Deterministic reviewer heuristics for a pull request's changed files: where the change lands and
 * which parts deserve a careful look. Pure functions, so the brief is the same every time.
 */

export interface ChangedFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
}

export interface Area {
  /** Top-level folder (`src`), or `(root)` for files at the top. */
  area: string;
  files: number;
  additions: number;
  deletions: number;
}

export type RiskKind = 'migrations' | 'security' | 'ci' | 'dependencies' | 'infrastructure' | 'large_diff' | 'deleted_files' | 'no_tests';

export interface RiskArea {
  kind: RiskKind;
  /** Why it matters, in plain words. */
  why: string;
  /** Files that triggered it (at most five). */
  files: string[];
}

/** Lines changed from which a pull request counts as large. */
export const LARGE_DIFF_LINES = 1000;
const LARGE_DIFF_FILES = 50;

const PATH_RULES: ReadonlyArray<{ kind: RiskKind; why: string; test: RegExp }> = [
  {
    kind: 'migrations',
    why: 'Database migrations or schema: check they are reversible and safe on live data.',
    test: /(^|\/)(migrations?|migrate|alembic|flyway|liquibase)\/|(^|\/)schema\.(sql|prisma|rb|graphql|gql)$|\.sql$|(^|\/)prisma\/schema\.prisma$/i,
  },
  {
    kind: 'security',
    why: 'Authentication, authorisation, secrets or crypto code: a mistake here is a security hole.',
    test: /(^|[/_.-])(auth|authn|authz|authentication|authori[sz]ation|oauth2?|oidc|saml|login|session|security|crypto|cipher|secrets?|passwords?|tokens?|permissions?|acl|rbac|jwt|csrf)([/_.-]|$)/i,
  },
  {
    kind: 'ci',
    why: 'CI or workflow files: they run with the repository’s secrets and decide what gets deployed.',
    test: /^\.github\/(workflows|actions)\/|^\.gitlab-ci\.ya?ml$|^\.circleci\/|(^|\/)Jenkinsfile$|^azure-pipelines\.ya?ml$|^\.buildkite\/|^\.ci\//i,
  },
  {
    kind: 'dependencies',
    why: 'Dependency manifests or lockfiles: new or upgraded packages change what runs in production.',
    test: /(^|\/)(package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|go\.(mod|sum)|Cargo\.(toml|lock)|requirements[^/]*\.txt|Pipfile(\.lock)?|poetry\.lock|pyproject\.toml|uv\.lock|Gemfile(\.lock)?|composer\.(json|lock)|pom\.xml|build\.gradle(\.kts)?|gradle\.lockfile|mix\.(exs|lock)|packages\.lock\.json|[^/]+\.csproj)$/i,
  },
  {
    kind: 'infrastructure',
    why: 'Configuration or infrastructure: it changes how and where the service runs.',
    test: /(^|\/)(Dockerfile[^/]*|docker-compose[^/]*\.ya?ml|compose\.ya?ml|\.env[^/]*|Procfile|nginx\.conf)$|\.(tf|tfvars|hcl)$|^(infra|infrastructure|terraform|k8s|kubernetes|helm|charts|deploy|deployment|ops|ansible)\//i,
  },
];

const TEST_PATH =
  /(^|\/)(tests?|__tests__|specs?|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$|_test\.(go|py|rb|exs)$|(^|\/)test_[^/]+\.py$|Tests?\.(java|kt|cs|swift)$/i;
const CODE_PATH = /\.([cm]?[jt]sx?|py|go|rb|java|kt|cs|swift|rs|php|scala|ex|exs|c|cc|cpp|h|hpp)$/i;

/** Files grouped by top-level folder, biggest change first. */
export function areasOf(files: readonly ChangedFile[]): Area[] {
  const byArea = new Map<string, Area>();
  for (const f of files) {
    const name = f.filename.includes('/') ? f.filename.split('/')[0]! : '(root)';
    const a = byArea.get(name) ?? { area: name, files: 0, additions: 0, deletions: 0 };
    a.files++;
    a.additions += f.additions;
    a.deletions += f.deletions;
    byArea.set(name, a);
  }
  return [...byArea.values()].sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions) || a.area.localeCompare(b.area));
}

/** T-shirt size from lines changed, as reviewers talk about it. */
export function sizeOf(additions: number, deletions: number): 'XS' | 'S' | 'M' | 'L' | 'XL' {
  const lines = additions + deletions;
  return lines < 10 ? 'XS' : lines < 100 ? 'S' : lines < 500 ? 'M' : lines < LARGE_DIFF_LINES ? 'L' : 'XL';
}

/** The parts of a change that deserve a careful look, each with the files that triggered it. */
export function riskAreasOf(files: readonly ChangedFile[], totals: { additions: number; deletions: number; changed_files: number }): RiskArea[] {
  const risks: RiskArea[] = [];
  const add = (kind: RiskKind, why: string, hits: readonly ChangedFile[]) => {
    if (hits.length) risks.push({ kind, why, files: hits.slice(0, 5).map((f) => f.filename) });
  };
  for (const rule of PATH_RULES)
    add(
      rule.kind,
      rule.why,
      files.filter((f) => rule.test.test(f.filename)),
    );
  const lines = totals.additions + totals.deletions;
  if (lines >= LARGE_DIFF_LINES || totals.changed_files >= LARGE_DIFF_FILES) {
    const biggest = [...files].sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions));
    risks.push({
      kind: 'large_diff',
      why: `A large change (${lines} lines in ${totals.changed_files} files): hard to review in one pass; consider splitting it.`,
      files: biggest.slice(0, 5).map((f) => f.filename),
    });
  }
  add(
    'deleted_files',
    'Files are deleted: check nothing still uses them.',
    files.filter((f) => f.status === 'removed'),
  );
  const code = files.filter((f) => CODE_PATH.test(f.filename) && !TEST_PATH.test(f.filename) && f.status !== 'removed');
  if (code.length && !files.some((f) => TEST_PATH.test(f.filename))) {
    risks.push({ kind: 'no_tests', why: 'Code changes without any test changes.', files: code.slice(0, 5).map((f) => f.filename) });
  }
  return risks;
}
