// The page's modal, in browser JavaScript (no build step): draws the view the bot opened (read back from the Slack
// emulator through /api/state as `state.modal`) over the channel, and sends what Slack's client sends: picks in
// inputs that dispatch actions, searches of external selects, Submit and Close. It runs after page-script.ts's code
// (it uses $, esc, textObj, blocks, call and state from there). String.raw, so it must not contain a template literal.

/** The modal part of the page's script. */
export const MODAL_SCRIPT = String.raw`
// What each input of a modal holds, by view id, so a redraw (views.update, errors) keeps what was typed, as Slack does.
const modalValues = {};
const modalEl = () => $('#modal');
const modalActionId = (e) => e.action_id || 'value';

function saveModalValues() {
  const box = modalEl();
  const id = box.dataset.view;
  if (!id) return;
  const kept = modalValues[id] || (modalValues[id] = {});
  box.querySelectorAll('[data-mblock]').forEach((el) => {
    const held = kept[el.dataset.mblock] || (kept[el.dataset.mblock] = {});
    // Checkboxes: the values of the ticked boxes, one per line (none ticked: empty).
    if (el.type === 'checkbox') {
      if (el.dataset.first) held[el.dataset.maction] = '';
      if (el.checked) held[el.dataset.maction] = held[el.dataset.maction] ? held[el.dataset.maction] + '\n' + el.value : el.value;
    } else held[el.dataset.maction] = el.value;
  });
}
function currentValues() {
  saveModalValues();
  return modalValues[modalEl().dataset.view] || {};
}

function modalInput(b, i, m) {
  const e = b.element || {};
  const blockId = b.block_id || ('input-' + i);
  const attrs = ' id="m-' + i + '" data-mblock="' + esc(blockId) + '" data-maction="' + esc(modalActionId(e)) + '"' + (b.dispatch_action ? ' data-dispatch="1"' : '');
  const ph = e.placeholder ? ' placeholder="' + esc(e.placeholder.text) + '"' : '';
  let control = '';
  if (e.type === 'plain_text_input' || e.type === 'email_text_input' || e.type === 'url_text_input') {
    control = e.multiline ? '<textarea' + attrs + ph + '>' + esc(e.initial_value || '') + '</textarea>'
      : '<input type="' + (e.type === 'email_text_input' ? 'email' : e.type === 'url_text_input' ? 'url' : 'text') + '"' + attrs + ph + ' value="' + esc(e.initial_value || '') + '">';
  } else if (e.type === 'checkboxes') {
    const ticked = (e.initial_options || []).map((o) => o.value);
    control = '<div class="mchecks">' + (e.options || []).map((o, k) => '<label class="mcheck"><input type="checkbox"' + (k === 0 ? attrs + ' data-first="1"' : ' data-mblock="' + esc(blockId) + '" data-maction="' + esc(modalActionId(e)) + '"') +
      ' value="' + esc(o.value) + '"' + (ticked.includes(o.value) ? ' checked' : '') + '> ' + textObj(o.text) + '</label>').join('') + '</div>';
  } else if (e.type === 'number_input') {
    control = '<input type="number"' + attrs + ph + (e.is_decimal_allowed ? ' step="any"' : ' step="1"') + (e.min_value !== undefined ? ' min="' + esc(e.min_value) + '"' : '') + (e.max_value !== undefined ? ' max="' + esc(e.max_value) + '"' : '') + ' value="' + esc(e.initial_value || '') + '">';
  } else if (e.type === 'static_select') {
    const options = (e.options || []).concat(...(e.option_groups || []).map((g) => g.options || []));
    control = '<select' + attrs + '><option value="">' + esc(e.placeholder ? e.placeholder.text : 'Choose…') + '</option>' +
      options.map((o) => '<option value="' + esc(o.value) + '"' + (e.initial_option && e.initial_option.value === o.value ? ' selected' : '') + '>' + esc(o.text.text) + '</option>').join('') + '</select>';
  } else if (e.type === 'external_select') {
    // Options come from the app (block_suggestion) as the person types, past min_query_length (Slack's default is 3).
    const min = e.min_query_length === undefined ? 3 : e.min_query_length;
    const initial = e.initial_option ? '<option value="' + esc(e.initial_option.value) + '" selected>' + esc(e.initial_option.text.text) + '</option>' : '';
    control = '<input type="search" class="msearch" data-for="m-' + i + '" data-min="' + min + '" aria-label="Search ' + esc(b.label ? b.label.text : '') + '" placeholder="' + (min > 0 ? 'Type ' + min + '+ characters to search' : 'Search') + '">' +
      '<select' + attrs + ' data-external="1"><option value="">' + esc(e.placeholder ? e.placeholder.text : 'Choose…') + '</option>' + initial + '</select>';
  } else if (e.type === 'conversations_select') {
    const chosen = e.initial_conversation || '';
    control = '<select' + attrs + '><option value="">' + esc(e.placeholder ? e.placeholder.text : 'Pick a channel') + '</option><option value="' + esc(state.channel.id) + '"' + (chosen === state.channel.id ? ' selected' : '') + '>#' + esc(state.channel.name) + '</option></select>';
  } else control = '<div class="context">(' + esc(e.type) + ' is not drawn by the sandbox)</div>';
  const error = m.errors[blockId];
  return '<div class="minput' + (error ? ' has-error' : '') + '" data-block-id="' + esc(blockId) + '"><label for="m-' + i + '">' + esc(b.label ? b.label.text : '') + (b.optional ? ' <small>(optional)</small>' : '') + '</label>' + control +
    (b.hint ? '<div class="context">' + esc(b.hint.text) + '</div>' : '') + (error ? '<div class="merror" role="alert">' + esc(error) + '</div>' : '') + '</div>';
}

function modalBlock(b, i, m) {
  if (b.type === 'input') return modalInput(b, i, m);
  if (b.type === 'actions') return '<div class="actions">' + (b.elements || []).filter((e) => e.type === 'button').map((e) => '<button type="button" class="mbutton ' + esc(e.style || '') + '" data-block-id="' + esc(b.block_id || '') + '" data-maction="' + esc(e.action_id) + '">' + textObj(e.text) + '</button>').join('') + '</div>';
  return blocks([b], null, '');
}

function renderModal(m) {
  const box = modalEl();
  if (!m) { if (!box.hidden) { box.hidden = true; box.innerHTML = ''; box.dataset.view = ''; box.dataset.at = ''; } return; }
  const at = m.id + ':' + m.hash + ':' + JSON.stringify(m.errors);
  if (box.dataset.at === at) return; // Unchanged: a redraw would lose the focus and what is being typed.
  saveModalValues();
  const v = m.view;
  const title = v.title ? v.title.text : '';
  box.innerHTML = '<div class="modal" role="dialog" aria-modal="true" aria-label="' + esc(title) + '" data-view="' + esc(m.id) + '">' +
    '<div class="mhead"><h2>' + esc(title) + '</h2></div><div class="mbody">' + (v.blocks || []).map((b, i) => modalBlock(b, i, m)).join('') + '</div>' +
    '<div class="mfoot"><button type="button" id="modal-close">' + esc(v.close ? v.close.text : 'Cancel') + '</button>' +
    (v.submit ? '<button type="button" id="modal-submit" class="primary">' + esc(v.submit.text) + '</button>' : '') + '</div></div>';
  box.hidden = false;
  box.dataset.at = at;
  box.dataset.view = m.id;
  const kept = modalValues[m.id] || {};
  box.querySelectorAll('[data-mblock]').forEach((el) => {
    const value = (kept[el.dataset.mblock] || {})[el.dataset.maction];
    if (value === undefined) return;
    if (el.type === 'checkbox') return void (el.checked = value.split('\n').includes(el.value));
    if (el.tagName === 'SELECT' && value && !Array.from(el.options).some((o) => o.value === value)) el.add(new Option(value, value));
    el.value = value;
  });
}

// Every modal request carries what the inputs hold, so the server can echo the view's state as Slack does.
const modalCall = (action, extra) => call(action, Object.assign({ viewId: modalEl().dataset.view, values: currentValues() }, extra));

modalEl().addEventListener('change', (ev) => {
  const el = ev.target.closest('[data-mblock]');
  if (!el || !el.dataset.dispatch || el.tagName !== 'SELECT' || !el.value) return;
  modalCall('modalAction', { blockId: el.dataset.mblock, actionId: el.dataset.maction, selected: el.value });
});
modalEl().addEventListener('click', (ev) => {
  if (ev.target.closest('#modal-submit')) return void modalCall('modalSubmit', {});
  if (ev.target.closest('#modal-close')) return void modalCall('modalClose', {});
  const b = ev.target.closest('button.mbutton');
  if (b) modalCall('modalAction', { blockId: b.dataset.blockId, actionId: b.dataset.maction });
});
let searchTimer = null;
modalEl().addEventListener('input', (ev) => {
  const search = ev.target.closest('input.msearch');
  if (!search) return;
  clearTimeout(searchTimer);
  if (search.value.length < Number(search.dataset.min)) return;
  searchTimer = setTimeout(async () => {
    const select = document.getElementById(search.dataset.for);
    const res = await fetch('/api/modalOptions', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: $('#user').value, viewId: modalEl().dataset.view, blockId: select.dataset.mblock, actionId: select.dataset.maction, query: search.value, values: currentValues() }) });
    const out = await res.json();
    $('#error').textContent = out.error || '';
    const keep = select.options[0];
    select.innerHTML = '';
    select.add(keep);
    (out.options || []).forEach((o) => select.add(new Option(o.text, o.value)));
  }, 250);
});
`;
