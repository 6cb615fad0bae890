import type { Redis } from 'ioredis';
import type { SlackIdentity } from '../identity.js';
import type { Keys } from '../store/keys.js';
import { type ActionTarget, RISK_ORDER, riskOf, type ToolDefinition } from '../tools/tool-definition.js';
import { decide } from './decide.js';
import type { Decision, Policy } from './types.js';

export interface GateCheck {
  who: SlackIdentity;
  tool: ToolDefinition;
  args: Record<string, unknown>;
  target: ActionTarget;
  /**
   * Identifies this request for the anomaly counter, so re-checking the same request (after an
   * approval) never counts it twice. Omit for dry-runs, which count nothing.
   */
  requestId?: string;
  now?: Date;
}

export interface Gate {
  readonly policy: Policy;
  check(input: GateCheck): Promise<Decision>;
  /** Remembers that this person authorised reading a private repository (no approval next time). */
  rememberPrivateRead(who: SlackIdentity, repoFullName: string): Promise<void>;
}

/** What only shared state knows: private repositories already authorised, recent high-risk requests. */
export interface GateFacts {
  privateReadAuthorized(who: SlackIdentity, repoFullName: string): Promise<boolean>;
  rememberPrivateRead(who: SlackIdentity, repoFullName: string): Promise<void>;
  /** High-risk requests in the window including this one; records `requestId` once when given. */
  countHighRisk(who: SlackIdentity, input: { now: Date; windowMs: number; requestId?: string }): Promise<number>;
}

export function createRedisGateFacts({ redis, keys }: { redis: Redis; keys: Keys }): GateFacts {
  const privateKey = (who: SlackIdentity) => keys.key('private-read', who.teamId, who.userId);
  const burstKey = (who: SlackIdentity) => keys.key('high-risk', who.teamId, who.userId);
  return {
    async privateReadAuthorized(who, repo) {
      return (await redis.sismember(privateKey(who), repo.toLowerCase())) === 1;
    },
    async rememberPrivateRead(who, repo) {
      await redis.sadd(privateKey(who), repo.toLowerCase());
    },
    async countHighRisk(who, { now, windowMs, requestId }) {
      const key = burstKey(who);
      const since = String(now.getTime() - windowMs);
      if (!requestId) return Number(await redis.zcount(key, since, '+inf')) + 1;
      // NX: the same request re-checked after its approval keeps its first timestamp and counts once;
      // it is judged by the requests up to it, not by any made after it.
      const results = (await redis
        .multi()
        .zadd(key, 'NX', now.getTime(), requestId)
        .zscore(key, requestId)
        .pexpire(key, Math.max(windowMs, 60_000) * 2)
        .exec()) as Array<[Error | null, unknown]>;
      const at = Number(results[1]?.[1] ?? now.getTime());
      await redis.zremrangebyscore(key, '-inf', `(${now.getTime() - 2 * windowMs}`);
      return Number(await redis.zcount(key, String(at - windowMs), String(at)));
    },
  };
}

/**
 * The policy gate with its facts: the pure `decide` plus what only shared state knows. The model
 * supplies none of this; every tool call passes through `check` before it runs.
 */
export function createGate({ policy, facts }: { policy: Policy; facts: GateFacts }): Gate {
  return {
    policy,
    async check({ who, tool, args, target, requestId, now = new Date() }) {
      const repo = target.repo;
      const risk = riskOf(tool, args, target);
      const highRisk = RISK_ORDER[risk] >= RISK_ORDER.high;
      const [authorized, recent] = await Promise.all([
        repo?.private ? facts.privateReadAuthorized(who, repo.fullName) : Promise.resolve(false),
        highRisk ? facts.countHighRisk(who, { now, windowMs: policy.anomaly.windowMinutes * 60_000, requestId }) : Promise.resolve(0),
      ]);
      return decide(
        { tool: tool.name, service: tool.service, risk, scopes: tool.scopes, args, readOnly: tool.readOnly },
        who,
        { now, repo: target.repo, branch: target.branch, privateRepoAuthorized: authorized, recentHighRiskCount: recent },
        policy,
      );
    },
    rememberPrivateRead: (who, repo) => facts.rememberPrivateRead(who, repo),
  };
}
