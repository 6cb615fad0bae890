import { describe, expect, it } from 'vitest';
import { createEvent } from '../../../src/integrations/calendar/create-event.js';
import { updateEvent } from '../../../src/integrations/calendar/update-event.js';
import { createGate, type GateFacts } from '../../../src/policy/gate.js';
import { DEFAULT_POLICY } from '../../../src/policy/policy-file.js';

const facts: GateFacts = {
  privateReadAuthorized: async () => false,
  rememberPrivateRead: async () => undefined,
  countHighRisk: async () => 0,
};
const gate = createGate({ policy: DEFAULT_POLICY, facts });
const who = { teamId: 'T1', userId: 'U1' };
const guests = (n: number) => Array.from({ length: n }, (_, i) => `guest${i}@acme.test`);

describe('actions that e-mail many people are high risk (riskFor)', () => {
  it('an invitation to 2 people asks the requester; to 10 it also needs MFA', async () => {
    const few = await gate.check({ who, tool: createEvent, args: { summary: 'Sync', start: 'tomorrow 15:00', attendees: guests(2) }, target: {} });
    expect(few).toMatchObject({ risk: 'medium', outcome: 'approve' });
    const many = await gate.check({ who, tool: createEvent, args: { summary: 'All hands', start: 'tomorrow 15:00', attendees: guests(10) }, target: {} });
    expect(many).toMatchObject({ risk: 'high', outcome: 'step_up' });
    const quiet = await gate.check({
      who,
      tool: createEvent,
      args: { summary: 'All hands', start: 'tomorrow 15:00', attendees: guests(10), notify: false },
      target: {},
    });
    expect(quiet.risk).toBe('medium');
  });

  it('moving an event counts the guests already invited, which only the target knows', async () => {
    const args = { event_id: 'allhands', start: 'tomorrow 16:00' };
    expect((await gate.check({ who, tool: updateEvent, args, target: { audience: 3 } })).risk).toBe('medium');
    expect((await gate.check({ who, tool: updateEvent, args, target: { audience: 200 } })).risk).toBe('high');
    expect((await gate.check({ who, tool: updateEvent, args: { ...args, notify: false }, target: { audience: 200 } })).risk).toBe('medium');
  });
});
