import { createHash } from 'node:crypto';
import fengari from 'fengari';
import { RedisReplyError, type Reply, StatusReply } from './keyspace.js';

const { lua, lauxlib, lualib } = fengari;

/**
 * EVAL for the in-memory engine: our scripts run in fengari (Lua 5.3 in JavaScript) with Redis's
 * scripting API — `redis.call`/`redis.pcall` reaching this engine's own commands synchronously (so a
 * script is atomic, as in Redis), `redis.error_reply`, `redis.status_reply`, `cjson`, `unpack`, and
 * Redis's conversion rules between replies and Lua values (nil bulk → false, status → {ok=…},
 * error → {err=…}; a returned number is truncated to an integer, false → nil, a table stops at its first nil).
 *
 * Differences from Redis, acceptable for demo mode: no sandbox (a script could set globals), no
 * time limit, Lua 5.3 rather than 5.1 (so 1.0 and 1 print differently inside Lua), and JSON null
 * decodes to nil rather than cjson.null.
 */

type Execute = (name: string, args: string[]) => Reply;

const PRELUDE = `
unpack = unpack or table.unpack
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
function redis.error_reply(message) return { err = message } end
function redis.status_reply(message) return { ok = message } end
function redis.log() end
function redis.setresp() end
function redis.set_repl() end
`;

export function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

export class LuaScripts {
  private readonly L = lauxlib.luaL_newstate();
  private readonly bodies = new Map<string, string>();
  /** Compiled scripts, as references into the Lua registry. */
  private readonly compiled = new Map<string, number>();

  constructor(private readonly execute: Execute) {
    const L = this.L;
    lualib.luaL_openlibs(L);
    lua.lua_newtable(L);
    this.setFunction('call', (L2) => this.redisCall(L2, false));
    this.setFunction('pcall', (L2) => this.redisCall(L2, true));
    this.setFunction('sha1hex', (L2) => pushString(L2, sha1(lua.lua_tojsstring(L2, 1) ?? '')));
    lua.lua_setglobal(L, 'redis');
    lua.lua_newtable(L);
    this.setFunction('encode', (L2) => pushString(L2, JSON.stringify(toJs(L2, 1))));
    this.setFunction('decode', (L2) => {
      let value: unknown;
      try {
        value = JSON.parse(lua.lua_tojsstring(L2, 1) ?? '');
      } catch (err) {
        lua.lua_pushstring(L2, `cjson.decode: ${(err as Error).message}`);
        return lua.lua_error(L2);
      }
      pushJs(L2, value);
      return 1;
    });
    lua.lua_setglobal(L, 'cjson');
    if (lauxlib.luaL_dostring(L, fengari.to_luastring(PRELUDE)) !== lua.LUA_OK) throw new Error(`Lua prelude failed: ${lua.lua_tojsstring(L, -1)}`);
  }

  load(script: string): string {
    const sha = sha1(script);
    this.bodies.set(sha, script);
    return sha;
  }

  exists(sha: string): boolean {
    return this.bodies.has(sha);
  }

  flush(): void {
    for (const ref of this.compiled.values()) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, ref);
    this.compiled.clear();
    this.bodies.clear();
  }

  run(sha: string, keys: string[], args: string[]): Reply {
    const L = this.L;
    const top = lua.lua_gettop(L);
    try {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.compile(sha));
      pushJs(L, keys);
      lua.lua_setglobal(L, 'KEYS');
      pushJs(L, args);
      lua.lua_setglobal(L, 'ARGV');
      if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
        const err = tableField(L, -1, 'err');
        if (err !== undefined) throw new RedisReplyError(`${err} script: ${sha}, on @user_script.`);
        throw new RedisReplyError(`ERR user_script: ${lua.lua_tojsstring(L, -1) ?? 'runtime error'} script: ${sha}`);
      }
      return toReply(L, -1);
    } finally {
      lua.lua_settop(L, top);
    }
  }

  private compile(sha: string): number {
    const cached = this.compiled.get(sha);
    if (cached !== undefined) return cached;
    const body = this.bodies.get(sha);
    if (body === undefined) throw new RedisReplyError('NOSCRIPT No matching script. Please use EVAL.');
    if (lauxlib.luaL_loadbuffer(this.L, fengari.to_luastring(body), null, fengari.to_luastring('@user_script')) !== lua.LUA_OK) {
      const message = lua.lua_tojsstring(this.L, -1);
      lua.lua_pop(this.L, 1);
      throw new RedisReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    const ref = lauxlib.luaL_ref(this.L, lua.LUA_REGISTRYINDEX) as number;
    this.compiled.set(sha, ref);
    return ref;
  }

  private setFunction(name: string, fn: (L: unknown) => number): void {
    lua.lua_pushjsfunction(this.L, fn);
    lua.lua_setfield(this.L, -2, name);
  }

  /** `redis.call` raises the command's error; `redis.pcall` returns it as `{err = …}`. */
  private redisCall(L: unknown, protectedCall: boolean): number {
    const n = lua.lua_gettop(L) as number;
    const argv: string[] = [];
    for (let i = 1; i <= n; i++) argv.push(argString(L, i));
    let reply: Reply;
    try {
      if (argv.length === 0) throw new RedisReplyError('ERR Please specify at least one argument for this redis lib call');
      reply = this.execute(argv[0]!.toLowerCase(), argv.slice(1));
    } catch (err) {
      reply = err instanceof RedisReplyError ? err : new RedisReplyError(`ERR ${(err as Error)?.message ?? String(err)}`);
    }
    pushReply(L, reply);
    if (reply instanceof RedisReplyError && !protectedCall) return lua.lua_error(L);
    return 1;
  }
}

