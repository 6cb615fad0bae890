import { z } from 'zod';

/** Argument schemas shared by the GitHub tools: names GitHub accepts, nothing that could escape a URL path. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export const owner = z.string().regex(LOGIN, 'a GitHub user or organisation name').describe('Repository owner (user or organisation)');
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

export const pullNumber = z.number().int().positive().describe('Pull request number');
export const issueNumber = z.number().int().positive().describe('Issue (or pull request) number');

/** A GitHub user's login (`octocat`); bots' `[bot]` suffix is not accepted where people are meant. */
export const login = (what: string) => z.string().regex(LOGIN, 'a GitHub login').describe(what);

export const limit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback).describe(`How many to return (1-${max})`);

/** GitHub caps label names at 50 characters; a comma would split a label filter in two. */
export const label = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^,]+$/, 'a label name without commas')
  .describe('Label name');
export const labels = (what: string, max = 20) =>
  z
    .array(label)
    .min(1)
    .max(max)
    .refine((l) => new Set(l.map((x) => x.toLowerCase())).size === l.length, 'labels must not repeat')
    .describe(what);

/** GitHub's own limits: issue titles up to 256 characters, bodies and comments up to 65,536. */
export const MAX_TITLE = 256;
export const MAX_BODY = 65_536;
export const title = z.string().trim().min(1, 'a title').max(MAX_TITLE).describe('Title');
export const markdownBody = (what: string) => z.string().max(MAX_BODY).describe(what);

/**
 * A workflow's file name under .github/workflows (`deploy.yml`) or its numeric id. No transform to
 * one type: the schema must stay representable as JSON Schema for the model.
 */
export const workflow = z
  .union([z.number().int().positive(), z.string().regex(/^(?:[A-Za-z0-9_.-]{1,100}\.ya?ml|\d{1,20})$/, 'a workflow file name like deploy.yml, or its id')])
  .describe('Workflow file name (e.g. deploy.yml) or numeric id');
