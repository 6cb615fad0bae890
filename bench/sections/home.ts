/**
 * §4 App Home render over a 10,000-record audit trail: time to read, build and publish the view
 * (src/slack/home-publisher.ts) to the Slack stand-in, for a person who owns a seventh of the records,
 * for one who owns none of them (the filter reads up to its scan cap), and, as the baseline, for a
 * person in a workspace with an empty trail.
 */
import { WebClient } from '@slack/web-api';
import { type LatencySummary, summarize } from '../support/stats.js';
import { startWorld, TEAM } from '../support/world.js';
import { fill } from './audit.js';

const RECORDS = 10_000;
const RUNS = 30;

export interface HomeResult {
  records: number;
  ownsSeventh: LatencySummary;
  ownsNone: LatencySummary;
  emptyWorkspace: LatencySummary;
}

export async function homeBench(): Promise<HomeResult> {
  const world = await startWorld();
  try {
    // The filler's records belong to U00…U06 in turn: U01 owns about a seventh of them.
    await fill(world.bot.deps.redis, world.bot.deps.audit, TEAM, RECORDS);
    const client = new WebClient('xoxb-stand-in-bot-token', { slackApiUrl: world.slack.apiUrl, retryConfig: { retries: 0 } });
    const time = async (userId: string, teamId = TEAM) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const t = performance.now();
        await world.bot.deps.home.publish(client, { teamId, userId });
        if (i >= 3) samples.push(performance.now() - t);
        world.slack.resetRequests();
      }
      return summarize(samples);
    };
    return { records: RECORDS, ownsSeventh: await time('U01'), ownsNone: await time('U0NONE'), emptyWorkspace: await time('U01', 'T0EMPTY') };
  } finally {
    await world.close();
  }
}
