import { z } from 'zod';

/** Argument schemas shared by the GitHub tools: names GitHub accepts, nothing that could escape a URL path. */
export const owner = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub user or organisation name')
  .describe('Repository owner (user or organisation)');
/** GitHub reserves `.` and `..`; as path segments they would also walk out of the repository's URL. */
export const repo = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name')
  .refine((r) => r !== '.' && r !== '..', 'a repository name')
  .describe('Repository name');

/** Git's branch-name rules (git check-ref-format --branch), so a name can never become another path. */
export const branch = z
  .string()
  .min(1)
  .max(255)
  .refine(isBranchName, 'a branch name (no spaces, "..", "~^:?*[\\", leading "-" or "/", trailing "/", "." or ".lock")')
  .describe('Branch name, e.g. feature/login');

export function isBranchName(name: string): boolean {
  if (name === '@' || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: git forbids control characters in ref names
  if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name) || name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}
