import { randomUUID } from 'node:crypto';
import { AgentHubError } from '../errors.js';
import { identityKey, type SlackIdentity } from '../identity.js';
import { getAccessTokenFromTokenVault, TokenVaultAuthorizerBase, TokenVaultError, TokenVaultInterrupt } from './auth0-ai.js';
import type { LinkedAccountStore } from './linked-accounts.js';
import type { TokenCache } from './token-cache.js';

/** What a tool needs from Token Vault: one user's token for one connection and its scopes. */
export interface TokenRequest {
  who: SlackIdentity;
  connection: string;
  /** The minimal scopes the tool declared; part of the cache key in every case. */
  scopes: readonly string[];
  /**
   * Whether the provider reports granted scopes in the exchange response. Google does; a GitHub
   * App's permissions are fixed on the app and Auth0 reports none, so checking would always fail.
   */
  verifyScopes: boolean;
  /** Use this token for this call only: no cache before or after (high-risk actions). */
  singleUse?: boolean;
}

export interface TokenVault {
  /**
   * Calls `use` with an access token for exactly this request. The token exists only inside
   * `use`: it is never returned, stored in graph state or logged. If `use` fails because the
   * provider rejected the token (401), the cached token is dropped and the user is asked to reconnect.
   */
  withToken<T>(request: TokenRequest, use: (accessToken: string) => Promise<T>): Promise<T>;
  /** Drops every cached token of one user (revocation, sign-out). */
  forget(who: SlackIdentity): number;
  /** How many exchanges with Auth0 this process has made (benchmarks, tests). */
  readonly exchanges: number;
}

/** The user has not connected the service, or the grant lacks the scopes the tool needs. */
export class ConnectionRequiredError extends AgentHubError {
  constructor(
    readonly connection: string,
    readonly requiredScopes: string[],
    serviceName: string,
    options?: { cause?: unknown },
  ) {
    super(
      'connection_required',
      `Token Vault has no usable ${connection} grant`,
      `I can't reach ${serviceName} for you yet: your ${serviceName} account isn't connected to AgentHub (or is missing the access this needs). Connect it, then ask again.`,
      options,
    );
  }
}

type VaultCall = { request: TokenRequest; use: (token: string) => Promise<unknown>; callId: string };

export interface TokenVaultOptions {
  auth0: { domain: string; clientId: string; clientSecret: string };
  accounts: LinkedAccountStore;
  cache: TokenCache;
  /** Human names for connections, for messages ("GitHub" rather than "github"). */
  serviceNames?: Record<string, string>;
  /**
   * Runs before every use of a token, cached or not (the revocation check); if it throws, the token
   * is not used. Runs after the not-linked check, so a signed-out person is offered sign-in.
   */
  beforeUse?: (request: TokenRequest) => Promise<void>;
  /** Runs before every exchange with Auth0 (the audit trail); if it throws, no exchange happens. */
  beforeExchange?: (request: TokenRequest) => Promise<void>;
}

/**
 * Our adapter over @auth0/ai's Token Vault authorizer.
 *
 * The SDK caches credentials by "thread" without any user in the key, so two people in one Slack
 * thread would share a token. Here the context id the SDK keys on is built from team, user,
 * connection and scopes — never from the conversation — and the SDK's store is our in-memory cache.
 */
export function createTokenVault({ auth0, accounts, cache, serviceNames = {}, beforeExchange, beforeUse }: TokenVaultOptions): TokenVault {
  let exchanges = 0;
  const authorizers = new Map<string, InstanceType<typeof TokenVaultAuthorizerBase<[VaultCall]>>>();
  const serviceName = (connection: string) => serviceNames[connection] ?? connection;

  const authorizerFor = (request: TokenRequest) => {
    const id = `${request.connection}|${request.verifyScopes ? [...request.scopes].sort().join(' ') : ''}|${request.singleUse ? 'once' : 'cached'}`;
    let authorizer = authorizers.get(id);
    if (!authorizer) {
      authorizer = new TokenVaultAuthorizerBase<[VaultCall]>(auth0, {
        connection: request.connection,
        scopes: request.verifyScopes ? [...request.scopes] : [],
        credentialsContext: request.singleUse ? 'tool-call' : 'thread',
        store: cache,
        refreshToken: async ({ request: r }) => {
          const account = await accounts.get(r.who);
          if (!account) return undefined;
          await beforeExchange?.(r);
          exchanges++;
          return account.refreshToken;
        },
      });
      authorizers.set(id, authorizer);
    }
    return authorizer;
  };

  const cacheContext = (r: TokenRequest) => `${identityKey(r.who)}|${r.connection}|${[...r.scopes].sort().join(' ')}`;

  return {
    async withToken<T>(request: TokenRequest, use: (accessToken: string) => Promise<T>): Promise<T> {
      if (!(await accounts.get(request.who))) {
        throw new AgentHubError(
          'not_linked',
          'No linked Auth0 account for this Slack user',
          "Your Slack account isn't linked to AgentHub yet, so I can't act on your behalf. Sign in to AgentHub first, then ask again.",
        );
      }
      await beforeUse?.(request);
      const call: VaultCall = { request, use: use as (token: string) => Promise<unknown>, callId: randomUUID() };
      const protectedCall = authorizerFor(request).protect(
        (c) => ({ threadID: cacheContext(c.request), toolCallID: c.callId, toolName: c.request.connection }),
        async (c) => {
          try {
            return await c.use(getAccessTokenFromTokenVault());
          } catch (err) {
            if (isCredentialRejection(err)) throw new TokenVaultError(`${c.request.connection} rejected the token`);
            throw err;
          }
        },
      );
      try {
        const result = (await protectedCall(call)) as T;
        return result;
      } catch (err) {
        if (TokenVaultInterrupt.isInterrupt(err)) {
          const interrupt = err as InstanceType<typeof TokenVaultInterrupt>;
          throw new ConnectionRequiredError(request.connection, [...(interrupt.requiredScopes ?? request.scopes)], serviceName(request.connection));
        }
        throw err;
      } finally {
        if (request.singleUse) cache.forget(cacheContext(request));
      }
    },
    forget(who) {
      return cache.forget(`${identityKey(who)}|`);
    },
    get exchanges() {
      return exchanges;
    },
  };
}

/** An upstream said the credentials are no good (HTTP 401), whichever client raised it. */
function isCredentialRejection(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { status?: unknown; response?: { status?: unknown }; code?: unknown };
  return e.status === 401 || e.response?.status === 401 || e.code === 401;
}
