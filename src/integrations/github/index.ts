import type { ToolDefinition } from '../../tools/tool-definition.js';
import { listCommits } from './commit-tools.js';
import { getIssue, listIssues, searchIssues } from './issue-tools.js';
import { addLabels, closeIssue, comment, createIssue } from './issue-write-tools.js';
import { listReviewRequests, requestReviewers } from './review-tools.js';
import { summarizePullRequest } from './summarize-pull-request.js';
import { getPullRequest, listMyRepositories, listPullRequests } from './tools.js';
import { dispatchWorkflow, listWorkflowRuns } from './workflow-tools.js';
import { deleteBranch, mergePullRequest } from './write-tools.js';

export { githubBinding } from './binding.js';
export { createGitHubClient, type GitHubClient } from './client.js';

/** The GitHub agent's tools: reads first, then writes by rising risk. */
export const allGitHubTools: ToolDefinition[] = [
  listMyRepositories,
  listPullRequests,
  listReviewRequests,
  getPullRequest,
  summarizePullRequest,
  listIssues,
  searchIssues,
  getIssue,
  listCommits,
  listWorkflowRuns,
  createIssue,
  comment,
  requestReviewers,
  addLabels,
  dispatchWorkflow,
  closeIssue,
  mergePullRequest,
  deleteBranch,
];
