import type { KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { buildReply, buildWorkingMessage, splitForSections } from '../../../../src/slack/blocks/reply.js';

const SECTION_TEXT_LIMIT = 3000;
const MAX_BLOCKS = 50;

const sections = (blocks: KnownBlock[]) => blocks.filter((b): b is SectionBlock => b.type === 'section');
const sectionTexts = (blocks: KnownBlock[]) => sections(blocks).map((b) => b.text?.text ?? '');
const contextText = (blocks: KnownBlock[]) => {
  const context = blocks.find((b) => b.type === 'context');
  return context && context.type === 'context' ? context.elements.map((e) => ('text' in e ? e.text : '')).join(' ') : '';
};

function expectWithinBlockKitLimits(message: ReturnType<typeof buildReply>) {
  expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const text of sectionTexts(message.blocks)) {
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
  }
  expect(message.text.length).toBeGreaterThan(0);
}

describe('buildReply', () => {
  it('shows a short answer in one section with a plain-text fallback for notifications', () => {
    const reply = buildReply({ status: 'answered', text: '*acme/api* has 2 open pull requests' }, { planner: 'built-in' });
    expect(sectionTexts(reply.blocks)).toEqual(['*acme/api* has 2 open pull requests']);
    expect(reply.text).toBe('*acme/api* has 2 open pull requests');
    expect(contextText(reply.blocks)).toContain('built-in planner');
  });

  it.each([
    ['one 200 kB line', 'x'.repeat(200_000)],
    ['200 kB of short lines', Array.from({ length: 4000 }, (_, i) => `• line ${i} ${'y'.repeat(40)}`).join('\n')],
    ['200 kB of lines just over half a section long', Array.from({ length: 120 }, () => 'z'.repeat(1600)).join('\n')],
  ])('keeps a huge answer (%s) within Block Kit limits and says it was cut', (_what, text) => {
    const reply = buildReply({ status: 'answered', text }, { planner: 'built-in' });
    expectWithinBlockKitLimits(reply);
    expect(reply.text.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    expect(sectionTexts(reply.blocks).at(-1)).toMatch(/cut/);
  });

  it('keeps every character of an answer that fits in one message', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i} ${'w'.repeat(100)}`).join('\n');
    const reply = buildReply({ status: 'answered', text }, { planner: 'built-in' });
    expectWithinBlockKitLimits(reply);
    expect(sectionTexts(reply.blocks).join('\n')).toBe(text);
  });

  it.each([
    ['failed', { status: 'failed' as const, text: 'GitHub is not answering right now. Try again in a minute.', refId: 'ref-7f3a9c' }],
    ['halted', { status: 'halted' as const, text: 'Connect your GitHub account first.', code: 'connection_required', refId: 'ref-7f3a9c' }],
  ])('shows the reference id of a %s turn, so support can find it in the logs', (_status, result) => {
    const reply = buildReply(result, { planner: 'built-in' });
    expectWithinBlockKitLimits(reply);
    expect(contextText(reply.blocks)).toContain('ref-7f3a9c');
    expect(sectionTexts(reply.blocks)[0]).toContain(result.text);
    expect(reply.text).toContain(result.text);
  });

  it('does not show a reference id for an answered turn', () => {
    const reply = buildReply({ status: 'answered', text: 'done' }, { planner: 'Groq' });
    expect(contextText(reply.blocks)).not.toMatch(/reference/i);
  });

  it('neutralizes broadcasts the model echoed, in the blocks and in the notification text', () => {
    const reply = buildReply({ status: 'answered', text: 'PR title: <!channel> <!here> deploy now, cc <@U0123ABC>' }, { planner: 'Groq' });
    const everything = JSON.stringify(reply);
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<!here>');
    expect(reply.text).toContain('<@U0123ABC>');
  });
});

describe('buildWorkingMessage', () => {
  it('says the bot is working, with a plain-text fallback', () => {
    const message = buildWorkingMessage();
    expect(message.text).toMatch(/working/i);
    expect(message.blocks.length).toBeGreaterThan(0);
  });
});

describe('splitForSections', () => {
  it('returns short text as one chunk, unchanged', () => {
    expect(splitForSections('hello\nworld', 100)).toEqual(['hello\nworld']);
  });

  it('returns nothing for empty text, so no empty section is built', () => {
    expect(splitForSections('')).toEqual([]);
  });

  it('splits at a line break, never in the middle of a line that fits', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(2, '0')} ${'a'.repeat(27)}`); // 30 chars each
    const chunks = splitForSections(lines.join('\n'), 100);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      for (const line of chunk.split('\n')) expect(lines).toContain(line);
    }
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });

  it('cuts a line longer than the limit, losing nothing', () => {
    const text = 'b'.repeat(250);
    const chunks = splitForSections(text, 100);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunks.join('')).toBe(text);
  });
});
