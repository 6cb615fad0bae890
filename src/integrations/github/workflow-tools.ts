import { z } from 'zod';
import { clip, link as slackLink } from '../../slack/mrkdwn.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors, withGitHubWrite } from './errors.js';
import { collectPages } from './paginate.js';
import { branch, limit, owner, repo, workflow } from './schemas.js';
import { branchTarget, repoTarget } from './target.js';
import { code, day, linkTo, plural, shown } from './text.js';

type Run = Awaited<ReturnType<GitHubClient['rest']['actions']['listWorkflowRunsForRepo']>>['data']['workflow_runs'][number];
type Workflow = Awaited<ReturnType<GitHubClient['rest']['actions']['getWorkflow']>>['data'];

const RUN_STATUSES = [
  'completed',
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'skipped',
  'stale',
  'success',
  'timed_out',
  'in_progress',
  'queued',
  'requested',
  'waiting',
  'pending',
] as const;

const ICONS: Record<string, string> = { success: '✅', failure: '❌', timed_out: '❌', startup_failure: '❌', cancelled: '⏹️', skipped: '⏭️' };
const runIcon = (r: Pick<Run, 'status' | 'conclusion'>) => (r.status === 'completed' ? (ICONS[r.conclusion ?? ''] ?? '•') : '⏳');
const outcome = (r: Pick<Run, 'status' | 'conclusion'>) => (r.status === 'completed' ? (r.conclusion ?? 'completed') : r.status) ?? 'unknown';

function getWorkflow(github: GitHubClient, owner: string, repo: string, workflow_id: string | number): Promise<Workflow> {
  return withGitHubErrors(`workflow ${workflow_id} in ${owner}/${repo}`, () =>
    github.rest.actions.getWorkflow({ owner, repo, workflow_id }).then((r) => r.data),
  );
}

/** The workflow's runs page (github.com/o/r/actions/workflows/deploy.yml), from its file's web address. */
export function runsPageOf(w: Pick<Workflow, 'html_url' | 'path'>): string {
  const file = w.path.split('/').at(-1) ?? w.path;
  const at = w.html_url.indexOf('/blob/');
  return at < 0 ? w.html_url : `${w.html_url.slice(0, at)}/actions/workflows/${file}`;
}

const listRunsSchema = z.object({
  owner,
  repo,
  workflow: workflow.describe('Only runs of this workflow: its file name (e.g. deploy.yml) or id').optional(),
  branch: branch.describe('Only runs on this branch').optional(),
  status: z.enum(RUN_STATUSES).describe('Only runs with this status or conclusion (e.g. failure, in_progress)').optional(),
  limit: limit(100, 20),
});

