/**
 * §4 App Home render over a 10,000-record audit trail: time to read, build and publish the view
 * (src/slack/home-publisher.ts) to the Slack stand-in, against the same person with an empty trail.
 */
import { WebClient } from '@slack/web-api';
import { type LatencySummary, summarize } from '../support/stats.js';
import { startWorld, TEAM } from '../support/world.js';
import { fill } from './audit.js';

const RECORDS = 10_000;
const RUNS = 30;

export interface HomeResult {
  records: number;
  withTrail: LatencySummary;
  emptyTrail: LatencySummary;
}

export async function homeBench(): Promise<HomeResult> {
  const world = await startWorld();
  try {
    // The filler's records belong to U00…U06 in turn: U01 owns about a seventh of them.
    await fill(world.deps.redis, world.deps.audit, TEAM, RECORDS);
    const client = new WebClient('xoxb-stand-in-bot-token', { slackApiUrl: world.slack.apiUrl, retryConfig: { retries: 0 } });
    const time = async (userId: string) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const t = performance.now();
        await world.deps.home.publish(client, { teamId: TEAM, userId });
        if (i >= 3) samples.push(performance.now() - t);
        world.slack.resetRequests();
      }
      return summarize(samples);
    };
    return { records: RECORDS, withTrail: await time('U01'), emptyTrail: await time('U0EMPTY') };
  } finally {
    await world.close();
  }
}
