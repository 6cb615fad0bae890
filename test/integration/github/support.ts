export { asMap, rejection } from '../../support/tool-context.js';

import { afterEach, beforeEach } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../../src/integrations/github/client.js';
import type { ToolDefinition } from '../../../src/tools/tool-definition.js';
import { FakeGitHub } from '../../fakes/fake-github.js';
import { toolContext } from '../../support/tool-context.js';

/** The seeded user's token; `fake.requests` show it reached GitHub. */
export const TOKEN = 'ghu_github_tools_token';
export const ctx = toolContext();

export interface GitHubTestbed {
  fake: FakeGitHub;
  github: GitHubClient;
}

/**
 * A fresh GitHub stand-in per test, seeded with the demo data (`seedDemo('octo-dev')`), and an
 * octokit client for octo-dev built the way production builds it.
 */
export function useGitHub(): GitHubTestbed {
  const bed = {} as GitHubTestbed;
  beforeEach(async () => {
    bed.fake = new FakeGitHub();
    await bed.fake.start();
    bed.fake.seedDemo('octo-dev');
    bed.fake.acceptToken(TOKEN, 'octo-dev');
    bed.github = createGitHubClient(TOKEN, bed.fake.url);
  });
  afterEach(() => bed.fake.stop());
  return bed;
}

/** The tool's arguments after its schema (defaults filled in), as the executor hands them over. */
export function argsFor<T extends ToolDefinition>(tool: T, raw: Record<string, unknown>): Parameters<T['run']>[0] {
  return tool.schema.parse(raw) as Parameters<T['run']>[0];
}

/** Requests other than GETs, i.e. what was written upstream. */
export const writes = (fake: FakeGitHub) => fake.requests.filter((r) => r.method !== 'GET');
