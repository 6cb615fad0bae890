import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal arguments always hash the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Binds an approval to one tool and one exact set of arguments. */
export function hashAction(tool: string, args: unknown): string {
  return createHash('sha256')
    .update(`${tool}\n${stableJson(args)}`)
    .digest('hex');
}
