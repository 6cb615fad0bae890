import { basicCommands } from './basic-commands.js';
import type { Command, CommandContext } from './command-support.js';
import { globMatcher, Keyspace, RedisReplyError, type Reply } from './keyspace.js';
import { LuaScripts } from './lua.js';
import { streamCommands } from './stream-commands.js';
import { zsetCommands } from './zset-commands.js';

const COMMANDS: Record<string, Command> = { ...basicCommands, ...zsetCommands, ...streamCommands };

/** Commands a script may not run (they would block, or change the connection rather than the data). */
const NOT_IN_SCRIPTS = new Set(['eval', 'evalsha', 'script', 'subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe']);

/** Someone listening on this engine's pub/sub: a client in subscriber mode. */
export interface Subscriber {
  channels: Set<string>;
  patterns: Set<string>;
  deliver(channel: string, message: string, pattern?: string): void;
}

/**
 * The shared half of the in-memory engine: keys, scripts and pub/sub. Every client made from one
 * engine (`duplicate()`) sees the same data, like connections to one Redis server. Commands run one
 * at a time and synchronously, so each command, MULTI batch and script is atomic.
 */
export class Engine {
  readonly ks = new Keyspace();
  readonly subscribers = new Set<Subscriber>();
  private readonly scripts = new LuaScripts((name, args) => this.execute(name, args, true));

  static supports(name: string): boolean {
    return Object.hasOwn(COMMANDS, name);
  }

  static commandNames(): string[] {
    return Object.keys(COMMANDS);
  }

  /** Runs one command; an error reply is thrown as `RedisReplyError`. */
  execute(name: string, args: string[], inScript = false): Reply {
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new RedisReplyError(`ERR unknown command '${name}', with args beginning with: ${args.slice(0, 3).join(' ')}`);
    if (inScript && NOT_IN_SCRIPTS.has(name)) throw new RedisReplyError('ERR This Redis command is not allowed from script');
    const reply = command(this.context(inScript), args);
    if (reply instanceof RedisReplyError) throw reply;
    return reply;
  }

  /** Delivers like Redis: to every subscriber of the channel and of each matching pattern, after this command returns. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    for (const sub of this.subscribers) {
      if (sub.channels.has(channel)) {
        receivers++;
        setImmediate(() => sub.deliver(channel, message));
      }
      for (const pattern of sub.patterns) {
        if (!globMatcher(pattern)(channel)) continue;
        receivers++;
        setImmediate(() => sub.deliver(channel, message, pattern));
      }
    }
    return receivers;
  }

  private context(inScript: boolean): CommandContext {
    return { ks: this.ks, publish: (c, m) => this.publish(c, m), scripts: this.scripts, inScript };
  }
}
