// Building the page without HTML strings: every text goes through textContent, so nothing the API returns
// can become markup. Event handlers are attached here, never as attributes (the console's CSP forbids those).

/** An element: h('button', {type: 'button', on: {click: fn}}, 'Save'). Attributes false/null are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'on') {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' && 'defaultValue' in el && el.tagName !== 'SELECT') {
      // the value it starts with too, so that values() can tell a field cleared from one left empty
      el.defaultValue = value;
      el.value = value;
    } else if (name === 'checked' || name === 'selected') {
      // the state it starts in too, as for a value
      el[name === 'checked' ? 'defaultChecked' : 'defaultSelected'] = value;
      el[name] = value;
    } else if (name === 'disabled' || name === 'value') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
    shown.set(el, state(el));
  }
  return el;
}

/**
 * What each control showed when it was built: its value as the browser holds it (an input drops the line breaks of
 * the text it is given), or whether it was checked. edited() compares with this, never with the stored text.
 */
const shown = new WeakMap();

function state(el) {
  return el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value.trim();
}

/** Whether the person changed a control since it was built (any control not built by h: whether it holds anything). */
export function edited(el) {
  return shown.has(el) ? shown.get(el) !== state(el) : state(el) !== '' && state(el) !== false;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A fresh id for pairing labels with controls. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * A labelled control with a slot for its error: field('Email', h('input', {name: 'email'})). The control's
 * name is the API field it feeds, so that a problem's per-field errors land next to it (showProblem).
 */
export function field(label, control, hint) {
  const id = control.id || uid();
  control.id = id;
  const error = h('p', {class: 'field-error', id: `${id}-error`, hidden: true});
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  return h('div', {class: 'field', dataset: {field: control.name || ''}},
    h('label', {for: id}, label),
    control,
    hint ? h('p', {class: 'hint', id: `${id}-hint`}, hint) : null,
    error);
}

/** A select of options [{value, label}] with one selected. */
export function select(name, options, selected, attrs = {}) {
  return h('select', {name, ...attrs},
    options.map(o => h('option', {value: String(o.value), selected: String(o.value) === String(selected)}, o.label)));
}

/**
 * A table: columns [{label, cell: row => node|text}] (a null column is left out: one that applies only on some
 * models), one row per item; an empty note when there are none.
 */
export function table(given, rows, {caption, empty = 'Nothing here yet.', rowClass} = {}) {
  if (!rows.length) return h('p', {class: 'empty'}, empty);
  const columns = given.filter(Boolean);
  return h('div', {class: 'table-wrap'}, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {scope: 'col'}, c.label)))),
    h('tbody', {}, rows.map(row => h('tr', {class: rowClass ? rowClass(row) : null},
      columns.map(c => h('td', {dataset: {label: c.label}}, c.cell(row))))))));
}

/**
 * The values of a form's named controls (checkboxes as booleans). A text left empty is left out, so a new object
 * gets no empty optional fields; a text that held something and was emptied is "" — the person cleared it, and a
 * write must send that (the API clears a field sent ""), never drop it and still report the save.
 */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else if (el.value.trim() !== '' || cleared(el)) out[el.name] = el.value.trim();
  }
  return out;
}

/**
 * The values of the named controls the person changed (a text emptied is "", a choice taken back to none ""): what an
 * edit of a loaded object sends, so that a field left alone is never rewritten — not even one whose stored value a
 * control cannot show as it is (a name with a line break, which an input drops). Radio buttons count as one control.
 */
export function changes(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.name in out) continue;
    const group = el.type === 'radio' ? [...form.elements].filter(r => r.type === 'radio' && r.name === el.name) : [el];
    if (!group.some(edited)) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type !== 'radio') out[el.name] = el.value.trim();
    else if (group.some(r => r.checked)) out[el.name] = group.find(r => r.checked).value;
  }
  return out;
}

/**
 * Makes `act(event)` a form's submission: the browser's own is stopped, and while `act` runs — its request in
 * flight — the form's submit buttons are disabled and any further submission is ignored, so that a double click
 * (or Enter pressed twice) writes once. What earlier writes said (their notices, ok or refused, the status line) is
 * taken away as the form is sent: the form's own outcome follows. Every form of the console submits through this.
 */
