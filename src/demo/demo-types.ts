/** A person of the demo workspace, as the demo page lets you act as them. */
export interface DemoUser {
  /** Slack user id, e.g. U0ALICE. */
  id: string;
  /** Display name, e.g. "Alice Lee". */
  name: string;
  /** What they are for in the tour, e.g. "requester — signed in, GitHub and Google connected". */
  role: string;
}

/** A channel of the demo workspace (the bot is a member). */
export interface DemoChannel {
  id: string;
  name: string;
}

/** What the demo page needs to know about the running demo. */
export interface DemoWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  users: DemoUser[];
  channels: DemoChannel[];
  /** Shown at the top of the page, e.g. that nothing persists without Redis. */
  banner?: string;
}
