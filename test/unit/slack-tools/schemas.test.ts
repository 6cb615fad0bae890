import { describe, expect, it } from 'vitest';
import { channel, fromSlackTs, messageTs, toSlackTs } from '../../../src/integrations/slack/schemas.js';

describe('Slack argument schemas', () => {
  it('normalises channel mentions to bare ids', () => {
    expect(channel.parse('<#C0123ABC|general>')).toBe('C0123ABC');
    expect(channel.parse('<#G0123|>')).toBe('G0123');
    expect(channel.parse('<#D0123>')).toBe('D0123');
    expect(channel.parse(' C0123 ')).toBe('C0123');
  });

  it('refuses names, user ids and anything that is not a conversation id', () => {
    for (const bad of ['general', '#general', 'U0123', 'c0123', 'C0', '<#C0123|general', 'C0123 C0456', `C${'1'.repeat(30)}`]) {
      expect(channel.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('takes message timestamps as Slack writes them, and converts them both ways', () => {
    expect(messageTs.safeParse('1712345678.123456').success).toBe(true);
    for (const bad of ['1712345678', '1712345678.12', 'now']) expect(messageTs.safeParse(bad).success, bad).toBe(false);
    expect(toSlackTs(Date.UTC(2026, 10, 30, 9))).toBe('1796029200.000000');
    expect(fromSlackTs('1796029200.500000').toISOString()).toBe('2026-11-30T09:00:00.500Z');
  });
});
