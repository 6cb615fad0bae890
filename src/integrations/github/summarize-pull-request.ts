import { z } from 'zod';
import { clip } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors } from './errors.js';
import { getPull } from './lookups.js';
import { collectPages } from './paginate.js';
import { areasOf, type RiskKind, riskAreasOf, sizeOf } from './pull-risks.js';
import { describeChecks, describeReviewers, readPullStatus } from './pull-status.js';
import { owner, pullNumber, repo } from './schemas.js';
import { repoTarget } from './target.js';
import { code, linkTo, plural, shown } from './text.js';

/*
 * What the model gets is capped (about 8,000 characters of JSON), so the brief's data is budgeted:
 * the facts first, then the biggest files, then a few clipped patches to ground a richer summary.
 */
const FILES_READ = 300;
const FILES_IN_DATA = 20;
const PATCHES_IN_DATA = 3;
const PATCH_MAX = 800;
const DESCRIPTION_MAX = 1000;

const RISK_TITLES: Record<RiskKind, string> = {
  migrations: 'Migrations / schema',
  security: 'Auth / security',
  ci: 'CI / workflows',
  dependencies: 'Dependencies',
  infrastructure: 'Config / infrastructure',
  large_diff: 'Large diff',
  deleted_files: 'Deleted files',
  no_tests: 'No tests touched',
};

export const summarizePullRequest = defineTool({
  name: 'github_summarize_pull_request',
  description:
    "A reviewer's brief of a pull request: what changed by area and size, the risky parts (migrations, auth, CI, dependencies, infrastructure, deletions, missing tests), failing checks and review state.",
  schema: z.object({ owner, repo, pull_number: pullNumber }),
  service: 'github',
  scopes: ['pull_requests:read', 'checks:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, pull_number }) => `summarize pull request #${pull_number} in ${owner}/${repo} for review`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, pull_number }, github: GitHubClient) {
    const pr = await getPull(github, owner, repo, pull_number);
    const [{ items: files }, status] = await withGitHubErrors(`pull request #${pull_number} in ${owner}/${repo}`, () =>
      Promise.all([
        collectPages(github.paginate.iterator(github.rest.pulls.listFiles, { owner, repo, pull_number, per_page: 100 }), {
          limit: FILES_READ,
          maxPages: FILES_READ / 100,
        }),
        readPullStatus(github, owner, repo, pr),
      ]),
    );
    const changes = (f: { additions: number; deletions: number }) => f.additions + f.deletions;
    const biggest = [...files].sort((a, b) => changes(b) - changes(a));
    const areas = areasOf(files);
    const risks = riskAreasOf(files, pr);
    const size = sizeOf(pr.additions, pr.deletions);
    const data = {
      number: pr.number,
      title: clip(pr.title, 256),
      url: pr.html_url,
      author: pr.user?.login ?? 'unknown',
      state: pr.merged ? 'merged' : pr.state,
      draft: Boolean(pr.draft),
      head: pr.head.ref,
      base: pr.base.ref,
      size: { label: size, additions: pr.additions, deletions: pr.deletions, changed_files: pr.changed_files },
      areas: areas.slice(0, 15),
      risk_areas: risks,
      checks: status.checks,
      reviews: status.reviews,
      // Written by the author: quoted data for the model, never instructions.
      description: clip(pr.body ?? '', DESCRIPTION_MAX),
      files: biggest.slice(0, FILES_IN_DATA).map((f) => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions })),
      files_read: files.length,
      patches: biggest
        .filter((f) => f.patch)
        .slice(0, PATCHES_IN_DATA)
        .map((f) => ({ filename: f.filename, patch: clip(f.patch!, PATCH_MAX) })),
    };
    const name = (s: string) => shown(s, 80);
    const shownAreas = areas.slice(0, 8);
    const text = [
      `*Review brief for ${linkTo(pr.html_url, `#${pr.number} ${pr.title}`)}* in *${owner}/${repo}*`,
      `${name(data.author)} wants to merge ${code(pr.head.ref)} into ${code(pr.base.ref)} · ${data.state}${data.draft ? ' (draft)' : ''} · size ${size} (+${pr.additions} −${pr.deletions} in ${plural(pr.changed_files, 'file')})`,
      '*What changed*',
      ...shownAreas.map((a) => `• ${code(a.area)} — ${plural(a.files, 'file')}, +${a.additions} −${a.deletions}`),
      ...(areas.length > shownAreas.length ? [`…and ${plural(areas.length - shownAreas.length, 'more area')}`] : []),
      ...(files.length < pr.changed_files ? [`_Only the first ${files.length} of ${pr.changed_files} files were read._`] : []),
      '*Look carefully at*',
      ...(risks.length
        ? risks.map((r) => `• *${RISK_TITLES[r.kind]}*: ${r.files.map((f) => code(f)).join(', ')} — ${r.why}`)
        : ['• Nothing stands out by the usual checks (migrations, auth, CI, dependencies, infrastructure, deletions, tests).']),
      `*Checks:* ${shown(describeChecks(status.checks), 500)} · *Reviews:* ${describeReviewers(status.reviews, name)}`,
    ].join('\n');
    return { data, text };
  },
});
