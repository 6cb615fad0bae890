import { describe, expect, it } from 'vitest';
import { countedAs, formatReport, formatTable } from '../../../src/audit/report.js';

describe('report', () => {
  it('counts finished actions, approvals, denials, step-ups and revocations, and nothing else', () => {
    expect(countedAs({ kind: 'tool_call_finished', outcome: 'ok' })).toBe('actions');
    expect(countedAs({ kind: 'tool_call_finished', outcome: 'error' })).toBeUndefined();
    expect(countedAs({ kind: 'tool_call_started', outcome: 'pending' })).toBeUndefined();
    expect(countedAs({ kind: 'approval_decided', decision: 'approved' })).toBe('approvals');
    expect(countedAs({ kind: 'approval_decided', decision: 'denied' })).toBe('denials');
    expect(countedAs({ kind: 'policy_decision', decision: 'deny', outcome: 'refused' })).toBe('denials');
    expect(countedAs({ kind: 'policy_decision', decision: 'allow', outcome: 'ok' })).toBeUndefined();
    expect(countedAs({ kind: 'step_up', outcome: 'ok' })).toBe('stepUps');
    expect(countedAs({ kind: 'step_up', outcome: 'refused' })).toBeUndefined();
    expect(countedAs({ kind: 'revocation', outcome: 'ok' })).toBe('revocations');
  });

  it('aligns tables: text to the left, numbers to the right', () => {
    const table = formatTable(
      ['user', 'actions'],
      [
        ['U1', 5],
        ['U0002', 123],
      ],
    );
    expect(table.split('\n')).toEqual(['user   actions', '-----  -------', 'U1           5', 'U0002      123']);
  });

  it('prints the period, both tables and the totals', () => {
    const row = { teamId: 'T1', actions: 2, approvals: 1, denials: 0, stepUps: 1, revocations: 0 };
    const text = formatReport({
      teamIds: ['T1'],
      since: new Date('2025-01-01T00:00:00Z'),
      records: 9,
      byUser: [{ ...row, name: 'U1' }],
      byAgent: [{ ...row, name: 'github' }],
      totals: { actions: 2, approvals: 1, denials: 0, stepUps: 1, revocations: 0 },
    });
    expect(text).toContain('workspace T1, 2025-01-01T00:00:00.000Z to now');
    expect(text).toMatch(/By user\nworkspace\s+user\s+actions\s+approvals\s+denials\s+step-ups\s+revocations\n/);
    expect(text).toMatch(/T1\s+U1\s+2\s+1\s+0\s+1\s+0\n/);
    expect(text).toMatch(/total\s+2\s+1\s+0\s+1\s+0\n/);
  });
});
