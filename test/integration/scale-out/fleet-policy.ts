/**
 * The policy the scale-out fleets run with: reading the demo repositories is pre-authorised, and a
 * merge into a feature branch needs only the requester's click (no MFA), so tests can race clicks.
 * The anomaly limit is raised because these tests make many high-risk requests on purpose.
 */
export const FLEET_POLICY = `
version: 1
anomaly: { windowMinutes: 10, maxHighRisk: 1000, action: step_up }
rules:
  - id: demo-reads
    tools: ["github_list_*", "github_get_*"]
    repos: ["acme/*"]
    outcome: allow
    reason: "Reading the demo repositories is pre-authorised"
  - id: merges-by-button
    tools: ["github_merge_pull_request"]
    repos: ["acme/*"]
    outcome: approve
    reason: "Merging into a feature branch needs the requester's click"
`;

export const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));
