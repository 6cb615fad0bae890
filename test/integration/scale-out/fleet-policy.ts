import { afterAll, beforeAll } from 'vitest';
import { type BotFleet, startBotProcesses } from '../../support/bot-processes.js';
import { READS_ALLOWED_POLICY } from '../../support/shared.js';

/**
 * The policy the scale-out fleets run with: reading the demo repositories is pre-authorised, and a
 * merge into a feature branch needs only the requester's click (no MFA), so tests can race clicks.
 * The anomaly limit is raised because these tests make many high-risk requests on purpose.
 */
export const FLEET_POLICY = `${READS_ALLOWED_POLICY.trimEnd()}
  - id: merges-by-button
    tools: ["github_merge_pull_request"]
    repos: ["acme/*"]
    outcome: approve
    reason: "Merging into a feature branch needs the requester's click"
anomaly: { windowMinutes: 10, maxHighRisk: 1000, action: step_up }
`;

/** A fleet of `count` real bot processes for this describe block, started once and closed after. */
export function useFleet(count: number): () => BotFleet {
  let fleet: BotFleet | undefined;
  beforeAll(async () => {
    fleet = await startBotProcesses({ count, policy: FLEET_POLICY });
    fleet.github.seedDemo('octo-dev');
  }, 60_000);
  afterAll(async () => fleet?.close());
  return () => fleet!;
}

/** A pull request into a feature branch: its merge needs a click, not MFA. */
export const featurePull = (fleet: BotFleet, title: string) =>
  fleet.github.addPull('acme', 'widgets', { title, author: 'alice-gh', base: 'feature/rate-limit' });

export const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));
