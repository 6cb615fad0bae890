/**
 * Contract check of the fakes against the real SDKs (@auth0/ai, octokit, ChatGroq, Bolt).
 * If one of these fails after an SDK upgrade, the fake no longer speaks the wire format.
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/auth0-test-cert.pem (the Auth0 fake is HTTPS).
 */
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '@auth0/ai/stores';
import { getAccessTokenFromTokenVault, TokenVaultAuthorizerBase } from '@auth0/ai/TokenVault';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatGroq } from '@langchain/groq';
import { App, LogLevel } from '@slack/bolt';
import { Octokit, RequestError } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAuth0, REFRESH_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from './fake-auth0.js';
import { FakeGitHub } from './fake-github.js';
import { FakeGroq } from './fake-groq.js';
import { FakeSlack } from './fake-slack.js';
import { appMention, postCommand, postEvent, slashCommand } from './slack-requests.js';

const auth0 = new FakeAuth0();
const github = new FakeGitHub();
const groq = new FakeGroq();
const slack = new FakeSlack();
let domain = '';

beforeAll(async () => {
  ({ domain } = await auth0.start());
  await Promise.all([github.start(), groq.start(), slack.start()]);
  github.seedDemo('alice-gh');
  // Tokens minted by Token Vault become valid GitHub tokens for the user's login.
  auth0.onTokenIssued((t) => t.connection === 'github' && github.acceptToken(t.token, 'alice-gh'));
  auth0.addUser({ sub: 'auth0|alice', refreshToken: 'rt-alice', connections: { github: {} } });
});
afterAll(() => Promise.all([auth0.stop(), github.stop(), groq.stop(), slack.stop()]));

describe('Auth0 fake + @auth0/ai Token Vault + GitHub fake + octokit', () => {
  type Args = [{ refreshToken: string }];
  let call = 0;
  const authorizer = (clientSecret = auth0.clientSecret) =>
    new TokenVaultAuthorizerBase<Args>(
      { domain, clientId: auth0.clientId, clientSecret },
      { connection: 'github', scopes: [], refreshToken: async ({ refreshToken }) => refreshToken, credentialsContext: 'tool-call', store: new MemoryStore() },
    ).protect(
      () => ({ threadID: 't1', toolCallID: `call-${++call}`, toolName: 'list_prs' }),
      async () => getAccessTokenFromTokenVault(),
    );

  it('exchanges the refresh token for a canary GitHub token that octokit can use', async () => {
    const token: string = await authorizer()({ refreshToken: 'rt-alice' });
    expect(token).toMatch(/^ghu_CANARY_/);
    expect(auth0.tokenInfo(token)).toMatchObject({ sub: 'auth0|alice', connection: 'github', expiresIn: 3600 });
    expect(auth0.exchanges.at(-1)).toMatchObject({
      contentType: 'application/json',
      params: {
        grant_type: TOKEN_EXCHANGE_GRANT,
        client_id: auth0.clientId,
        subject_token_type: REFRESH_TOKEN_TYPE,
        subject_token: 'rt-alice',
        connection: 'github',
      },
    });

    const octokit = new Octokit({ auth: token, baseUrl: github.url, retry: { enabled: false }, throttle: { enabled: false } });
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner: 'acme', repo: 'widgets', state: 'open', per_page: 2 });
    expect(new Set(pulls.map((p) => p.title)).size).toBe(3);
    expect(github.requestsWithToken(token).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(github.requests[0]?.authorization).toBe(`token ${token}`);
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'acme', repo: 'widgets', pull_number: 1, per_page: 1 });
    expect(files.map((f) => f.filename)).toEqual(['src/widget-1.ts', 'README.md']);

    const bad = new Octokit({ auth: 'ghp_unknown', baseUrl: github.url, retry: { enabled: false }, throttle: { enabled: false } });
    const e401 = await bad.rest.users.getAuthenticated().catch((e: unknown) => e);
    expect(e401).toBeInstanceOf(RequestError);
    expect(e401).toMatchObject({ status: 401, response: { data: { message: 'Bad credentials' } } });
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'nope' })).rejects.toMatchObject({ name: 'HttpError', status: 404 });
  });

  it('turns a disconnected account, an unknown refresh token and a wrong client secret into TOKEN_VAULT_ERROR', async () => {
    auth0.disconnect('auth0|alice', 'github');
    await expect(authorizer()({ refreshToken: 'rt-alice' })).rejects.toMatchObject({ code: 'TOKEN_VAULT_ERROR', connection: 'github' });
    expect(auth0.requests.at(-1)).toMatchObject({ status: 401, responseBody: { error: 'federated_connection_refresh_token_not_found' } });
    auth0.connect('auth0|alice', 'github');
    await expect(authorizer()({ refreshToken: 'rt-nobody' })).rejects.toMatchObject({ code: 'TOKEN_VAULT_ERROR' });
    await expect(authorizer('wrong')({ refreshToken: 'rt-alice' })).rejects.toMatchObject({ code: 'TOKEN_VAULT_ERROR' });
    expect(auth0.requests.slice(-2).map((r) => (r.responseBody as { error: string }).error)).toEqual(['invalid_grant', 'access_denied']);
  });
});

