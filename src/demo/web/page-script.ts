/**
 * The demo page's browser script (a TS string: the build copies no assets).
 *
 * It holds no rendering of its own for what the bot sent: the server renders messages and App Home to
 * safe HTML (render-blocks.ts), and this script only places that HTML, tracks who is acting and where,
 * refreshes on every Server-Sent Event, and turns typing and clicks into calls to the page's API.
 * Names and texts it writes itself go through textContent or `esc()`.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var boot = JSON.parse(document.getElementById('boot').textContent);
  var ws = boot.workspace;
  var byId = function (id) { return document.getElementById(id); };
  var userSwitch = document.querySelector('[data-testid="user-switch"]');
  var composer = document.querySelector('[data-testid="composer"]');
  var homeEl = document.querySelector('[data-testid="home-view"]');
  var list = byId('messages');
  var state = null;
  var lastList = '';
  var lastHome = '';
  var lastNav = '';
  var replyTo = null;

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    return { as: p.get('as'), conv: p.get('in') };
  }
  var fromHash = readHash();
  var user = ws.users.some(function (u) { return u.id === fromHash.as; }) ? fromHash.as : ws.users[0].id;
  var conv = fromHash.conv || (ws.channels[0] ? ws.channels[0].id : 'D' + user);
  function writeHash() { history.replaceState(null, '', '#as=' + encodeURIComponent(user) + '&in=' + encodeURIComponent(conv)); }

  function toast(text) {
    var t = byId('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 5000);
  }

  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (res) { if (!res.ok && res.error) toast(res.error); return res; })
      .catch(function () { toast('The demo server did not answer.'); return { ok: false }; });
  }

  function refresh() {
    var asked = user;
    return fetch('/api/state?user=' + encodeURIComponent(asked))
      .then(function (r) { return r.json(); })
      .then(function (s) { if (asked === user) { state = s; render(); } })
      .catch(function () {});
  }
  var pending = null;
  function scheduleRefresh() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 40);
  }

  function personName(id) {
    var u = ws.users.find(function (p) { return p.id === id; });
    return u ? u.name : id;
  }

  function renderNav() {
    var html = '<div class="nav-section">Channels</div>';
    ws.channels.forEach(function (c) {
      html += '<button type="button" class="nav-item' + (conv === c.id ? ' active' : '') + '" data-conv="' + esc(c.id) + '" data-testid="conv-' + esc(c.id) + '"># ' + esc(c.name) + '</button>';
    });
    html += '<div class="nav-section">Direct messages</div>';
    var people = ws.users.slice().sort(function (a, b) { return (a.id === user ? -1 : 0) - (b.id === user ? -1 : 0); });
    people.forEach(function (u) {
      var id = 'D' + u.id;
      var label = u.id === user ? 'AgentHub <span class="you">(your DM)</span>' : 'AgentHub ↔ ' + esc(u.name);
      html += '<button type="button" class="nav-item' + (conv === id ? ' active' : '') + '" data-conv="' + esc(id) + '" data-testid="conv-' + esc(id) + '">' + label + '</button>';
    });
    html += '<button type="button" class="nav-item nav-home' + (conv === 'home' ? ' active' : '') + '" data-conv="home" data-testid="tab-home">AgentHub — App Home</button>';
    if (html !== lastNav) { byId('convs').innerHTML = html; lastNav = html; }
    var me = ws.users.find(function (u) { return u.id === user; });
    byId('user-role').textContent = me ? me.role : '';
  }

  function messageHtml(m) {
    var kind = m.ephemeral ? 'ephemeral' : 'message';
    var initial = (m.author || '?').charAt(0).toUpperCase();
    var avatarClass = m.user === undefined ? 'avatar demo' : m.isBot ? 'avatar bot' : 'avatar';
    var h = '<div class="msg' + (m.ephemeral ? ' ephemeral' : '') + '" data-testid="' + kind + '" data-surface="message"'
      + ' data-ts="' + esc(m.ts) + '" data-user="' + esc(m.user || '') + '" data-channel="' + esc(m.channel) + '"'
      + (m.noteId ? ' data-note="' + esc(m.noteId) + '"' : '') + '>'
      + '<div class="' + avatarClass + '">' + esc(initial) + '</div><div class="msg-body"><div class="meta">'
      + '<span class="author">' + esc(m.author) + '</span>' + (m.isBot ? '<span class="app-tag">APP</span>' : '')
      + '<span class="time">' + esc(m.time) + '</span>' + (m.edited ? '<span class="edited">(edited)</span>' : '') + '</div>'
      + (m.ephemeral ? '<div class="only-you">Only visible to you</div>' : '')
      + '<div class="content">' + m.html + (m.streaming ? '<span class="cursor">▍</span>' : '') + '</div>';
    var isTop = !m.threadTs || m.threadTs === m.ts;
    if (isTop && !m.noteId) {
      h += '<div class="thread-bar">'
        + (m.replies.length ? '<span class="reply-count">' + m.replies.length + (m.replies.length === 1 ? ' reply' : ' replies') + '</span>' : '')
        + '<button type="button" class="link-btn" data-reply-to="' + esc(m.ts) + '">Reply in thread</button></div>';
    }
    h += '</div></div>';
    if (m.replies.length) h += '<div class="thread" data-thread="' + esc(m.ts) + '">' + m.replies.map(messageHtml).join('') + '</div>';
    return h;
  }

  function currentConversation() {
    return state ? state.conversations.find(function (c) { return c.id === conv; }) : undefined;
  }

  function renderConversation() {
    var c = currentConversation();
    var title = byId('conv-title');
    var sub = byId('conv-sub');
    var peek = byId('peek');
    if (!c) { title.textContent = ''; list.innerHTML = ''; lastList = ''; return; }
    title.textContent = c.kind === 'channel' ? '# ' + c.name : 'AgentHub';
    sub.textContent = c.kind === 'channel' ? 'Mention @AgentHub with a task' : 'Direct messages between AgentHub and ' + c.name;
    var someoneElses = c.kind === 'im' && c.owner !== user;
    peek.hidden = !someoneElses;
    if (someoneElses) peek.textContent = 'You are acting as ' + personName(user) + ' and looking at ' + c.name + '’s DM (a demo-only view): clicks here are sent as ' + personName(user) + '.';
    var html = c.messages.length ? c.messages.map(messageHtml).join('') : '<div class="empty">No messages yet.</div>';
    if (html !== lastList) {
      var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
      list.innerHTML = html;
      lastList = html;
      if (nearBottom) list.scrollTop = list.scrollHeight;
    }
    composer.placeholder = replyTo ? 'Reply in thread…' : c.kind === 'channel' ? 'Message #' + c.name : 'Message AgentHub';
  }

  function renderHome() {
    byId('conv-title').textContent = 'AgentHub';
    byId('conv-sub').textContent = 'App Home of ' + personName(user);
    byId('peek').hidden = true;
    var html = state && state.home ? state.home.html : '<div class="empty">Opening App Home…</div>';
    if (html !== lastHome) { homeEl.innerHTML = html; lastHome = html; }
  }

  function render() {
    renderNav();
    var inHome = conv === 'home';
    homeEl.hidden = !inHome;
    list.hidden = inHome;
    byId('composer-form').hidden = inHome;
    if (inHome) renderHome(); else renderConversation();
    var bar = byId('reply-bar');
    bar.hidden = !replyTo || inHome;
  }

  function openConversation(id) {
    conv = id;
    replyTo = null;
    lastList = '';
    writeHash();
    render();
    list.scrollTop = list.scrollHeight;
    if (id === 'home') { lastHome = ''; post('/api/home-opened', { user: user }); }
  }

  function surfaceOf(el) {
    var s = el.closest('[data-surface]');
    if (!s) return null;
    if (s.dataset.surface === 'home') return { surface: 'home' };
    return { surface: 'message', channel: s.dataset.channel, messageTs: s.dataset.note ? undefined : s.dataset.ts, noteId: s.dataset.note || undefined };
  }

  function sendAction(el, extra) {
    var where = surfaceOf(el);
    if (!where) return;
    var body = Object.assign({ user: user, actionId: el.dataset.actionId, blockId: el.dataset.blockId, value: el.dataset.value, type: el.dataset.type, text: el.textContent }, where, extra || {});
    return post('/api/click', body);
  }

  function confirmThen(el, go) {
    var c = JSON.parse(el.dataset.confirm);
    var modal = byId('confirm');
    byId('confirm-title').textContent = c.title;
    byId('confirm-text').textContent = c.text;
    var ok = byId('confirm-ok');
    var deny = byId('confirm-deny');
    ok.textContent = c.confirm;
    ok.className = 'btn ' + (c.danger ? 'danger solid' : 'primary');
    deny.textContent = c.deny;
    modal.hidden = false;
    ok.onclick = function () { modal.hidden = true; go(); };
    deny.onclick = function () { modal.hidden = true; };
  }

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var nav = t.closest('[data-conv]');
    if (nav) { openConversation(nav.dataset.conv); return; }
    var reply = t.closest('[data-reply-to]');
    if (reply) {
      replyTo = reply.dataset.replyTo;
      byId('reply-text').textContent = 'Replying in thread';
      render();
      composer.focus();
      return;
    }
    if (t.closest('#reply-cancel')) { replyTo = null; render(); return; }
    var action = t.closest('[data-action-id]');
    if (!action || action.tagName === 'SELECT') return;
    if (action.tagName === 'A') { sendAction(action); return; }
    ev.preventDefault();
    if (action.dataset.confirm) confirmThen(action, function () { sendAction(action); });
    else sendAction(action);
  });

  document.addEventListener('change', function (ev) {
    var t = ev.target;
    if (!(t instanceof HTMLSelectElement) || !t.dataset.actionId) return;
    var option = t.options[t.selectedIndex];
    sendAction(t, { selectedOption: { text: option ? option.text : '', value: t.value } });
  });

  userSwitch.value = user;
  userSwitch.addEventListener('change', function () {
    user = userSwitch.value;
    replyTo = null;
    lastList = '';
    lastHome = '';
    writeHash();
    state = null;
    render();
    refresh();
    if (conv === 'home') post('/api/home-opened', { user: user });
  });

  function send() {
    var text = composer.value;
    if (!text.trim() || conv === 'home') return;
    composer.value = '';
    post('/api/say', { user: user, channel: conv, text: text, threadTs: replyTo || undefined }).then(function (res) {
      if (!res.ok && res.status === undefined) composer.value = text;
      refresh();
    });
  }
  composer.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); send(); }
  });
  byId('composer-form').addEventListener('submit', function (ev) { ev.preventDefault(); send(); });

  var live = byId('live');
  var events = new EventSource('/api/events');
  events.onmessage = scheduleRefresh;
  events.onopen = function () { live.className = 'live'; scheduleRefresh(); };
  events.onerror = function () { live.className = 'live off'; };

  writeHash();
  render();
  refresh().then(function () { if (conv === 'home') post('/api/home-opened', { user: user }); });
})();
`;
