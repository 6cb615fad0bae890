/** What the built-in planner understands, by service: shown on help, App Home and when a request is not understood. */
export const EXAMPLE_REQUESTS = {
  GitHub: [
    'list open pull requests in acme/api',
    'what PRs need my review?',
    'summarise PR #42 in acme/api',
    'merge PR #42 in acme/api',
    "comment 'on it' on issue #7 in acme/api",
    'deploy acme/api to staging',
  ],
  Calendar: ["what's on my calendar tomorrow?", 'find 30 minutes with alice@example.com tomorrow', "book 'Sync' with alice@example.com friday at 3pm"],
  Slack: ['summarise this thread', "post 'deploy done' in this channel"],
} as const satisfies Record<string, readonly string[]>;

export type ExampleService = keyof typeof EXAMPLE_REQUESTS;

/** Every example, GitHub first. */
export const ALL_EXAMPLE_REQUESTS: readonly string[] = Object.values(EXAMPLE_REQUESTS).flat();

export function capabilitiesText(): string {
  // One line per service keeps the answer short enough to show whole in a thread.
  const groups = Object.entries(EXAMPLE_REQUESTS).map(([service, examples]) => `• *${service}*: ${examples.map((e) => `_${e}_`).join(' · ')}`);
  return `I can work with GitHub, Google Calendar and Slack for you. Try:\n${groups.join('\n')}`;
}
