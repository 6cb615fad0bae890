import type { DemoWorkspace } from '../demo-types.js';
import { escapeHtml } from './render-mrkdwn.js';

/** JSON safe inside a <script type="application/json"> element (no `</script>` can end it early). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');
}

/** The page's shell; the script fills in conversations from /api/state. */
export function renderPageHtml(workspace: DemoWorkspace): string {
  const options = workspace.users.map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.name)}</option>`).join('');
  const banner = workspace.banner ? `<div class="banner" data-testid="banner">${escapeHtml(workspace.banner)}</div>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(workspace.teamName)} — AgentHub demo</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
${banner}
<div class="app">
  <aside class="sidebar">
    <div class="team">${escapeHtml(workspace.teamName)}<span id="live" class="live off" title="live updates"></span></div>
    <label class="acting">Acting as
      <select data-testid="user-switch">${options}</select>
      <div id="user-role" class="role"></div>
    </label>
    <nav id="convs"></nav>
  </aside>
  <main class="pane">
    <header class="pane-header"><span id="conv-title" class="title"></span><span id="conv-sub" class="sub"></span></header>
    <div id="peek" class="peek" hidden></div>
    <div id="messages" class="messages"></div>
    <div class="home" data-testid="home-view" data-surface="home" hidden></div>
    <form id="composer-form" class="composer">
      <div id="reply-bar" class="reply-bar" hidden><span id="reply-text">Replying in thread</span><button type="button" id="reply-cancel" class="link-btn">Cancel</button></div>
      <textarea data-testid="composer" rows="1" aria-label="Message"></textarea>
      <div class="hint">Enter sends · Shift+Enter for a new line · try <code>@AgentHub list open pull requests in acme/widgets</code> or <code>/agenthub help</code></div>
    </form>
  </main>
</div>
<div id="confirm" class="modal" data-testid="confirm-dialog" hidden>
  <div class="modal-box" role="dialog" aria-modal="true">
    <h3 id="confirm-title"></h3>
    <div id="confirm-text"></div>
    <div class="modal-actions"><button type="button" id="confirm-deny" class="btn"></button><button type="button" id="confirm-ok" class="btn"></button></div>
  </div>
</div>
<div id="toast" class="toast" role="status" hidden></div>
<script id="boot" type="application/json">${scriptJson({ workspace })}</script>
<script src="/app.js"></script>
</body>
</html>
`;
}