export function onSubmit(form, act) {
  const send = oneAtATime(act, () => {
    const buttons = [...form.querySelectorAll('button[type=submit]')].filter(b => !b.disabled);
    buttons.forEach(b => { b.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    return () => {
      buttons.forEach(b => { b.disabled = false; });
      form.removeAttribute('aria-busy');
    };
  });
  form.addEventListener('submit', event => {
    event.preventDefault();
    send(event);
  });
  return form;
}

/**
 * Makes `act(event)` what a button outside a form does when pressed (Pause, Rotate secret), as onSubmit does for a
 * form: while `act` runs the button is disabled and a further press is ignored, so that a double click writes once
 * (a second write would carry the version the first one replaced and be refused as a conflict), and what earlier
 * writes said is taken away. Every button that writes without a form goes through this (or confirming).
 */
export function onPress(button, act) {
  button.addEventListener('click', oneAtATime(act, () => {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    return () => {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    };
  }));
  return button;
}

/**
 * `act(event)` run one at a time, for onSubmit and onPress: a call while it runs is ignored; `hold()` marks what
 * sends it busy and returns what lets go of it once `act` has ended; what earlier writes said is taken away first.
 */
function oneAtATime(act, hold) {
  let busy = false;
  return async event => {
    if (busy) return;
    busy = true;
    const release = hold();
    forgetTold();
    try {
      await act(event);
    } finally {
      busy = false;
      release();
    }
  };
}

/** The characters that reorder the text around them: bidi embeddings, overrides, isolates and marks. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A name, an id or any other text the API returns, set in a sentence or a row of the page (a <bdi>): its own
 * direction and any bidi control it holds (U+202E, which the API accepts in a user id) stay inside it, so they never
 * reorder the words and buttons around it.
 */
export function bdi(text) {
  return h('bdi', {}, text);
}

/**
 * A sentence with names in it, as nodes for h() or fill(): phrase`Remove ${userId} from ${group}?` — each value
 * set apart by bdi(), the words around it as written.
 */
export function phrase(strings, ...names) {
  return strings.flatMap((text, i) => (i < names.length ? [text, bdi(names[i])] : [text])).filter(p => p !== '');
}

/** A text without bidi controls: for where no element can isolate a name (the document's title). */
export function withoutBidiControls(text) {
  return String(text ?? '').replace(BIDI_CONTROLS, '');
}

/**
 * A text as a single-line input can hold it: each run of white space and control characters one space, none at
 * either end. What a person is asked to type is compared, and shown, this way.
 */
export function oneLine(text) {
  return String(text ?? '').replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

/** Whether a text control started with a value (its defaultValue; a textarea's text) that is now gone. */
function cleared(el) {
  return typeof el.defaultValue === 'string' && el.defaultValue.trim() !== '' && el.value.trim() === '';
}

/**
 * A status line that screen readers announce (a text, or nodes). One of kind 'ok', or `ofWrite` (what a write's
 * refusal said), tells what an earlier write did: it is news only until the next form is sent or button pressed
 * (onSubmit, onPress, confirming take it away), so a refusal never stands beside an earlier "… created." nor beside
 * the refusal of an earlier write. A notice of what a read found stays.
 */
export function notice(text, kind = 'info', {ofWrite = kind === 'ok'} = {}) {
  return h('p', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status',
    dataset: ofWrite ? {told: ''} : null}, text);
}

/**
 * Takes away what earlier writes said: their notices, the problems shown in the screen's forms (each form shows its
 * own again when it is sent) and the status line.
 */
function forgetTold() {
  document.querySelectorAll('[data-told], .form-problem').forEach(el => el.remove());
  document.querySelectorAll('.field-error').forEach(el => { el.hidden = true; el.textContent = ''; });
  document.querySelectorAll('[aria-invalid]').forEach(el => el.removeAttribute('aria-invalid'));
  const status = document.getElementById('status');
  if (status) status.textContent = '';
}

/**
 * A secret shown once (a new key, a signing secret): `lead` says what it is, `value` is the secret. Not a notice of
 * what a write did — a form sent later leaves it (the shell keeps it for its screen, app.secrets).
 */
export function secretNotice(lead, value) {
  return h('div', {class: 'notice notice-ok secret', role: 'status'},
    h('p', {}, lead), h('code', {class: 'secret-value'}, value));
}

/** A short date and time in the browser's locale. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** An ISO instant as a datetime-local control's value (the browser's time zone, to the minute); '' for none. */
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local control's value as an ISO instant (UTC); the text as typed when it is no time (the API refuses it). */
function fromLocalInput(text) {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

/** The instant each datetime-local control was given by setInstant, exactly, with the text it showed for it. */
const instants = new WeakMap();

/**
 * Shows an ISO instant in a datetime-local control (to the minute, as localInput; null or '' empties it) and keeps
 * it exactly, so that instantOf gives it back — seconds and fractions included — while the control still shows it.
 */
export function setInstant(el, iso) {
  el.value = localInput(iso);
  instants.set(el, {iso: iso || null, shown: el.value});
  return el;
}

/**
 * A datetime-local control's instant: exactly the one setInstant gave it while it still shows that (a time the person
 * did not touch is never moved to the minute), else its text as an ISO instant (fromLocalInput); null when empty.
 */
export function instantOf(el) {
  if (!el.value) return null;
  const given = instants.get(el);
  return given && given.iso && given.shown === el.value ? given.iso : fromLocalInput(el.value);
}

/**
 * A button for what cannot be undone: pressing it asks `question` (a text, or nodes: phrase`…`) in `slot`, and only
 * "yes" runs `act` (whose own errors it shows itself); "Keep it" takes the question back. Either answer gives the
 * focus back to the button that asked, as the question it answered leaves the page. While `act` runs the button asks
 * nothing (a write in flight is not sent again) and what earlier writes said is taken away, as onPress does. attrs go
 * to the first button.
 */
export function confirming(text, question, yes, act, slot, attrs = {}) {
  let busy = false;
  const answered = () => {
    fill(slot);
    if (button.isConnected) button.focus();
  };
  const run = async () => {
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    answered();
    forgetTold();
    try {
      await act();
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  };
  const ask = () => {
    if (busy) return;
    const said = h('span', {id: uid('question')}, question);
    fill(slot, h('div', {class: 'actions confirm', role: 'group', 'aria-labelledby': said.id},
      said,
      h('button', {type: 'button', class: 'danger', on: {click: run}}, yes),
      h('button', {type: 'button', class: 'secondary', on: {click: answered}}, 'Keep it')));
  };
  const button = h('button', {type: 'button', class: 'danger', ...attrs, on: {click: ask}}, text);
  return button;
}
