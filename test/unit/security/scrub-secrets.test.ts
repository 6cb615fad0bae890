import { describe, expect, it } from 'vitest';
import { REDACTED, scrubSecrets } from '../../../src/security/scrub-secrets.js';

// Assembled at run time so no scanner mistakes these fixtures for real credentials.
const fake = (prefix: string, body: string) => `${prefix}${body}`;
const JWT = ['eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJzdWIiOiJhdXRoMHwxMjMiLCJhdWQiOiJhZ2VudGh1YiJ9', 'c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OQ'].join(
  '.',
);

const CREDENTIALS: Array<[string, string]> = [
  ['a Slack bot token', fake('xoxb-', '1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx')],
  ['a Slack user token', fake('xoxp-', '1234567890-0987654321-1122334455-abcdef0123')],
  ['a Slack app-level token', fake('xapp-', '1-A0123456789-1234567890123-abcdef0123456789')],
  ['a classic GitHub PAT', fake('ghp_', '0123456789abcdefghijABCDEFGHIJ012345')],
  ['a GitHub user-to-server token', fake('ghu_', '0123456789abcdefghijABCDEFGHIJ012345')],
  ['a GitHub OAuth token', fake('gho_', '0123456789abcdefghijABCDEFGHIJ012345')],
  ['a GitHub installation token', fake('ghs_', '0123456789abcdefghijABCDEFGHIJ012345')],
  ['a long, new-format GitHub installation token', fake('ghs_', 'A1b2C3d4_'.repeat(30))],
  ['a GitHub fine-grained PAT', fake('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV')],
  ['a Google access token', fake('ya29.', 'a0AfB_byC-0123456789abcdefghijklmnopqrstuvwxyz')],
  ['a Google refresh token', fake('1//', '0gAbCdEfGhIjKlMnOpQrStUvWxYz-0123456789')],
  ['a Groq API key', fake('gsk_', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789')],
  ['an OpenAI API key', fake('sk-', 'proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789')],
  ['a JWT', JWT],
];

describe('scrubSecrets', () => {
  it.each(CREDENTIALS)('replaces %s wherever it sits in a sentence', (_what, secret) => {
    for (const text of [secret, `upstream said: ${secret} is invalid`, `{"token":"${secret}"}`, `(${secret})`]) {
      const out = scrubSecrets(text);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
    }
  });

  it('keeps the words around a credential intact', () => {
    const secret = CREDENTIALS[3]![1];
    expect(scrubSecrets(`GitHub refused ${secret} with 401 Bad credentials`)).toBe(`GitHub refused ${REDACTED} with 401 Bad credentials`);
  });

  it.each([
    ['an Authorization: Bearer header', 'Authorization: Bearer abcdef0123456789.opaque-access_token~value'],
    ['an Authorization: token header with an opaque value', 'Authorization: token 0123456789abcdef0123456789abcdef'],
    ['a lower-case bearer value in a stack trace', 'at fetch (headers: { authorization: "bearer Zm9vYmFyYmF6cXV4MTIzNDU2" })'],
  ])('replaces the value of %s', (_what, text) => {
    const value = text.match(/(?:Bearer|bearer|token) ([^\s"]+)/)![1]!;
    const out = scrubSecrets(text);
    expect(out).not.toContain(value);
    expect(out).toContain(REDACTED);
  });

  it('replaces every credential in a text that quotes several', () => {
    const text = CREDENTIALS.map(([, secret]) => secret).join(' and ');
    const out = scrubSecrets(text);
    for (const [, secret] of CREDENTIALS) expect(out).not.toContain(secret);
  });

  it.each([
    ['a PR title', 'Bump eslint from 8.57.0 to 9.1.1 in /packages/web'],
    ['a PR title about tokens', 'Fix: refresh the token before it expires'],
    ['a sentence using "token" as a word', 'the token expired, please reconnect GitHub'],
    ['a sentence using "Bearer" as a word', 'Bearer of good news: the build is green'],
    ['a GitHub URL', 'https://github.com/acme/api/pull/42#issuecomment-1234567890'],
    ['a URL with a path and query', 'https://docs.example.com/guides/oauth/skip-tokens?tab=settings&page=2'],
    ['a branch name', 'feature/task-management-dashboard-v2'],
    ['hyphenated words that contain "sk-"', 'risk-assessment-framework and desk-reservation-system'],
    ['a commit SHA', 'merged as 3f786850e387550fdab836ed7e6dc881de23001b'],
    ['a Slack mention and channel link', 'ping <@U0123ABCD> in <#C0123ABCD|general>'],
    ['a date and a version', 'released 1/2/2025 as v1.2.3'],
  ])('leaves %s untouched', (_what, text) => {
    expect(scrubSecrets(text)).toBe(text);
  });
});
