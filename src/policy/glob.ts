/**
 * Policy globs know one wildcard: `*` matches any run of characters (including none). Everything
 * else is literal, so a repository name with a `.` or a `+` can never be read as a pattern.
 */
export function globMatches(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const source = pattern
    .split('*')
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's').test(value);
}