export const listWorkflowRuns = defineTool({
  name: 'github_list_workflow_runs',
  description: 'List recent GitHub Actions runs of a repository (or of one workflow), newest first, with their outcome.',
  schema: listRunsSchema,
  service: 'github',
  scopes: ['actions:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, workflow, branch, status }) =>
    `list ${status ? `${status} ` : ''}${workflow ? `${workflow} ` : ''}workflow runs in ${owner}/${repo}${branch ? ` on ${branch}` : ''}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, workflow, branch, status, limit }, github: GitHubClient) {
    const filters = { owner, repo, per_page: Math.min(limit, 100), ...(branch ? { branch } : {}), ...(status ? { status } : {}) };
    const pages = workflow
      ? github.paginate.iterator(github.rest.actions.listWorkflowRuns, { ...filters, workflow_id: workflow })
      : github.paginate.iterator(github.rest.actions.listWorkflowRunsForRepo, filters);
    const { items: runs } = await withGitHubErrors(workflow ? `workflow ${workflow} in ${owner}/${repo}` : `${owner}/${repo}`, () =>
      collectPages<Run>(pages, { limit, maxPages: Math.ceil(limit / 100) }),
    );
    const data = runs.map((r) => ({
      id: r.id,
      workflow: r.name ?? 'unknown',
      title: clip(r.display_title ?? '', 200),
      run_number: r.run_number,
      status: r.status,
      conclusion: r.conclusion,
      branch: r.head_branch,
      event: r.event,
      actor: r.actor?.login ?? 'unknown',
      url: r.html_url,
      created_at: r.created_at,
    }));
    const which = `${workflow ? `${workflow} ` : ''}run`;
    const text = data.length
      ? `Latest ${plural(data.length, which)} in *${owner}/${repo}*${branch ? ` on ${code(branch)}` : ''}:\n${data
          .map(
            (r) =>
              `• ${runIcon(r)} ${linkTo(r.url, `${r.workflow} #${r.run_number}`)} on ${code(r.branch ?? '?')} (${shown(r.event)}) — ${shown(outcome(r))} · ${day(r.created_at)}`,
          )
          .join('\n')}`
      : `There are no ${status ? `${status} ` : ''}${which}s in *${owner}/${repo}*${branch ? ` on ${code(branch)}` : ''}.`;
    return { data, text };
  },
});

const inputs = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'an input name'), z.string().max(1000))
  .refine((i) => Object.keys(i).length <= 25, 'at most 25 inputs')
  .describe('Inputs the workflow declares under workflow_dispatch, as name → value');

const dispatchSchema = z.object({
  owner,
  repo,
  workflow: workflow.describe('Workflow to run: its file name (e.g. deploy.yml) or id'),
  ref: branch.describe('Branch or tag to run it on (default: the repository’s default branch)').optional(),
  inputs: inputs.optional(),
});
export type DispatchWorkflowArgs = z.infer<typeof dispatchSchema>;

const inputWords = (i: DispatchWorkflowArgs['inputs']) =>
  Object.entries(i ?? {})
    .map(([k, v]) => `${k}=${clip(v, 100)}`)
    .join(', ');

/** The ref to run on: the given one, or the default branch read now. */
async function refOf({ owner, repo, ref }: DispatchWorkflowArgs, github: GitHubClient): Promise<string> {
  return ref ?? (await repoTarget(github, owner, repo)).repo.defaultBranch;
}

export const dispatchWorkflow = defineTool({
  name: 'github_dispatch_workflow',
  description:
    'Start a GitHub Actions workflow that has a workflow_dispatch trigger (a deploy, a release…) on a branch or tag, with its inputs. Runs with the repository’s secrets.',
  schema: dispatchSchema,
  service: 'github',
  scopes: ['actions:write'],
  risk: 'high',
  readOnly: false,
  describe: ({ owner, repo, workflow, ref, inputs }) =>
    `run workflow ${workflow} on ${ref ?? 'the default branch'} in ${owner}/${repo}${Object.keys(inputs ?? {}).length ? ` with ${inputWords(inputs)}` : ''}`,
  /** Pins the default branch by name, so the approval says exactly where it runs. */
  bind: async (args, github: GitHubClient) => ({ ...args, ref: await refOf(args, github) }),
  target: async (args, github: GitHubClient) => branchTarget(github, args.owner, args.repo, await refOf(args, github)),
  async preview(args, github: GitHubClient) {
    const { owner, repo, workflow: id } = args;
    const ref = await refOf(args, github);
    const [wf, target, lastRuns] = await withGitHubErrors(`workflow ${id} in ${owner}/${repo}`, () =>
      Promise.all([
        getWorkflow(github, owner, repo, id),
        branchTarget(github, owner, repo, ref),
        github.rest.actions.listWorkflowRuns({ owner, repo, workflow_id: id, per_page: 1 }).then((r) => r.data.workflow_runs),
      ]),
    );
    const marks = [target.branch?.protected ? 'protected' : '', target.branch?.isDefault ? 'default' : ''].filter(Boolean);
    const last = lastRuns[0];
    const lines: PreviewLine[] = [
      { label: 'Workflow', value: `${clip(wf.name, 100)} (${wf.path})` },
      { label: 'Ref', value: `\`${ref}\`${marks.length ? ` (${marks.join(', ')})` : ''}` },
      { label: 'Inputs', value: Object.keys(args.inputs ?? {}).length ? inputWords(args.inputs) : '(none)' },
      {
        label: 'Last run',
        value: last ? `${outcome(last)} on ${last.head_branch ?? '?'} by ${last.actor?.login ?? 'unknown'}, ${day(last.created_at)}` : 'never run',
      },
    ];
    if (wf.state !== 'active') lines.push({ label: 'State', value: `${wf.state} (GitHub will refuse to run it)` });
    return lines;
  },
  async run(args, github: GitHubClient) {
    const { owner, repo, workflow: id, inputs } = args;
    const ref = await refOf(args, github);
    const wf = await getWorkflow(github, owner, repo, id);
    const what = `run workflow ${wf.path} on ${ref} in ${owner}/${repo}`;
    await withGitHubWrite(what, `workflow ${wf.path} in ${owner}/${repo}`, () =>
      github.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: id, ref, ...(inputs ? { inputs } : {}), request: { retries: 0 } }),
    );
    const runsUrl = runsPageOf(wf);
    const given = Object.keys(inputs ?? {}).length ? ` (${shown(inputWords(inputs), 500)})` : '';
    return {
      data: { queued: true, workflow: wf.name, path: wf.path, ref, inputs: inputs ?? {}, runs_url: runsUrl },
      text: `Queued *${shown(wf.name, 100)}* on ${code(ref)} in *${owner}/${repo}*${given}. ${slackLink(runsUrl, 'See its runs')}`,
    };
  },
});
