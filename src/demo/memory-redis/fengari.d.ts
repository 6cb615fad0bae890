/** The little of fengari (Lua 5.3 in JavaScript) that the script runner uses; it has no types of its own. */
declare module 'fengari' {
  const fengari: {
    lua: any;
    lauxlib: any;
    lualib: any;
    to_luastring(text: string): Uint8Array;
    to_jsstring(bytes: Uint8Array): string;
  };
  export = fengari;
}
