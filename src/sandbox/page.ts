// The sandbox page: a Slack-like channel view. Plain HTML, CSS and browser JavaScript (no build step);
// it renders the Block Kit the bot really sent, read back from the Slack emulator through /api/state.

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.46 -apple-system, "Segoe UI", Lato, Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; color: #1d1c1d; display: grid; grid-template-columns: 220px 1fr 340px; height: 100vh; }
nav { background: #3f0e40; color: #cfc3cf; padding: 16px; }
nav h1 { color: #fff; font-size: 18px; margin: 0 0 16px; }
nav .chan { color: #fff; background: #1164a3; border-radius: 6px; padding: 4px 8px; }
nav label { display: block; margin-top: 24px; font-size: 13px; }
nav select { width: 100%; margin-top: 4px; font-size: 14px; }
nav .side { margin-top: 24px; font-size: 13px; }
nav a { color: #cfc3cf; display: block; margin-top: 8px; font-size: 13px; }
main { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid #ddd; }
header { padding: 12px 20px; border-bottom: 1px solid #ddd; font-weight: 700; }
#feed { flex: 1; overflow-y: auto; padding: 8px 20px; }
.msg { padding: 8px 0; border-bottom: 1px solid #f0f0f0; }
.who { font-weight: 700; } .who small { font-weight: 400; color: #616061; margin-left: 6px; }
.thread { margin: 6px 0 0 20px; border-left: 3px solid #e8e8e8; padding-left: 12px; }
.thread .msg { border: 0; padding: 4px 0; }
.thread figure { margin: 6px 0; } .thread img { max-width: 100%; border: 1px solid #e8e8e8; }
.private { background: #f8f8f8; border-left: 3px solid #1264a3; padding: 6px 10px; margin: 6px 0; }
.private .note { font-size: 12px; color: #616061; }
.section { margin: 4px 0; white-space: normal; } .header { font-size: 17px; font-weight: 700; margin: 6px 0; }
.context { font-size: 13px; color: #616061; margin: 4px 0; } hr { border: 0; border-top: 1px solid #ddd; }
pre { background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; font-size: 13px; }
code { background: #f4f4f4; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 3px; color: #c01343; font-size: 13px; }
button.act { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 4px 12px; margin: 6px 6px 0 0; font-weight: 700; cursor: pointer; }
button.primary { background: #007a5a; color: #fff; border-color: #007a5a; } button.danger { color: #e01e5a; border-color: #e01e5a; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
form { display: flex; gap: 8px; padding: 12px 20px; border-top: 1px solid #ddd; }
form input { flex: 1; font: inherit; padding: 8px; border: 1px solid #bbb; border-radius: 6px; }
.tools { display: flex; gap: 8px; padding: 0 20px 12px; } .tools select { flex: 1; }
aside { overflow-y: auto; padding: 12px; background: #fafafa; font-size: 13px; }
aside h2 { font-size: 14px; margin: 12px 0 4px; } aside pre { font-size: 11px; }
#error { color: #e01e5a; padding: 0 20px; }
#tour { background: #fff8e1; border-bottom: 1px solid #f0d58c; padding: 8px 20px; font-size: 14px; }
`;

const SCRIPT = `
const $ = (s) => document.querySelector(s);
const EMOJI = { lock: '🔒', white_check_mark: '✅', arrows_counterclockwise: '🔄', large_green_circle: '🟢', red_circle: '🔴', no_entry_sign: '🚫', no_entry: '⛔', hourglass: '⌛', hourglass_flowing_sand: '⏳', warning: '⚠️', mag: '🔍', mag_right: '🔎', pencil2: '✏️', rotating_light: '🚨', x: '❌', twisted_rightwards_arrows: '🔀', leftwards_arrow_with_hook: '↩️', white_square: '⬜' };
let state = null;
let lastTourAt = '0:undefined';
const names = () => Object.fromEntries((state ? state.users : []).map((u) => [u.id, u.name]));
const esc = (t) => String(t).replace(/&(?!(amp|lt|gt|quot);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function token(inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return '<span class="mention">@' + esc(names()[target.slice(1)] || target.slice(1)) + '</span>';
  if (target.startsWith('#')) return '<span class="mention">#' + esc(label || (state && target.slice(1) === state.channel.id ? state.channel.name : target.slice(1))) + '</span>';
  if (target.startsWith('!date^')) { const epoch = Number(target.split('^')[1]); return esc(new Date(epoch * 1000).toLocaleString()); }
  if (target.startsWith('!')) return '<b>@' + esc(target.slice(1)) + '</b>';
  if (!target.startsWith('http://') && !target.startsWith('https://')) return esc(label || target);
  return '<a href="' + esc(target) + '" target="_blank" rel="noopener">' + esc(label || target) + '</a>';
}

// Slack mrkdwn to HTML: code first (nothing inside is interpreted), then <tokens>, then emphasis.
function mrkdwn(text) {
  const kept = [];
  const keep = (html) => { kept.push(html); return '\\u0000' + (kept.length - 1) + '\\u0000'; };
  let t = String(text || '');
  t = t.replace(/\`\`\`([\\s\\S]*?)\`\`\`/g, (_, c) => keep('<pre>' + esc(c.replace(/^\\n/, '')) + '</pre>'));
  t = t.replace(/\`([^\`\\n]+)\`/g, (_, c) => keep('<code>' + esc(c) + '</code>'));
  t = t.replace(/<([^<>]+)>/g, (_, inner) => keep(token(inner)));
  t = esc(t);
  t = t.replace(/(^|[\\s(])\\*([^*\\n]+)\\*/g, '$1<b>$2</b>').replace(/(^|[\\s(])_([^_\\n]+)_/g, '$1<i>$2</i>').replace(/(^|[\\s(])~([^~\\n]+)~/g, '$1<s>$2</s>');
  t = t.replace(/:([a-z0-9_+-]+):/g, (m, n) => EMOJI[n] || m).replace(/\\n/g, '<br>');
  return t.replace(/\\u0000(\\d+)\\u0000/g, (_, i) => kept[Number(i)]);
}

function textObj(o) { return !o ? '' : o.type === 'mrkdwn' ? mrkdwn(o.text) : esc(o.text).replace(/:([a-z0-9_+-]+):/g, (m, n) => EMOJI[n] || m); }

function blocks(list, ts, fallback) {
  if (!list || list.length === 0) return '<div class="section">' + mrkdwn(fallback) + '</div>';
  return list.map((b) => {
    if (b.type === 'section') return '<div class="section">' + textObj(b.text) + (b.fields ? b.fields.map(textObj).join('<br>') : '') + '</div>';
    if (b.type === 'header') return '<div class="header">' + textObj(b.text) + '</div>';
    if (b.type === 'context') return '<div class="context">' + (b.elements || []).map((e) => e.type === 'image' ? '' : textObj(e)).join(' ') + '</div>';
    if (b.type === 'divider') return '<hr>';
    if (b.type === 'actions') return '<div>' + (b.elements || []).filter((e) => e.type === 'button').map((e) =>
      '<button class="act ' + (e.style || '') + '" data-ts="' + esc(ts || '') + '" data-action="' + esc(e.action_id) + '" data-confirm="' + esc(e.confirm ? e.confirm.text.text : '') + '">' + textObj(e.text) + '</button>').join('') + '</div>';
    return '';
  }).join('');
}

function message(m, thread) {
  const edited = m.edits > 0 ? '<small>(edited)</small>' : '';
  return '<div class="msg" data-ts="' + esc(m.ts) + '"><div class="who">' + (m.author ? esc(m.author) : 'runbook-bot') + ' <small>APP</small>' + edited + '</div>' + blocks(m.blocks, thread ? '' : m.ts, m.text) + '</div>';
}

function render() {
  const feed = $('#feed');
  const atBottom = feed.scrollHeight - feed.scrollTop - feed.clientHeight < 40;
  const privateHtml = state.privateNotes.slice().reverse().map((n) => '<div class="private"><div class="note">Only visible to you</div>' + blocks(n.blocks, '', n.text) + '</div>').join('');
  const files = (m) => (m.files || []).map((f) => f.image ? '<figure><img alt="' + esc(f.title) + '" src="api/file?id=' + encodeURIComponent(f.id) + '"><figcaption>' + esc(f.name) + '</figcaption></figure>' : '<div class="context">' + esc(f.name) + '</div>').join('');
  feed.innerHTML = state.messages.map((m) => message(m, false) + (m.replies.length || (m.files || []).length ? '<div class="thread">' + m.replies.map((r) => message(r, true)).join('') + files(m) + '</div>' : '')).join('') + privateHtml;
  if (atBottom) feed.scrollTop = feed.scrollHeight;
  $('#backends').textContent = JSON.stringify(state.backends, null, 2);
  $('#home').innerHTML = state.home ? blocks(state.home.blocks, '', '') : '<div class="context">Open the Home tab to see it.</div>';
  const examples = $('#examples');
  if (examples.options.length <= 1) state.examples.forEach((e) => examples.add(new Option(e.label, '/runbook ' + e.command)));
  const alarms = $('#alarms');
  if (alarms.options.length <= 1) state.alarms.forEach((a) => alarms.add(new Option(a.label, a.backend + ':' + a.index)));
  alarms.hidden = state.alarms.length === 0;
  $('#metrics').href = state.botUrl + '/metrics';
  const t = state.tour;
  $('#tour').hidden = !t.say && !t.error;
  $('#tour').textContent = t.error ? 'The tour stopped: ' + t.error : (t.running ? 'Tour step ' + t.step + ' of ' + t.total + ': ' : 'Tour: ') + (t.say || '');
  $('#play-tour').disabled = t.running;
}

async function refresh() {
  const res = await fetch('/api/state?user=' + encodeURIComponent($('#user').value));
  state = await res.json();
  // During the tour the page follows the person acting, so you see what they see.
  const tourAt = state.tour.step + ':' + state.tour.as;
  if (tourAt !== lastTourAt && $('#user').options.length) {
    lastTourAt = tourAt;
    if (state.tour.as && state.tour.as !== $('#user').value) { $('#user').value = state.tour.as; return refresh(); }
  }
  if (!$('#user').options.length) state.users.forEach((u) => $('#user').add(new Option(u.name, u.id)));
  render();
}

async function call(action, body) {
  const res = await fetch('/api/' + action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.assign({ user: $('#user').value }, body)) });
  const out = await res.json();
  $('#error').textContent = out.error || '';
  await refresh();
  return out;
}

document.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.act');
  if (!b || !b.dataset.ts) return;
  if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
  call('click', { ts: b.dataset.ts, actionId: b.dataset.action });
});
$('#composer').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('#text').value.trim();
  if (!text) return;
  $('#text').value = '';
  call('command', { text });
});
$('#examples').addEventListener('change', (ev) => { if (ev.target.value) $('#text').value = ev.target.value; ev.target.selectedIndex = 0; $('#text').focus(); });
$('#alarms').addEventListener('change', (ev) => { const [backend, index] = ev.target.value.split(':'); ev.target.selectedIndex = 0; if (backend) call('alarm', { backend, index: Number(index) }); });
$('#user').addEventListener('change', refresh);
$('#open-home').addEventListener('click', () => call('home', {}));
$('#play-tour').addEventListener('click', () => call('tour', {}));
refresh().then(() => setInterval(refresh, 700));
`;

/** The whole page, served at `/`. */
export const SANDBOX_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>runbook-bot sandbox</title><style>${STYLE}</style></head>
<body>
<nav>
  <h1>runbook sandbox</h1>
  <div class="chan"># guild-data-eng</div>
  <label>You are <select id="user" aria-label="You are"></select></label>
  <div class="side">Home tab <button id="open-home" type="button">Open Home</button></div>
  <div class="side">Guided tour <button id="play-tour" type="button">Play the tour</button></div>
  <a id="metrics" target="_blank" rel="noopener">Bot metrics</a>
  <p style="font-size:12px;margin-top:24px">Everything here is simulated: Slack, Metapod and the other backends run in this process. The bot is the real one, and every message it receives is signed as Slack signs it.</p>
</nav>
<main>
  <header># guild-data-eng</header>
  <div id="tour" hidden></div>
  <div id="feed" aria-live="polite"></div>
  <div id="error" role="alert"></div>
  <form id="composer"><input id="text" autocomplete="off" placeholder="/runbook help" aria-label="Message"><button type="submit">Send</button></form>
  <div class="tools"><select id="examples" aria-label="Examples"><option value="">Try a command…</option></select><select id="alarms" aria-label="Post a sample alarm" hidden><option value="">Post a sample alarm…</option></select></div>
</main>
<aside><h2>Home tab</h2><div id="home"></div><h2>Simulated backends</h2><pre id="backends"></pre></aside>
<script>${SCRIPT}</script>
</body></html>`;
