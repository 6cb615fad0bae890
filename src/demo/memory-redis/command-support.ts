import { type Keyspace, RedisReplyError, type Reply } from './keyspace.js';

/** What a command may touch besides the keyspace: pub/sub and the script cache live in the engine. */
export interface CommandContext {
  ks: Keyspace;
  publish(channel: string, message: string): number;
  /** EVAL/EVALSHA/SCRIPT; `inScript` is true for a command called from Lua (no nested scripts). */
  scripts: {
    load(script: string): string;
    run(sha: string, keys: string[], args: string[]): Reply;
    exists(sha: string): boolean;
    flush(): void;
  };
  inScript: boolean;
}

/** A command: its arguments as strings (name excluded) to a reply; errors are thrown as `RedisReplyError`. */
export type Command = (ctx: CommandContext, args: string[]) => Reply;

export const syntaxError = () => new RedisReplyError('ERR syntax error');

export function wrongArity(name: string): RedisReplyError {
  return new RedisReplyError(`ERR wrong number of arguments for '${name}' command`);
}

/** Redis's arity check: at least `min` arguments, and (with `pairsFrom`) an even number from there on. */
export function need(name: string, args: unknown[], min: number, pairsFrom?: number): void {
  if (args.length < min || (pairsFrom !== undefined && (args.length - pairsFrom) % 2 !== 0)) throw wrongArity(name);
}

export function integer(text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new RedisReplyError('ERR value is not an integer or out of range');
  return n;
}

export function float(text: string | undefined): number {
  if (text === undefined) throw syntaxError();
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new RedisReplyError('ERR value is not a valid float');
  return n;
}

/** How Redis prints a double (scores, INCRBYFLOAT). */
export function formatFloat(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return 'inf';
  if (n === Number.NEGATIVE_INFINITY) return '-inf';
  return String(n);
}

/** Reads `OPTION [value]` flags case-insensitively, in any order. */
export class Options {
  private i = 0;
  constructor(private readonly args: string[]) {}
  get done(): boolean {
    return this.i >= this.args.length;
  }
  peek(): string {
    return (this.args[this.i] ?? '').toUpperCase();
  }
  take(): string {
    const arg = this.args[this.i++];
    if (arg === undefined) throw syntaxError();
    return arg;
  }
}
