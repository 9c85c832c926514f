import { EMOJI_TEXT_FALLBACK, emojiTable } from './page-emoji';
import { MODAL_SCRIPT } from './page-modal-script';

// The page's browser JavaScript (no build step): renders the Block Kit the bot really sent, read back from the
// Slack emulator through /api/state, and turns every click or pick into a request the server signs as Slack would.
// Written as String.raw so regular expressions keep their backslashes; it must not contain a template literal.
const SCRIPT = String.raw`
const $ = (s) => document.querySelector(s);
let state = null;
let lastTourAt = '0:undefined';
const names = () => Object.fromEntries((state ? state.users : []).map((u) => [u.id, u.name]));
const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Can this machine's fonts draw the character? Compared with a code point no font has (drawn as a box).
const drawable = new Map();
function canDraw(ch) {
  if (drawable.has(ch)) return drawable.get(ch);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const ctx = canvas.getContext('2d');
  const pixels = (c) => { ctx.clearRect(0, 0, 32, 32); ctx.font = '24px ' + getComputedStyle(document.body).fontFamily; ctx.fillText(c, 2, 26); return ctx.getImageData(0, 0, 32, 32).data.join(','); };
  const ok = pixels(ch) !== pixels('\u{10FFFD}') && pixels(ch) !== pixels('');
  drawable.set(ch, ok);
  return ok;
}
// A shortcode as Unicode; without an emoji font, a text symbol; failing that, the name in words (never a box).
function emoji(m, name) {
  const ch = EMOJI[name];
  if (!ch) return m;
  if (canDraw(ch)) return '<span class="emoji" title=":' + esc(name) + ':">' + ch + '</span>';
  const fb = FALLBACK[name];
  if (fb && canDraw(fb.char)) return '<span class="emoji" title=":' + esc(name) + ':"' + (fb.color ? ' style="color:' + fb.color + '"' : '') + '>' + fb.char + '</span>';
  return '<span class="emoji-word" title=":' + esc(name) + ':">' + esc(name.replace(/_/g, ' ')) + '</span>';
}
const emojify = (html) => html.replace(/:([a-z0-9_+-]+):/g, emoji);

function token(inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return '<span class="mention">@' + esc(names()[target.slice(1)] || label || target.slice(1)) + '</span>';
  if (target.startsWith('#')) return '<span class="mention">#' + esc(label || (state && target.slice(1) === state.channel.id ? state.channel.name : target.slice(1))) + '</span>';
  if (target.startsWith('!date^')) { const epoch = Number(target.split('^')[1]); return esc(new Date(epoch * 1000).toLocaleString()); }
  if (target.startsWith('!subteam^')) return '<span class="mention">@' + esc(label || target.split('^')[1]) + '</span>';
  if (target.startsWith('!')) return '<b>@' + esc(target.slice(1)) + '</b>';
  if (!/^(https?:|mailto:)/.test(target)) return esc(label || target);
  return '<a href="' + esc(target) + '" target="_blank" rel="noopener">' + esc(label || target) + '</a>';
}

// Slack sends &amp; &lt; &gt; escaped in text; read them back before this page escapes for HTML.
const unslack = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// Slack mrkdwn to HTML: code first (nothing inside is interpreted), then <tokens>, then emphasis, quotes, emoji.
function mrkdwn(text) {
  const kept = [];
  const keep = (html) => { kept.push(html); return '\u0000' + (kept.length - 1) + '\u0000'; };
  let t = String(text || '');
  t = t.replace(/\`\`\`([\s\S]*?)\`\`\`/g, (_, c) => keep('<pre>' + esc(unslack(c.replace(/^\n/, ''))) + '</pre>'));
  t = t.replace(/\`([^\`\n]+)\`/g, (_, c) => keep('<code>' + esc(unslack(c)) + '</code>'));
  t = t.replace(/<([^<>]+)>/g, (_, inner) => keep(token(inner)));
  t = esc(unslack(t));
  t = t.replace(/(^|[\s(>])\*([^*\n]+)\*/g, '$1<b>$2</b>').replace(/(^|[\s(>])_([^_\n]+)_/g, '$1<i>$2</i>').replace(/(^|[\s(>])~([^~\n]+)~/g, '$1<s>$2</s>');
  // Quotes: lines starting with "> " (escaped by now) become one blockquote each run.
  t = t.split('\n').reduce((acc, line) => {
    const q = /^&gt; ?(.*)$/.exec(line);
    const last = acc[acc.length - 1];
    if (q && last && last.quote) last.lines.push(q[1]); else acc.push(q ? { quote: true, lines: [q[1]] } : { quote: false, lines: [line] });
    return acc;
  }, []).map((g) => g.quote ? '<blockquote>' + g.lines.join('<br>') + '</blockquote>' : g.lines[0]).join('\n');
  t = emojify(t).replace(/\n/g, '<br>').replace(/<\/blockquote><br>/g, '</blockquote>');
  return t.replace(/\u0000(\d+)\u0000/g, (_, i) => kept[Number(i)]);
}

function textObj(o) { return !o ? '' : o.type === 'mrkdwn' ? mrkdwn(o.text) : emojify(esc(o.text)); }

// Where an element sits, so a click names its container: data-kind (message, note, home) and data-ref (ts or note number).
const at = (ref) => ' data-kind="' + ref.kind + '" data-ref="' + esc(ref.ts || '') + '"';
function element(e, ref) {
  if (!ref) return '';
  if (e.type === 'button') return '<button class="act ' + esc(e.style || '') + '"' + at(ref) + ' data-action="' + esc(e.action_id) + '" data-confirm="' + esc(e.confirm ? confirmText(e.confirm) : '') + '">' + textObj(e.text) + '</button>';
  if (e.type === 'static_select' || e.type === 'overflow') {
    const options = (e.options || []).concat(...(e.option_groups || []).map((g) => g.options || []));
    const first = e.type === 'overflow' ? '⋯' : (e.placeholder ? e.placeholder.text : 'Choose…');
    const label = e.type === 'overflow' ? 'More actions' : first;
    return '<select class="act ' + (e.type === 'overflow' ? 'overflow' : '') + '"' + at(ref) + ' data-action="' + esc(e.action_id) + '" aria-label="' + esc(label) + '"><option value="">' + esc(first) + '</option>' +
      options.map((o) => '<option value="' + esc(o.value) + '"' + (e.initial_option && e.initial_option.value === o.value ? ' selected' : '') + '>' + esc(o.text.text) + '</option>').join('') + '</select>';
  }
  return '';
}
function confirmText(c) { return [c.title && c.title.text, c.text && c.text.text].filter(Boolean).map((t) => t.replace(/[*_~\`]/g, '')).join('\n\n'); }

function blocks(list, ref, fallback) {
  if (!list || list.length === 0) return '<div class="section">' + mrkdwn(fallback) + '</div>';
  return list.map((b) => {
    if (b.type === 'section') return '<div class="section">' + textObj(b.text) + (b.fields ? '<div class="fields">' + b.fields.map((f) => '<div>' + textObj(f) + '</div>').join('') + '</div>' : '') + (b.accessory ? '<div class="actions">' + element(b.accessory, ref) + '</div>' : '') + '</div>';
    if (b.type === 'header') return '<div class="header">' + textObj(b.text) + '</div>';
    if (b.type === 'context') return '<div class="context">' + (b.elements || []).map((e) => e.type === 'image' ? '' : textObj(e)).join(' ') + '</div>';
    if (b.type === 'divider') return '<hr>';
    if (b.type === 'actions') return '<div class="actions">' + (b.elements || []).map((e) => element(e, ref)).join('') + '</div>';
    if (b.type === 'rich_text') return '<div class="section">' + mrkdwn(fallback) + '</div>';
    return '';
  }).join('');
}

function message(m) {
  const edited = m.edits > 0 ? '<small>(edited)</small>' : '';
  return '<div class="msg" data-ts="' + esc(m.ts) + '"><div class="who">' + (m.author ? esc(m.author) : 'runbook-bot <small>APP</small>') + edited + '</div>' + blocks(m.blocks, { kind: 'message', ts: m.ts }, m.text) + '</div>';
}

// The simulated backends as tables: a list of records is a table with a column per field, a record is key | value.
function table(v, depth) {
  if (v === null || v === undefined) return '<span class="empty">none</span>';
  if (typeof v !== 'object') return esc(String(v));
  if (Array.isArray(v)) {
    if (v.length === 0) return '<span class="empty">none yet</span>';
    if (v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      const cols = [...new Set(v.flatMap((r) => Object.keys(r)))];
      return '<table><tr>' + cols.map((c) => '<th>' + esc(words(c)) + '</th>').join('') + '</tr>' + v.map((r) => '<tr>' + cols.map((c) => '<td>' + table(r[c], depth + 1) + '</td>').join('') + '</tr>').join('') + '</table>';
    }
    return v.map((x) => table(x, depth + 1)).join(depth > 0 ? ', ' : '<br>');
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '<span class="empty">none</span>';
  return '<table>' + keys.map((k) => '<tr><th>' + esc(words(k)) + '</th><td>' + table(v[k], depth + 1) + '</td></tr>').join('') + '</table>';
}
const words = (k) => String(k).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
function backends(all) {
  return Object.entries(all).map(([name, v]) => '<h3>' + esc(name) + '</h3>' + table(v, 0)).join('');
}

function render() {
  renderModal(state.modal);
  const feed = $('#feed');
  const atBottom = feed.scrollHeight - feed.scrollTop - feed.clientHeight < 40;
  const focused = document.activeElement && document.activeElement.matches('select.act') ? document.activeElement : null;
  if (focused) return; // Redrawing would close a menu the person has open.
  const privateHtml = state.privateNotes.slice().reverse().map((n) => '<div class="private"><div class="note">Only visible to you</div>' + blocks(n.blocks, { kind: 'note', ts: String(n.seq) }, n.text) + '</div>').join('');
  const files = (m) => (m.files || []).map((f) => f.image ? '<figure><img alt="' + esc(f.title) + '" src="api/file?id=' + encodeURIComponent(f.id) + '"><figcaption>' + esc(f.name) + '</figcaption></figure>' : '<div class="context">' + esc(f.name) + '</div>').join('');
  const html = state.messages.map((m) => message(m) + (m.replies.length || (m.files || []).length ? '<div class="thread">' + m.replies.map(message).join('') + files(m) + '</div>' : '')).join('') + privateHtml;
  if (html !== feed.dataset.html) { feed.innerHTML = html; feed.dataset.html = html; }
  if (atBottom) feed.scrollTop = feed.scrollHeight;
  const side = backends(state.backends);
  if (side !== $('#backends').dataset.html) { $('#backends').innerHTML = side; $('#backends').dataset.html = side; }
  const home = state.home ? blocks(state.home.blocks, { kind: 'home' }, '') : '<div class="context">Open the Home tab to see it.</div>';
  if (home !== $('#home').dataset.html) { $('#home').innerHTML = home; $('#home').dataset.html = home; }
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
const clickOf = (el, extra) => Object.assign({ kind: el.dataset.kind, actionId: el.dataset.action }, el.dataset.ref ? { ts: el.dataset.ref } : {}, extra);

document.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.act');
  if (!b || !b.dataset.kind) return;
  if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
  call('click', clickOf(b, {}));
});
document.addEventListener('change', (ev) => {
  const s = ev.target.closest('select.act');
  if (!s || !s.value) return;
  const picked = s.value;
  s.blur();
  call('click', clickOf(s, { selected: picked }));
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

/** The page's script, with the emoji table it renders shortcodes from (node-emoji's, served inline: no CDN). */
export function pageScript(): string {
  const data = `const EMOJI = ${JSON.stringify(emojiTable())};\nconst FALLBACK = ${JSON.stringify(EMOJI_TEXT_FALLBACK)};\n`;
  return (data + SCRIPT + MODAL_SCRIPT).replace(/<\/script/gi, '<\\/script');
}
