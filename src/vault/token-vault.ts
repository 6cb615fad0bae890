import { randomUUID } from 'node:crypto';
import { AgentHubError } from '../errors.js';
import { identityKey, type SlackIdentity } from '../identity.js';
import { getAccessTokenFromTokenVault, type TokenResponse, type TokenSet, TokenVaultAuthorizerBase, TokenVaultError, TokenVaultInterrupt } from './auth0-ai.js';
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
  /** How long Auth0 may take to answer an exchange (default EXCHANGE_TIMEOUT_MS). */
  exchangeTimeoutMs?: number;
}

/**
 * Our adapter over @auth0/ai's Token Vault authorizer.
 *
 * The SDK caches credentials by "thread" without any user in the key, so two people in one Slack
 * thread would share a token. Here the context id the SDK keys on is built from team, user,
 * connection and scopes — never from the conversation — and the SDK's store is our in-memory cache.
 */
export function createTokenVault({
  auth0,
  accounts,
  cache,
  serviceNames = {},
  beforeExchange,
  beforeUse,
  exchangeTimeoutMs = EXCHANGE_TIMEOUT_MS,
}: TokenVaultOptions): TokenVault {
  let exchanges = 0;
  const authorizers = new Map<string, InstanceType<typeof TokenVaultAuthorizerBase<[VaultCall]>>>();
  const serviceName = (connection: string) => serviceNames[connection] ?? connection;

  const authorizerFor = (request: TokenRequest) => {
    const id = `${request.connection}|${request.verifyScopes ? [...request.scopes].sort().join(' ') : ''}|${request.singleUse ? 'once' : 'cached'}`;
    let authorizer = authorizers.get(id);
    if (!authorizer) {
      authorizer = new CheckedTokenVaultAuthorizer(
        { ...auth0, timeoutMs: exchangeTimeoutMs },
        {
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
        },
      );
      authorizers.set(id, authorizer);
    }
    return authorizer;
  };

  const cacheContext = (r: TokenRequest) => `${identityKey(r.who)}|${r.connection}|${[...r.scopes].sort().join(' ')}`;

  return {
    async withToken<T>(request: TokenRequest, use: (accessToken: string) => Promise<T>): Promise<T> {
      // Both reads leave together (one round trip to Redis); a signed-out person is offered sign-in first.
      const [linked, active] = await Promise.allSettled([accounts.has(request.who), beforeUse?.(request)]);
      if (linked.status === 'rejected') throw linked.reason;
      if (!linked.value) {
        throw new AgentHubError(
          'not_linked',
          'No linked Auth0 account for this Slack user',
          "Your Slack account isn't linked to AgentHub yet, so I can't act on your behalf. Sign in to AgentHub first, then ask again.",
        );
      }
      if (active.status === 'rejected') throw active.reason;
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

/** Auth0 answers a Token Vault exchange within this long, or the call is refused rather than left hanging. */
export const EXCHANGE_TIMEOUT_MS = 10_000;

const FEDERATED_EXCHANGE = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';

/**
 * @auth0/ai 5.1.1 performs the exchange with a bare fetch: no deadline, and any failure — an Auth0
 * outage or rate limit too — comes back as "not connected", which sends the person to reconnect
 * GitHub for nothing. This does the same documented exchange with a deadline, and only a 4xx (no
 * such connection, refresh token refused) means the person must connect; 5xx, 429 and network
 * failures say that Auth0 is failing. The SDK still checks the token and its scopes (validateToken).
 */
class CheckedTokenVaultAuthorizer extends TokenVaultAuthorizerBase<[VaultCall]> {
  constructor(
    private readonly tenant: { domain: string; clientId: string; clientSecret: string; timeoutMs: number },
    params: ConstructorParameters<typeof TokenVaultAuthorizerBase<[VaultCall]>>[1],
  ) {
    super(tenant, params);
  }

  protected override async getAccessToken(call: VaultCall): Promise<TokenSet> {
    const subjectToken = await this.getRefreshToken(call);
    let response: TokenResponse | undefined;
    if (subjectToken) {
      const unavailable = (why: string, cause?: unknown) =>
        new AgentHubError(
          'upstream_unavailable',
          `Token Vault exchange for ${call.request.connection} failed: ${why}`,
          'Auth0 is not answering properly right now, so I could not get a token for this. Nothing was done; try again in a minute.',
          { cause },
        );
      let res: Response;
      try {
        res = await fetch(`https://${this.tenant.domain}/oauth/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            grant_type: FEDERATED_EXCHANGE,
            client_id: this.tenant.clientId,
            client_secret: this.tenant.clientSecret,
            subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
            subject_token: subjectToken,
            connection: call.request.connection,
            requested_token_type: 'http://auth0.com/oauth/token-type/federated-connection-access-token',
          }),
          signal: AbortSignal.timeout(this.tenant.timeoutMs),
        });
      } catch (err) {
        throw unavailable((err as Error).name === 'TimeoutError' ? `no answer within ${this.tenant.timeoutMs} ms` : 'network error', err);
      }
      if (res.status >= 500 || res.status === 429) throw unavailable(`HTTP ${res.status}`);
      if (res.ok) response = (await res.json()) as TokenResponse;
    }
    // No token (no link, or a 4xx): the SDK raises the "connect this service" interrupt.
    this.validateToken(response);
    const tr = response as TokenResponse;
    return {
      tokenType: tr.token_type ?? 'Bearer',
      accessToken: tr.access_token,
      expiresIn: tr.expires_in,
      ...(tr.scope ? { scopes: tr.scope.split(' ') } : {}),
    };
  }
}

/** An upstream said the credentials are no good (HTTP 401), whichever client raised it. */
function isCredentialRejection(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { status?: unknown; response?: { status?: unknown }; code?: unknown };
  return e.status === 401 || e.response?.status === 401 || e.code === 401;
}
