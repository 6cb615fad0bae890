import { describe, expect, it } from 'vitest';
import { AUDIT_UNAVAILABLE_MESSAGE, AuditUnavailableError } from '../../../src/audit/audit-unavailable-error.js';
import { isHighRisk, parseAuditInput, TEXT_LIMITS } from '../../../src/audit/record.js';

// Assembled at run time so no scanner mistakes these fixtures for real credentials.
const fake = (prefix: string, body: string) => `${prefix}${body}`;
const JWT = ['eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJzdWIiOiJhdXRoMHwxMjMiLCJhdWQiOiJhZ2VudGh1YiJ9', 'c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OQ'].join(
  '.',
);
const LONG_GHS = fake('ghs_', 'A1b2C3d4_'.repeat(30));

const base = { teamId: 'T0001', userId: 'U0001', agent: 'github', kind: 'tool_call_started', action: 'merge PR #42 in acme/api' } as const;

function refusal(input: unknown): AuditUnavailableError {
  try {
    parseAuditInput(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AuditUnavailableError);
    return err as AuditUnavailableError;
  }
  throw new Error('the record was accepted');
}

describe('the audit record guard', () => {
  it.each([
    ['a long, new-format GitHub installation token in the summary', { summary: `GitHub answered with ${LONG_GHS}` }],
    ['a JWT in the reason', { reason: `id_token ${JWT} rejected` }],
    ['a Slack bot token in the target', { target: fake('xoxb-', '1234567890-0987654321-AbCdEfGhIjKlMnOp') }],
    ['a classic GitHub PAT in the action', { action: `use ${fake('ghp_', '0123456789abcdefghijABCDEFGHIJ012345')}` }],
    ['an Authorization header in the summary', { summary: 'Authorization: Bearer abcdef0123456789.opaque-access_token~value' }],
    ['a token in a URL', { target: 'https://example.com/cb?code=abc&access_token=opaque-value-123' }],
    ['a token among the scopes', { scopes: ['repo', LONG_GHS] }],
    ['a token as the run id', { runId: JWT }],
  ])('refuses %s, failing closed, without repeating the value', (_what, extra) => {
    const err = refusal({ ...base, ...extra });
    expect(err.failure).toBe('rejected');
    expect(err.code).toBe('state_unavailable');
    expect(err.userMessage).toBe(AUDIT_UNAVAILABLE_MESSAGE);
    const value = JSON.stringify(extra);
    for (const secret of [LONG_GHS, JWT, 'opaque-value-123', 'abcdef0123456789.opaque']) if (value.includes(secret)) expect(err.message).not.toContain(secret);
  });

  it('refuses a credential used as a field name, without repeating it', () => {
    const err = refusal({ ...base, [LONG_GHS]: 'x' });
    expect(err.message).not.toContain(LONG_GHS);
  });

  it('accepts the plain words records are made of', () => {
    for (const text of [
      'Token Vault exchange for github (single use)',
      'token exchange for github succeeded',
      'merge PR #42 in acme/api',
      'Merged pull request #42 "Fix the token cache" into main',
      'approved by <@U0002> after step-up MFA',
    ])
      expect(parseAuditInput({ ...base, summary: text }).summary).toBe(text);
  });

  it('cuts long free text with an ellipsis, so a long PR title cannot block an action', () => {
    const parsed = parseAuditInput({ ...base, summary: 'x'.repeat(5000), reason: 'y'.repeat(5000), target: 'z'.repeat(1000) });
    expect(parsed.summary).toHaveLength(TEXT_LIMITS.summary);
    expect(parsed.summary!.endsWith('…')).toBe(true);
    expect(parsed.reason).toHaveLength(TEXT_LIMITS.reason);
    expect(parsed.target).toHaveLength(TEXT_LIMITS.target);
  });

  it('never cuts a character in half', () => {
    const parsed = parseAuditInput({ ...base, summary: '😀'.repeat(400) });
    expect(parsed.summary!.length).toBeLessThanOrEqual(TEXT_LIMITS.summary);
    expect(parsed.summary).toMatch(/^(😀)+…$/u);
  });

  it('refuses over-long identifiers, unknown fields, unknown kinds, and markers (only retention writes those)', () => {
    expect(refusal({ ...base, userId: 'U'.repeat(65) }).failure).toBe('rejected');
    expect(refusal({ ...base, password: 'hunter2' }).failure).toBe('rejected');
    expect(refusal({ ...base, kind: 'made_up' }).failure).toBe('rejected');
    expect(refusal({ ...base, kind: 'retention_marker' }).failure).toBe('rejected');
    expect(refusal({ ...base, action: '' }).failure).toBe('rejected');
    expect(refusal({ ...base, argsHash: 'not-a-hash' }).failure).toBe('rejected');
  });

  it('says which fields were wrong, never their values', () => {
    const err = refusal({ ...base, userId: 'U'.repeat(65), outcome: 'exploded' });
    expect(err.message).toContain('userId');
    expect(err.message).toContain('outcome');
    expect(err.message).not.toContain('exploded');
  });
});

describe('high risk', () => {
  it('means a step-up or CIBA decision, or a recorded high or critical risk', () => {
    expect(isHighRisk({ decision: 'step_up' })).toBe(true);
    expect(isHighRisk({ decision: 'ciba' })).toBe(true);
    expect(isHighRisk({ risk: 'critical' })).toBe(true);
    expect(isHighRisk({ risk: 'high', decision: 'allow' })).toBe(true);
    expect(isHighRisk({ decision: 'approve', risk: 'medium' })).toBe(false);
    expect(isHighRisk({})).toBe(false);
  });
});
