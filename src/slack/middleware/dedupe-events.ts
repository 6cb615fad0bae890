import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../../store/keys.js';

const REMEMBER_SECONDS = 24 * 60 * 60; // longer than Slack's whole retry schedule
const CLAIMED_WHEN_QUEUED = new Set(['app_mention', 'message']);

/**
 * Slack retries an event it thinks we missed (X-Slack-Retry-Num), and an attacker can replay a
 * signed request within the five-minute window. Each event_id is claimed once in Redis (SET NX),
 * so across every bot process an event is planned and answered once. If Redis cannot answer, the
 * event is dropped rather than risk running twice; `onStateUnavailable` tells the person.
 */
export function createEventDedupe({
  redis,
  keys,
  logger,
  onStateUnavailable,
}: {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  onStateUnavailable: (args: AnyMiddlewareArgs) => Promise<void>;
}): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, next, context } = args as AnyMiddlewareArgs & { next: () => Promise<void>; context: { retryNum?: number } };
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== 'string') return next();
    // Mentions and messages become queued requests: the queue claims their event_id in the same
    // atomic step as queueing them (src/intake/request-queue.ts), one Redis call instead of two.
    if (CLAIMED_WHEN_QUEUED.has(String((body as { event?: { type?: unknown } }).event?.type))) return next();
    let first: boolean;
    try {
      first = (await redis.set(keys.key('event', eventId), '1', 'EX', REMEMBER_SECONDS, 'NX')) === 'OK';
    } catch (err) {
      logger.error({ err, eventId }, 'event dedupe unavailable: dropping the event');
      await onStateUnavailable(args).catch((e) => logger.warn({ err: e }, 'could not tell the user about the outage'));
      return;
    }
    if (!first) {
      logger.info({ eventId, retryNum: context.retryNum }, 'duplicate event delivery ignored');
      return;
    }
    await next();
  };
}
