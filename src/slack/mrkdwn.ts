/**
 * Slack mrkdwn helpers for untrusted text (PR titles, repository descriptions, echoed requests).
 * Slack only needs &, < and > escaped; without it a title like "<!channel>" would ping everyone.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function link(url: string, label: string): string {
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeMrkdwn(label).replaceAll('|', '¦')}>`;
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Strips Slack broadcast mentions (@channel, @here, @everyone, user-group pings) from text the bot
 * did not write itself, such as a model's answer that may echo injected content.
 */
export function neutralizeBroadcasts(text: string): string {
  return text.replace(/<!(channel|here|everyone|subteam\^[A-Z0-9]+)(\|[^>]*)?>/gi, (_m, what: string) => `@${what.split('^')[0]}`);
}
