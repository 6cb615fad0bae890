import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnqueueResult } from '../../../src/intake/request-queue.js';
import { QUEUE_FULL_TEXT, STATE_UNAVAILABLE_TEXT, submitAgentRequest } from '../../../src/intake/submit-request.js';
import { FakeSlack } from '../../fakes/fake-slack.js';

/** What a person sees when their (already acked) request is handed to the queue, for each answer the queue can give. */
describe('handing an acked request to the queue', () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    slack = new FakeSlack();
    await slack.start();
    client = new WebClient('xoxb-submit-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(() => slack.stop());

  const request = (threadTs: string) => ({ who: { teamId: 'T0001', userId: 'U0SUBMIT' }, channel: 'C0001', threadTs, text: 'list open pull requests' });
  const posted = (threadTs: string) => slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === threadTs);
  const queueAnswering = (answer: () => Promise<EnqueueResult>) => {
    const asked: Array<string | undefined> = [];
    return {
      asked,
      deps: {
        requests: {
          enqueue: async (_r: unknown, o?: { deliveryId?: string }) => {
            asked.push(o?.deliveryId);
            return answer();
          },
        },
        logger: pino({ level: 'silent' }),
      },
    };
  };

  it('queued: nothing is posted now (the process that takes it answers), and the delivery id goes with it', async () => {
    const q = queueAnswering(async () => 'queued');
    await submitAgentRequest(client, request('1.1'), q.deps, 'Ev0QUEUED');
    expect(q.asked).toEqual(['Ev0QUEUED']);
    expect(posted('1.1')).toEqual([]);
  });

  it('a duplicate delivery (Slack retry or replay) is dropped without a word', async () => {
    await submitAgentRequest(client, request('2.1'), queueAnswering(async () => 'duplicate').deps, 'Ev0AGAIN');
    expect(posted('2.1')).toEqual([]);
  });

  it('a full queue: the person is told in the thread that nothing was done, and to ask again later', async () => {
    await submitAgentRequest(client, request('3.1'), queueAnswering(async () => 'full').deps, 'Ev0FULL');
    expect(posted('3.1').map((c) => c.params.text)).toEqual([QUEUE_FULL_TEXT]);
    expect(QUEUE_FULL_TEXT).toMatch(/did nothing with this one/);
  });

  it('Redis unreachable: the person is told the state store is down and nothing was done', async () => {
    const down = queueAnswering(async () => {
      throw new Error('Connection is closed.');
    });
    await submitAgentRequest(client, request('4.1'), down.deps, 'Ev0DOWN');
    expect(posted('4.1').map((c) => c.params.text)).toEqual([STATE_UNAVAILABLE_TEXT]);
  });
});
