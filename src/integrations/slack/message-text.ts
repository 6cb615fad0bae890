/**
 * Reading what people wrote in Slack. Message text carries Slack's markup in angle brackets:
 * <@U123> mentions, <#C123|general> channels, <!channel> broadcasts, <https://…|label> links,
 * with &, < and > escaped as entities. The tools turn it into plain words, so that nothing copied
 * from a conversation can ping anyone or pose as a link it isn't when shown again.
 */
const MARKUP = /<([^<>]*)>/g;
/** Mentions and broadcasts written out as text (only these can ping; other angle brackets stay). */
const TYPED_MARKUP = /<([@#!][^<>]*)>/g;
const WEB_URL = /^https?:\/\/[^\s|]+$/i;

export interface SharedLink {
  url: string;
  /** The words the link was shown with, when they differ from the address. */
  label?: string;
}

/** User ids mentioned in a message (<@U123> or <@U123|name>), each once. */
export function mentionedUserIds(text: string): string[] {
  const ids = [...text.matchAll(MARKUP)].map(([, inner]) => /^@([UW][A-Z0-9]+)/.exec(inner ?? '')?.[1]).filter((id): id is string => Boolean(id));
  return [...new Set(ids)];
}

/** Web links in a message, in order (mailto and other schemes are left out). */
export function linksIn(text: string): SharedLink[] {
  const links: SharedLink[] = [];
  for (const [, inner = ''] of text.matchAll(MARKUP)) {
    const [target = '', label] = splitLabel(inner);
    const url = decodeEntities(target);
    if (!WEB_URL.test(url)) continue;
    const shown = label === undefined ? undefined : decodeEntities(label).trim();
    links.push(shown && shown !== url ? { url, label: shown } : { url });
  }
  return links;
}

/**
 * A message as plain words: "@Alice Lee" for a mention (`nameOf` gives names), "#general" for a
 * channel, "@channel" for a broadcast, "label (https://…)" for a link, entities decoded. Markup that
 * was typed as text (&lt;!channel&gt;) is turned into words too, so the result can be echoed safely.
 */
export function plainText(text: string, nameOf: (userId: string) => string | undefined): string {
  return defuseMarkup(decodeEntities(text.replace(MARKUP, (_whole, inner: string) => markupWords(inner, nameOf))), nameOf);
}

/** Plain text (a display name, decoded message text) with any mention or broadcast in it turned into words. */
export function defuseMarkup(text: string, nameOf: (userId: string) => string | undefined = () => undefined): string {
  return text.replace(TYPED_MARKUP, (_whole, inner: string) => markupWords(inner, nameOf));
}

function markupWords(inner: string, nameOf: (userId: string) => string | undefined): string {
  const [target, label] = splitLabel(inner);
  if (target.startsWith('@')) return `@${nameOf(target.slice(1)) ?? label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label || target.slice(1)}`;
  if (target.startsWith('!')) return broadcast(target.slice(1), label);
  if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
  if (label && label !== target) return `${label} (${target})`;
  return target;
}

/** `<!here>` → "@here", `<!subteam^S1|@design>` → "@design", `<!date^…|Jan 5>` → "Jan 5". */
function broadcast(what: string, label: string | undefined): string {
  const [kind = ''] = what.split('^');
  if (kind === 'channel' || kind === 'here' || kind === 'everyone') return `@${kind}`;
  if (kind === 'subteam') return label ? `@${label.replace(/^@/, '')}` : '@group';
  return label ?? '';
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

function decodeEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
