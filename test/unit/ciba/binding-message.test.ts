import { describe, expect, it } from 'vitest';
import { BINDING_MESSAGE_FALLBACK, BINDING_MESSAGE_PATTERN, sanitizeBindingMessage } from '../../../src/approvals/ciba/binding-message.js';

describe('sanitizeBindingMessage', () => {
  it('keeps a message Auth0 already accepts unchanged', () => {
    expect(sanitizeBindingMessage('Confirm payment of 2500')).toBe('Confirm payment of 2500');
    expect(sanitizeBindingMessage('Merge PR #42 in acme-api: main, v1.2_rc+1')).toBe('Merge PR #42 in acme-api: main, v1.2_rc+1');
  });

  it('replaces refused characters with spaces and collapses them', () => {
    const raw = 'Merge PR #42? (acme/api) → main!';
    expect(BINDING_MESSAGE_PATTERN.test(raw)).toBe(false);
    const clean = sanitizeBindingMessage(raw);
    expect(clean).toBe('Merge PR #42 acme api main');
    expect(clean).toMatch(BINDING_MESSAGE_PATTERN);
  });

  it('folds accents and drops apostrophes inside words', () => {
    expect(sanitizeBindingMessage("Zoë's café — don't")).toBe('Zoes cafe dont');
  });

  it('turns tabs, newlines and runs of spaces into single spaces and trims', () => {
    expect(sanitizeBindingMessage('  Delete\tbranch\n\n  feature/x   ')).toBe('Delete branch feature x');
  });

  it('cuts at a word boundary to at most 64 characters', () => {
    const raw = 'Merge pull request 4242 from acme feature branch into the main branch of repository web';
    const clean = sanitizeBindingMessage(raw);
    expect(clean.length).toBeLessThanOrEqual(64);
    expect(raw.startsWith(clean)).toBe(true);
    expect(raw[clean.length]).toBe(' ');
    expect(clean).toBe('Merge pull request 4242 from acme feature branch into the main');
  });

  it('keeps a word that ends exactly at 64 characters', () => {
    const raw = `${'a'.repeat(30)} ${'b'.repeat(33)} tail`;
    expect(sanitizeBindingMessage(raw)).toBe(`${'a'.repeat(30)} ${'b'.repeat(33)}`);
  });

  it('hard-cuts when the only space is too early to be a sensible boundary', () => {
    const clean = sanitizeBindingMessage(`Deploy ${'x'.repeat(100)}`);
    expect(clean).toHaveLength(64);
    expect(clean.startsWith('Deploy xxx')).toBe(true);
  });

  it('never returns an empty message', () => {
    for (const raw of ['', '   ', '???', '→→ ！', '\u0301']) expect(sanitizeBindingMessage(raw)).toBe(BINDING_MESSAGE_FALLBACK);
    expect(sanitizeBindingMessage(undefined as unknown as string)).toBe(BINDING_MESSAGE_FALLBACK);
  });

  it('always produces something Auth0 accepts', () => {
    const samples = [
      'Merge PR #42? (acme/api) → main!',
      '🚀 deploy prod',
      `${'word '.repeat(40)}`,
      'x'.repeat(200),
      'Close issue #7 "Crash on <script>alert(1)</script>"',
      'Ｆｕｌｌｗｉｄｔｈ ＰＲ ＃９',
      'a\u0000b\u200bc',
    ];
    for (const raw of samples) expect(sanitizeBindingMessage(raw)).toMatch(BINDING_MESSAGE_PATTERN);
    expect(sanitizeBindingMessage('Ｆｕｌｌｗｉｄｔｈ ＰＲ ＃９')).toBe('Fullwidth PR #9');
  });
});
