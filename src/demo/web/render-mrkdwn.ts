/**
 * Slack mrkdwn → HTML for the demo page, as pure functions.
 *
 * The text comes from the bot, and through it from GitHub issues, calendar events and people, so it is
 * untrusted: every character that reaches the HTML is escaped here, and only tags this module writes
 * itself (b, i, code, a with an http(s)/mailto href …) ever appear. A prompt-injected issue body shows as
 * text, never as markup.
 */

/** Who and what the ids in a message stand for, and how to show dates. */
export interface RenderContext {
  /** Slack user id → display name (the bot included). */
  userName(id: string): string | undefined;
  /** Channel id → name without `#`. */
  channelName(id: string): string | undefined;
  /** Reference time for `{ago}` (ms since epoch). */
  now?: number;
  /** IANA zone dates are shown in (default: the server's). */
  timeZone?: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Undoes Slack's own escaping (`&amp;`, `&lt;`, `&gt;`) so the text can be escaped once, for HTML. */
export function decodeSlackEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Only these schemes become real links; `javascript:` and the like stay text. */
export function isSafeHref(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url.trim());
}

/** A few emoji the bot uses, shown as the real thing; any other `:name:` stays text. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  warning: '⚠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  speech_balloon: '💬',
  scales: '⚖️',
  raised_hand: '✋',
  ballot_box_with_check: '☑️',
  closed_lock_with_key: '🔐',
  lock: '🔒',
  key: '🔑',
  arrow_forward: '▶️',
  checkered_flag: '🏁',
  scissors: '✂️',
  bust_in_silhouette: '👤',
  link: '🔗',
  scroll: '📜',
  small_blue_diamond: '🔹',
  large_green_circle: '🟢',
  white_circle: '⚪',
  red_circle: '🔴',
  pause_button: '⏸️',
  heavy_minus_sign: '➖',
  heavy_multiplication_x: '✖️',
  calendar: '📆',
  date: '📅',
  memo: '📝',
  robot_face: '🤖',
  wave: '👋',
  tada: '🎉',
  eyes: '👀',
  mag: '🔍',
  rocket: '🚀',
  thumbsup: '👍',
  '+1': '👍',
  bell: '🔔',
  information_source: 'ℹ️',
};

export function renderEmoji(escapedText: string): string {
  return escapedText.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/** Plain text as Block Kit shows it (`plain_text` objects): escaped, emoji names replaced. */
export function renderPlainText(text: string): string {
  return renderEmoji(escapeHtml(text));
}

/** Slack mrkdwn (or the markdown of a streamed reply) → HTML. */
export function renderMrkdwn(text: string, ctx: RenderContext): string {
  // ``` fences first: nothing inside them is formatted.
  const parts = text.split('```');
  return parts
    .map((part, i) => {
      if (i % 2 === 1 && i < parts.length - 1) return `<pre>${escapeHtml(decodeSlackEntities(part.replace(/^\n/, '')))}</pre>`;
      return renderLines(i % 2 === 1 ? `\`\`\`${part}` : part, ctx);
    })
    .join('');
}

