import { describe, expect, it } from 'vitest';
import { issueSearchQuery } from '../../../src/integrations/github/issue-tools.js';
import { searchTerms } from '../../../src/integrations/github/search.js';

describe('the person’s words as GitHub search terms', () => {
  it('quotes free text so operators, parentheses and stray quotes stay literal', () => {
    expect(searchTerms('login fails OR (crash', { scoped: true })).toEqual(['"login"', '"fails"', '"OR"', '"(crash"']);
    expect(searchTerms('"empty cart" total', { scoped: true })).toEqual(['"empty cart"', '"total"']);
    expect(searchTerms('unterminated "quote here', { scoped: true })).toEqual(['"unterminated"', '"quote here"']);
    expect(searchTerms('a"b', { scoped: true })).toEqual(['"ab"']);
  });

  it('keeps narrowing qualifiers and drops the ones the tool sets', () => {
    expect(searchTerms('label:bug -label:wontfix author:bob-gh no:assignee crash', { scoped: true })).toEqual([
      'label:bug',
      '-label:wontfix',
      'author:bob-gh',
      'no:assignee',
      '"crash"',
    ]);
    expect(searchTerms('is:pr is:open type:pr state:closed x', { scoped: false })).toEqual(['"x"']);
  });

  it('drops scope qualifiers when the tool scopes the search, keeps them otherwise', () => {
    expect(searchTerms('repo:evil/x org:evil user:evil owner:evil crash', { scoped: true })).toEqual(['"crash"']);
    expect(searchTerms('repo:acme/widgets crash', { scoped: false })).toEqual(['repo:acme/widgets', '"crash"']);
  });

  it('treats unknown or odd qualifiers as text', () => {
    expect(searchTerms('https://example.com/x foo:bar label:"a b"', { scoped: true })).toEqual(['"https://example.com/x"', '"foo:bar"', '"label:a b"']);
  });
});

describe('the issue search query', () => {
  it('adds scope, kind and state', () => {
    expect(issueSearchQuery({ query: 'cart', owner: 'acme', repo: 'widgets', state: 'open' })).toBe('"cart" repo:acme/widgets is:issue is:open');
    expect(issueSearchQuery({ query: 'cart', owner: 'acme', state: 'all' })).toBe('"cart" user:acme is:issue');
    expect(issueSearchQuery({ query: 'cart', state: 'closed' })).toBe('"cart" is:issue is:closed');
  });
  it('refuses a query with nothing left to look for', () => {
    expect(() => issueSearchQuery({ query: 'is:pr', state: 'all' })).toThrow(
      expect.objectContaining({ code: 'bad_request', userMessage: 'Tell me which words to look for in the issues.' }),
    );
  });
});
