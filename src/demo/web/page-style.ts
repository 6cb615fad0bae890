/** The demo page's stylesheet (a TS string: the build copies no assets). Slack-like: aubergine sidebar, white pane. */
export const PAGE_CSS = `
:root {
  --aubergine: #3f0e40;
  --aubergine-dark: #350d36;
  --sidebar-text: #cfc3cf;
  --active: #1164a3;
  --text: #1d1c1d;
  --muted: #616061;
  --border: #dddddd;
  --link: #1264a3;
  --green: #007a5a;
  --red: #e01e5a;
  --note: #f8f8f8;
  font-family: Lato, "Slack-Lato", "Helvetica Neue", Helvetica, "Segoe UI", system-ui, -apple-system, sans-serif;
  font-size: 15px;
  color: var(--text);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; background: #fff; }
button, select, textarea { font: inherit; }

.banner { background: #fff4d6; border-bottom: 1px solid #f2d88f; color: #5c4400; padding: 6px 16px; font-size: 13px; }
.app { flex: 1; display: flex; min-height: 0; }

.sidebar { width: 260px; flex: none; background: var(--aubergine); color: var(--sidebar-text); display: flex; flex-direction: column; overflow-y: auto; }
.team { color: #fff; font-weight: 900; font-size: 18px; padding: 14px 16px 10px; border-bottom: 1px solid #522653; }
.acting { display: block; padding: 10px 16px 12px; border-bottom: 1px solid #522653; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.acting select { display: block; width: 100%; margin-top: 6px; padding: 5px 6px; border-radius: 6px; border: 1px solid #7a4a7b; background: var(--aubergine-dark); color: #fff; text-transform: none; letter-spacing: 0; }
.role { margin-top: 6px; font-size: 12px; line-height: 1.35; text-transform: none; letter-spacing: 0; color: #e4d8e4; }
.nav-section { padding: 14px 0 4px 16px; font-size: 13px; color: #bca9bd; }
.nav-item { display: flex; align-items: center; gap: 6px; width: 100%; border: 0; background: none; color: var(--sidebar-text); text-align: left; padding: 4px 16px 4px 26px; cursor: pointer; font-size: 15px; }
.nav-item:hover { background: var(--aubergine-dark); }
.nav-item.active { background: var(--active); color: #fff; }
.nav-item .you { font-size: 12px; opacity: .8; }
.nav-item .count { margin-left: auto; background: var(--red); color: #fff; border-radius: 9px; font-size: 11px; padding: 0 6px; }
.nav-home { margin-top: 10px; }

.pane { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.pane-header { padding: 12px 20px; border-bottom: 1px solid var(--border); display: flex; align-items: baseline; gap: 12px; }
.pane-header .title { font-weight: 900; font-size: 18px; }
.pane-header .sub { color: var(--muted); font-size: 13px; }
.peek { background: #fdf2f5; color: #8c1a3c; font-size: 13px; padding: 6px 20px; border-bottom: 1px solid #f3c5d3; }
.messages, .home { flex: 1; overflow-y: auto; padding: 8px 0 16px; }
.home { padding: 16px 24px; max-width: 920px; }
.home .block.section { margin: 8px 0; }
.empty { color: var(--muted); padding: 24px 20px; }

.msg { display: flex; gap: 10px; padding: 6px 20px; }
.msg:hover { background: #f8f8f8; }
.avatar { width: 36px; height: 36px; flex: none; border-radius: 6px; background: #4a8a73; color: #fff; display: grid; place-items: center; font-weight: 900; }
.avatar.bot { background: #611f69; }
.avatar.demo { background: #888; }
.msg-body { min-width: 0; flex: 1; line-height: 1.46; }
.meta { display: flex; align-items: baseline; gap: 6px; }
.author { font-weight: 900; }
.app-tag { font-size: 10px; background: #e8e8e8; color: var(--muted); border-radius: 3px; padding: 0 4px; font-weight: 700; }
.time, .edited { color: var(--muted); font-size: 12px; }
.content { overflow-wrap: anywhere; }
.thread { margin-left: 66px; border-left: 2px solid #e8e8e8; }
.thread .msg { padding-left: 12px; }
.thread-bar { display: flex; gap: 12px; align-items: center; font-size: 13px; margin-top: 2px; }
.reply-count { color: var(--link); font-weight: 700; }
.link-btn { border: 0; background: none; color: var(--link); cursor: pointer; padding: 0; font-size: 13px; }
.link-btn:hover { text-decoration: underline; }
.msg.ephemeral { background: var(--note); border-left: 3px solid #c0c0c0; }
.only-you { color: var(--muted); font-size: 12px; font-style: italic; }
.cursor { animation: blink 1s step-end infinite; }
@keyframes blink { 50% { opacity: 0; } }

.block { margin: 4px 0; }
.section { display: flex; gap: 12px; align-items: flex-start; }
.section-main { flex: 1; min-width: 0; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin-top: 6px; }
.header { font-weight: 900; font-size: 17px; margin-top: 8px; }
.divider { border: 0; border-top: 1px solid var(--border); margin: 10px 0; }
.context { color: var(--muted); font-size: 13px; display: flex; flex-wrap: wrap; gap: 8px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.btn { display: inline-block; border: 1px solid #bbbabb; background: #fff; color: var(--text); border-radius: 6px; padding: 4px 12px; font-weight: 700; font-size: 14px; text-decoration: none; cursor: pointer; }
.btn:hover { background: #f6f6f6; }
.btn.primary { background: var(--green); border-color: var(--green); color: #fff; }
.btn.danger { background: #fff; border-color: #e8a8bb; color: var(--red); }
.btn.danger.solid { background: var(--red); border-color: var(--red); color: #fff; }
.btn:disabled { opacity: .5; cursor: default; }
.select { border: 1px solid #bbbabb; border-radius: 6px; padding: 4px 8px; background: #fff; }
.mention { background: #e8f5fa; color: var(--link); border-radius: 3px; padding: 0 2px; }
.broadcast { background: #fff3c4; color: #7a5a00; }
a { color: var(--link); }
code { font-family: Monaco, Menlo, Consolas, monospace; font-size: 12px; color: #c01343; background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 3px; padding: 1px 3px; }
pre { font-family: Monaco, Menlo, Consolas, monospace; font-size: 12px; background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; white-space: pre-wrap; margin: 4px 0; }
blockquote { margin: 4px 0; padding-left: 10px; border-left: 4px solid #dddddd; }
.unsupported, .image-alt { color: var(--muted); font-style: italic; font-size: 13px; }

.composer { border-top: 1px solid var(--border); padding: 10px 20px 12px; }
.composer textarea { width: 100%; min-height: 44px; max-height: 160px; resize: vertical; border: 1px solid #bbbabb; border-radius: 8px; padding: 10px 12px; }
.composer textarea:focus { outline: none; border-color: #1264a3; box-shadow: 0 0 0 1px #1264a3; }
.reply-bar { font-size: 13px; color: var(--muted); margin-bottom: 6px; display: flex; gap: 8px; align-items: center; }
.hint { font-size: 12px; color: var(--muted); margin-top: 4px; }

.modal { position: fixed; inset: 0; background: rgba(0, 0, 0, .45); display: grid; place-items: center; z-index: 10; }
.modal[hidden], .toast[hidden], [hidden] { display: none !important; }
.modal-box { background: #fff; border-radius: 8px; width: min(480px, 92vw); padding: 20px 24px; box-shadow: 0 10px 40px rgba(0, 0, 0, .3); }
.modal-box h3 { margin: 0 0 10px; }
.modal-actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 18px; }
.toast { position: fixed; bottom: 18px; right: 18px; background: #1d1c1d; color: #fff; padding: 10px 14px; border-radius: 6px; font-size: 14px; z-index: 20; max-width: 420px; }
.live { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #2bac76; margin-left: 6px; }
.live.off { background: #aaa; }
`;