/** Pushes one string result; returns the result count, as a Lua function does. */
function pushString(L: unknown, text: string): number {
  lua.lua_pushstring(L, text);
  return 1;
}

/** Redis turns a Lua number argument into its integer text when it has no fraction. */
function argString(L: unknown, i: number): string {
  const type = lua.lua_type(L, i);
  if (type === lua.LUA_TNUMBER) {
    const n = lua.lua_tonumber(L, i) as number;
    return Number.isInteger(n) ? n.toFixed(0) : String(n);
  }
  if (type === lua.LUA_TSTRING) return lua.lua_tojsstring(L, i);
  throw new RedisReplyError('ERR Lua redis lib command arguments must be strings or integers');
}

function pushReply(L: unknown, reply: Reply): void {
  lauxlib.luaL_checkstack(L, 4, null);
  if (reply === null) lua.lua_pushboolean(L, false);
  else if (typeof reply === 'number') pushNumber(L, reply);
  else if (typeof reply === 'string') lua.lua_pushstring(L, reply);
  else if (reply instanceof StatusReply) pushField(L, 'ok', reply.text);
  else if (reply instanceof RedisReplyError) pushField(L, 'err', reply.message);
  else {
    lua.lua_createtable(L, reply.length, 0);
    reply.forEach((item, i) => {
      pushReply(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  }
}

/** fengari's Lua integers are 32-bit: larger numbers (epoch milliseconds) go in as floats, exact up to 2^53. */
function pushNumber(L: unknown, n: number): void {
  if (Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) lua.lua_pushinteger(L, n);
  else lua.lua_pushnumber(L, n);
}

function pushField(L: unknown, field: string, text: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, text);
  lua.lua_setfield(L, -2, field);
}

/** The string at `table[field]`, if the value at `index` is a table with one. */
function tableField(L: unknown, index: number, field: string): string | undefined {
  if (lua.lua_type(L, index) !== lua.LUA_TTABLE) return undefined;
  const type = lua.lua_getfield(L, index, field);
  const value = type === lua.LUA_TSTRING ? (lua.lua_tojsstring(L, -1) as string) : undefined;
  lua.lua_pop(L, 1);
  return value;
}

/** A script's return value as a reply. */
function toReply(L: unknown, index: number): Reply {
  const at = lua.lua_absindex(L, index);
  switch (lua.lua_type(L, at)) {
    case lua.LUA_TNUMBER:
      return Math.trunc(lua.lua_tonumber(L, at));
    case lua.LUA_TSTRING:
      return lua.lua_tojsstring(L, at);
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, at) ? 1 : null;
    case lua.LUA_TTABLE: {
      const err = tableField(L, at, 'err');
      if (err !== undefined) return new RedisReplyError(err);
      const ok = tableField(L, at, 'ok');
      if (ok !== undefined) return new StatusReply(ok);
      const items: Reply[] = [];
      for (let i = 1; lua.lua_rawgeti(L, at, i) !== lua.LUA_TNIL; i++) {
        items.push(toReply(L, -1));
        lua.lua_pop(L, 1);
      }
      lua.lua_pop(L, 1);
      return items;
    }
    default:
      return null;
  }
}

/** A Lua value as JSON-able JavaScript (cjson.encode): a table with keys 1..n is an array, any other an object. */
function toJs(L: unknown, index: number): unknown {
  const at = lua.lua_absindex(L, index);
  switch (lua.lua_type(L, at)) {
    case lua.LUA_TNUMBER:
      return lua.lua_tonumber(L, at);
    case lua.LUA_TSTRING:
      return lua.lua_tojsstring(L, at);
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, at);
    case lua.LUA_TTABLE: {
      const entries: [string | number, unknown][] = [];
      lua.lua_pushnil(L);
      while (lua.lua_next(L, at) !== 0) {
        const key = lua.lua_type(L, -2) === lua.LUA_TNUMBER ? (lua.lua_tonumber(L, -2) as number) : String(lua.lua_tojsstring(L, -2));
        entries.push([key, toJs(L, -1)]);
        lua.lua_pop(L, 1);
      }
      const isArray = entries.length > 0 && entries.every(([k]) => typeof k === 'number') && entries.length === Math.max(...entries.map(([k]) => k as number));
      if (!isArray) return Object.fromEntries(entries);
      const array: unknown[] = [];
      for (const [k, v] of entries) array[(k as number) - 1] = v;
      return array;
    }
    default:
      return null;
  }
}

/** JavaScript (KEYS, ARGV, cjson.decode's result) as Lua values. */
function pushJs(L: unknown, value: unknown): void {
  lauxlib.luaL_checkstack(L, 4, null);
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') pushNumber(L, value);
  else if (typeof value === 'string') lua.lua_pushstring(L, value);
  else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0);
    value.forEach((item, i) => {
      pushJs(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    lua.lua_createtable(L, 0, entries.length);
    for (const [key, item] of entries) {
      pushJs(L, item);
      lua.lua_setfield(L, -2, key);
    }
  }
}