describe('Groq fake + ChatGroq', () => {
  const tools = [
    {
      type: 'function' as const,
      function: {
        name: 'list_pull_requests',
        description: 'List open PRs',
        parameters: { type: 'object', properties: { repo: { type: 'string' } }, required: ['repo'] },
      },
    },
  ];
  const model = () => new ChatGroq({ model: 'llama-3.3-70b-versatile', apiKey: 'gsk_test', baseUrl: groq.url, temperature: 0, maxRetries: 0 });

  it('returns scripted tool calls and text, streaming and not', async () => {
    groq.reply({ toolCalls: [{ name: 'list_pull_requests', args: { repo: 'acme/widgets' }, id: 'call_a' }] });
    const ai = await model().bindTools(tools).invoke('What is open?');
    expect(ai.tool_calls).toEqual([{ name: 'list_pull_requests', args: { repo: 'acme/widgets' }, id: 'call_a', type: 'tool_call' }]);

    groq.reply({ toolCalls: [{ name: 'list_pull_requests', args: { repo: 'acme/gadgets' } }] });
    let acc: AIMessageChunk | undefined;
    for await (const c of await model().bindTools(tools).stream('And gadgets?')) acc = acc ? acc.concat(c) : c;
    expect(acc?.tool_calls).toMatchObject([{ name: 'list_pull_requests', args: { repo: 'acme/gadgets' } }]);

    groq.reply((body) => ({ content: `you said ${String(body.messages.at(-1)?.content)}` }));
    let text = '';
    for await (const c of await model().stream('hello there')) text += String(c.content);
    expect(text).toBe('you said hello there');
    expect(groq.bodies.at(-1)).toMatchObject({ stream: true, messages: [{ role: 'user', content: 'hello there' }] });
    expect(groq.requests.at(-1)?.authorization).toBe('Bearer gsk_test');

    await expect(model().invoke('unscripted')).rejects.toThrow(/no scripted reply/);
  });
});

describe('Slack fake + Bolt over HTTP', () => {
  const SECRET = 'test-signing-secret';
  let app: App;
  let endpoint = '';
  beforeAll(async () => {
    app = new App({
      token: 'xoxb-test',
      signingSecret: SECRET,
      botId: 'B1',
      botUserId: 'UBOT',
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: `hi <@${event.user}>`, thread_ts: event.ts });
    });
    app.command('/agenthub', async ({ ack, respond }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: 'done' });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => app.stop());

  it('delivers a signed app_mention whose say() reaches the fake; rejects a bad signature', async () => {
    const res = await postEvent(endpoint, SECRET, appMention({ text: '<@UBOT> hello', user: 'U1', channel: 'C1', ts: '1700000000.000100' }));
    expect(res.status).toBe(200);
    const post = await slack.waitFor((c) => c.api === 'chat.postMessage');
    expect(post).toMatchObject({ authorization: 'Bearer xoxb-test', params: { channel: 'C1', thread_ts: '1700000000.000100', text: 'hi <@U1>' } });
    expect(slack.messagesIn('C1', '1700000000.000100')).toHaveLength(1);

    expect((await postEvent(endpoint, SECRET, appMention({ text: 'x' }), { wrongSecret: true })).status).toBe(401);
  });

  it('routes a slash command respond() to the response_url sink', async () => {
    const res = await postCommand(endpoint, SECRET, slashCommand({ text: 'help', responseUrl: slack.responseUrl('cmd-1') }));
    expect(res.status).toBe(200);
    expect((await slack.waitFor((c) => c.responseId === 'cmd-1')).params).toMatchObject({ response_type: 'ephemeral', text: 'done' });
  });
});
