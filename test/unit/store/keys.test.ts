import { describe, expect, it } from 'vitest';
import { createKeys } from '../../../src/store/keys.js';

/** Redis glob semantics for the only wildcard `pattern()` emits. */
const globMatches = (pattern: string, key: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(key);

describe('Redis keys', () => {
  it('are built as prefix:kind:id, under agenthub by default', () => {
    expect(createKeys().key('lock', 'turn-1')).toBe('agenthub:lock:turn-1');
    expect(createKeys('test-abc').key('refresh-token', 'T1', 'U1')).toBe('test-abc:refresh-token:T1:U1');
  });

  it("keep ids containing ':' unambiguous: ('a:b','c') and ('a','b:c') are different keys", () => {
    const keys = createKeys('p');
    expect(keys.key('token', 'a:b', 'c')).not.toBe(keys.key('token', 'a', 'b:c'));
    expect(keys.key('token', 'a:b')).not.toBe(keys.key('token', 'a', 'b'));
  });

  it("cannot be forged by an id that spells out the escape itself ('%3A')", () => {
    const keys = createKeys('p');
    expect(keys.key('token', 'a%3Ab')).not.toBe(keys.key('token', 'a:b'));
  });

  it('differ between prefixes, so parallel test runs never see each other', () => {
    expect(createKeys('run-1').key('event', 'Ev1')).not.toBe(createKeys('run-2').key('event', 'Ev1'));
  });

  it('pattern(kind) matches every key of that kind and no key of a kind whose name merely starts the same', () => {
    const keys = createKeys('p');
    const pattern = keys.pattern('checkpoint');
    expect(globMatches(pattern, keys.key('checkpoint', 'thread:1', 'ns', 'c1'))).toBe(true);
    expect(globMatches(pattern, keys.key('checkpoint-index', 'thread:1'))).toBe(false);
    expect(globMatches(pattern, keys.key('checkpoint-writes', 'thread:1'))).toBe(false);
    expect(globMatches(pattern, createKeys('q').key('checkpoint', 'thread:1'))).toBe(false);
  });
});
