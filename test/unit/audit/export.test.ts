import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, csvRow, parseSince } from '../../../src/audit/export.js';
import type { ChainedRecord } from '../../../src/audit/record.js';

/** A small RFC 4180 reader, to check that what we write reads back as what we meant. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('CSV', () => {
  it('quotes fields with commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('defuses text a spreadsheet would run as a formula (record text can come from anyone’s issue title)', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-cmd')).toBe("'-cmd");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes a row per record that reads back column for column', () => {
    const record = {
      teamId: 'T1',
      seq: 7,
      id: '1700000000000-0',
      at: '2025-01-01T00:00:00.000Z',
      userId: 'U1',
      agent: 'github',
      kind: 'tool_call_finished',
      action: 'merge PR #4 in acme/api',
      summary: 'Title: "Fix, then\nship"',
      scopes: ['repo', 'read:org'],
      outcome: 'ok',
      prev: '0'.repeat(64),
      hash: 'f'.repeat(64),
    } as ChainedRecord;
    const [header, row] = readCsv(`${CSV_COLUMNS.join(',')}\r\n${csvRow(record)}\r\n`);
    const byName = Object.fromEntries(header!.map((h, i) => [h, row![i]]));
    expect(row).toHaveLength(CSV_COLUMNS.length);
    expect(byName).toMatchObject({ seq: '7', summary: 'Title: "Fix, then\nship"', scopes: 'repo read:org', userId: 'U1', tool: '', hash: 'f'.repeat(64) });
  });
});

describe('--since and --until', () => {
  const now = Date.parse('2025-06-15T12:00:00Z');

  it.each([
    ['30m', '2025-06-15T11:30:00.000Z'],
    ['12h', '2025-06-15T00:00:00.000Z'],
    ['7d', '2025-06-08T12:00:00.000Z'],
    ['2w', '2025-06-01T12:00:00.000Z'],
    ['2025-01-31', '2025-01-31T00:00:00.000Z'],
    ['2025-01-31T08:15:00Z', '2025-01-31T08:15:00.000Z'],
    ['2025-01-31T08:15:00+02:00', '2025-01-31T06:15:00.000Z'],
  ])('reads %s', (input, expected) => {
    expect(parseSince(input, now).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '7', '7x', '-7d', '2025-13-45', '', '31/01/2025'])('refuses %j with a sentence saying what works', (input) => {
    expect(() => parseSince(input, now)).toThrow(/ISO date .* 7d/);
  });
});