/** Groups `>` lines into blockquotes; other lines are joined with <br>. */
function renderLines(text: string, ctx: RenderContext): string {
  const out: string[] = [];
  let quote: string[] = [];
  let plain: string[] = [];
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote>${quote.map((l) => renderInline(l, ctx)).join('<br>')}</blockquote>`);
    quote = [];
  };
  const flushPlain = () => {
    if (plain.length) out.push(plain.map((l) => renderInline(l, ctx)).join('<br>'));
    plain = [];
  };
  for (const line of text.split('\n')) {
    const m = /^(?:>|&gt;) ?(.*)$/.exec(line);
    if (m) {
      flushPlain();
      quote.push(m[1] ?? '');
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushQuote();
  flushPlain();
  return out.join('');
}

const HOLE_OPEN = '\u0001';
const HOLE_CLOSE = '\u0002';

/**
 * One line: code spans and `<…>` tokens are rendered on their own and left as placeholders, so the
 * bold/italic/strike rules run over escaped text only and can still wrap a link (`*<url|PR #1>*`).
 */
function renderInline(line: string, ctx: RenderContext): string {
  const holes: string[] = [];
  const hole = (html: string) => `${HOLE_OPEN}${holes.push(html) - 1}${HOLE_CLOSE}`;
  const clean = line.replaceAll(HOLE_OPEN, '').replaceAll(HOLE_CLOSE, '');
  const withCode = clean.replace(/`([^`\n]+)`/g, (_m, code: string) => hole(`<code>${escapeHtml(decodeSlackEntities(code))}</code>`));
  const withTokens = withCode.replace(/<([^<>\n]+)>/g, (_m, token: string) => hole(renderToken(token, ctx)));
  let html = escapeHtml(decodeSlackEntities(withTokens));
  html = html.replace(/\*\*(?!\s)([^*\n]+?)\*\*/g, '<b>$1</b>');
  html = html.replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/g, '$1<b>$2</b>');
  html = html.replace(/(^|[^\w])_(?!\s)([^_\n]+?)_(?!\w)/g, '$1<i>$2</i>');
  html = html.replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?![\w~])/g, '$1<s>$2</s>');
  html = renderEmoji(html);
  return html.replace(new RegExp(`${HOLE_OPEN}(\\d+)${HOLE_CLOSE}`, 'g'), (_m, n: string) => holes[Number(n)] ?? '');
}

/** `<@U…>`, `<#C…|name>`, `<!here>`, `<!date^…|fallback>`, `<url|label>`. */
function renderToken(token: string, ctx: RenderContext): string {
  const bar = token.indexOf('|');
  const target = bar >= 0 ? token.slice(0, bar) : token;
  const label = bar >= 0 ? decodeSlackEntities(token.slice(bar + 1)) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(ctx.userName(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(ctx.channelName(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('!date^')) return escapeHtml(formatSlackDate(target, label, ctx));
  if (target.startsWith('!subteam^')) return `<span class="mention">${escapeHtml(label ?? '@group')}</span>`;
  if (target.startsWith('!')) return `<span class="mention broadcast">@${escapeHtml(label ?? target.slice(1))}</span>`;
  const url = decodeSlackEntities(target);
  const shown = escapeHtml(label ?? url);
  if (!isSafeHref(url)) return shown;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${shown}</a>`;
}

/** `!date^<seconds>^<format>[^<link>]` → the format with its tokens filled in; the fallback if unreadable. */
export function formatSlackDate(target: string, fallback: string | undefined, ctx: RenderContext): string {
  const [, secondsText, format] = target.split('^');
  const seconds = Number(secondsText);
  if (!Number.isFinite(seconds) || !format) return fallback ?? target;
  const date = new Date(seconds * 1000);
  const zone = ctx.timeZone ? { timeZone: ctx.timeZone } : {};
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { ...o, ...zone }).format(date);
  const tokens: Record<string, () => string> = {
    ago: () => relativeTime(seconds * 1000, ctx.now ?? Date.now()),
    date_num: () => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...zone }).format(date),
    date: () => fmt({ year: 'numeric', month: 'long', day: 'numeric' }),
    date_short: () => fmt({ year: 'numeric', month: 'short', day: 'numeric' }),
    date_long: () => fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    date_pretty: () => fmt({ year: 'numeric', month: 'long', day: 'numeric' }),
    date_short_pretty: () => fmt({ year: 'numeric', month: 'short', day: 'numeric' }),
    date_long_pretty: () => fmt({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
    time: () => fmt({ hour: 'numeric', minute: '2-digit' }),
    time_secs: () => fmt({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
  };
  return format.replace(/\{(\w+)\}/g, (whole, name: string) => tokens[name]?.() ?? whole);
}

/** "just now", "5 minutes ago", "in 2 hours", "3 days ago". */
export function relativeTime(atMs: number, nowMs: number): string {
  const diff = Math.round((atMs - nowMs) / 1000);
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const n = Math.round(abs / size);
      const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff < 0 ? `${phrase} ago` : `in ${phrase}`;
    }
  }
  return 'just now';
}
