// API problems in plain words, placed next to the field they concern.
import {h, fill, notice} from './dom.js';

let gone = () => {};

/**
 * Who is told when a write is refused because what it named is gone (404: deleted or removed elsewhere since the
 * screen read it): the shell, which reads the screen again — the gone entry leaves it — and shows the refusal there
 * (showRefusal, showProblem). `listener(problem, words)`; `words` name what the person pressed, or are null.
 */
export function onGone(listener) {
  gone = listener;
}

const WORDS = {
  unauthenticated: 'The key was not accepted. Check that it is complete and has not been revoked.',
  invalid_key: 'The key was not accepted. Check that it is complete and has not been revoked.',
  key_revoked: 'This key was revoked. Sign in with another key.',
  forbidden: 'Your key is not allowed to do this.',
  privilege_escalation: 'You cannot grant permissions or visibility that your own role does not have.',
  role_in_use: 'This role is still held, so it cannot be deleted or changed that way.',
  version_mismatch: 'Someone else changed this since you opened it.',
  limit_reached: 'A limit of this deployment has been reached.',
  unknown_permission: 'The model has no such permission.',
  last_role_manager: 'This is the last active member who can manage roles; keep at least one.',
  ambiguous_member: 'That number names two different members; use id:… or user:… to choose one.',
  invalid_input: 'Some fields need attention.',
  node_resyncing: 'The server is reloading its state; try again in a moment.',
  revision_not_reached: 'The server has not caught up with the latest change yet; try again in a moment.',
  route_not_found: 'The server does not offer this.',
  unreachable: 'The server could not be reached. Check the connection and try again.',
  unreadable_answer: 'The server’s answer could not be read (a proxy or gateway may have answered instead).',
};

/**
 * Plain words for a problem: a sentence for its code (when known) and the server's own detail. Where no form shows
 * the fields a refusal names (a link's member or role id, a notice), a detail that only restates its field errors is
 * said as those errors alone, each field the subject of its rule ("Member must name a member as …"), as the server
 * words a path's bad id ("role must be a positive integer id"): no "Some fields need attention" about fields that are
 * not there.
 */
export function explain(problem) {
  const errors = Object.entries(problem.errors || {});
  if (problem.code === 'invalid_input' && errors.length && restates(problem.detail, errors)) {
    return errors.map(([name, message]) => sentence(RULE.test(message) ? `${name} ${message}` : `${name}: ${message}`))
      .join(' ');
  }
  return summarize(problem);
}

/** A field error that reads as a rule of its field ("must be …", "is required"), said after the field's name. */
const RULE = /^(must|is|are|may|cannot)\b/;

/** explain's words for a problem as a whole: its code's sentence and the server's detail. */
function summarize(problem) {
  const lead = WORDS[problem.code] || (problem.status >= 500 ? 'The server could not complete the request.' : null);
  const detail = problem.detail ? sentence(problem.detail) : '';
  return lead && detail && !sameWords(lead, detail) ? `${lead} ${detail}` : (lead || detail || 'The request failed.');
}

function sentence(text) {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

function sameWords(a, b) {
  return a.toLowerCase().startsWith(b.toLowerCase().slice(0, 20));
}

/** Clears the errors shown in a form. */
export function clearProblem(form) {
  form.querySelectorAll('.field-error').forEach(el => { el.hidden = true; el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach(el => el.removeAttribute('aria-invalid'));
  form.querySelectorAll('.form-problem').forEach(el => el.remove());
}

/**
 * Shows a problem in a form: each per-field error under its control, and the whole in plain words at the top.
 * Moves focus to the first field in error, or to the message.
 *
 * A server error lands at the form field that feeds it, found by its control's name or a [data-field] wrapper
 * (such as a permission matrix): by the name as the server gives it, as `fields` maps it (the explorer's
 * `user_id` is its `member`), or spelt the forms' way (`resource.id` is `resource_id`, a camelCase name its
 * snake_case). Each problem shows once: a message is not repeated at its field, the summary leaves out a
 * detail that only restates the errors shown at their fields, and an error with no field in the form (a query's
 * `cursor`) is listed only when the summary does not already speak of it.
 *
 * `current` loads the current version of what the form saves: a version conflict (someone else saved it since it
 * was read) then offers it beside the problem (offerCurrent). With `current` the form edits an object the screen
 * read, so a refusal saying it is gone (404) is no problem of the form's fields: the screen is read again and shows
 * the refusal (onGone). A form without it names what the person typed (a member by user id), and a 404 stays in it.
 */
export function showProblem(form, problem, {fields = {}, current} = {}) {
  // the object the form edits is gone: the screen would go on showing it, and every save of it be refused
  if (current && problem.status === 404) {
    gone(problem, null);
    return null;
  }
  clearProblem(form);
  const errors = problem.errors || {};
  let first = null;
  const unplaced = [];
  const placed = [];
  for (const [name, message] of Object.entries(errors)) {
    const wrapper = fieldOf(form, name, fields);
    const slot = wrapper && wrapper.querySelector('.field-error');
    if (!slot) { unplaced.push([name, message]); continue; }
    placed.push([name, message]);
    const text = sentence(message);
    if (!slot.textContent.split('\n').includes(text)) slot.textContent = slot.textContent ? `${slot.textContent}\n${text}` : text;
    slot.hidden = false;
    const control = wrapper.querySelector('input, select, textarea');
    if (control) control.setAttribute('aria-invalid', 'true');
    first = first || control || slot;
  }
  const listed = Object.entries(errors);
  const detailed = !(listed.length && restates(problem.detail, listed));
  const summary = detailed ? summarize(problem) : (WORDS[problem.code] || WORDS.invalid_input);
  // the server's own sentence already tells an error of a field it names: a list would say it again, in fewer words
  const untold = detailed ? unplaced.filter(([name]) => !names(problem.detail, name)) : unplaced;
  const box = h('div', {class: 'form-problem', role: 'alert', tabindex: '-1'},
    h('p', {}, summary),
    untold.length ? h('ul', {}, untold.map(([name, message]) => h('li', {}, `${name}: ${message}`))) : null,
    offerCurrent(problem, current));
  form.prepend(box);
  (first || box).focus();
  return box;
}

/**
 * Shows the refusal of a write no form holds — a button's (Remove…, Pause, Delete…) — in `slot`, offering the current
 * version for a version conflict (offerCurrent, with `current`). Such a write names only what the screen shows, so a
 * refusal saying it is gone (404: deleted or removed elsewhere since the screen read it) reads the screen again, where
 * it is no longer listed, and the refusal is shown there (onGone): in `words` when given — naming what the person
 * pressed (a member's user id, a group's name) rather than the ids the server's sentence names — else the server's.
 */
export function showRefusal(slot, problem, {current, words} = {}) {
  if (problem.status === 404) {
    gone(problem, words || null);
    return;
  }
  fill(slot, notice([explain(problem), ' ', offerCurrent(problem, current)], 'error', {ofWrite: true}));
}

/**
 * What a version conflict offers (412 `version_mismatch`: someone else saved the object since the screen read it):
 * a button that loads the current version through `load`, where the refusal is shown — the form would otherwise keep
 * showing the version every save of it is refused for. Null for any other problem, or without `load`.
 */
export function offerCurrent(problem, load) {
  if (!load || problem.code !== 'version_mismatch') return null;
  return h('button', {type: 'button', class: 'secondary', on: {click: () => load()}}, 'Load the current version');
}

/** Whether a server's sentence names the field `name` (`cursor is not one this API returned`), as a word of its own. */
function names(detail, name) {
  if (!detail) return false;
  const word = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.])${word}($|[^A-Za-z0-9_])`, 'i').test(detail);
}

/** The wrapper of the form field a server error named `name` belongs to, or null. */
function fieldOf(form, name, fields) {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/\./g, '_');
  for (const candidate of [fields[name], name, snake]) {
    if (!candidate) continue;
    const wrapper = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (wrapper && wrapper.querySelector('.field-error')) return wrapper;
  }
  return null;
}

/**
 * Whether a problem's detail says nothing but its structured errors [name, message] — each shown at its field or in
 * the list — however it joins them: what is left once every "name: message" and message is taken out of it is only
 * separators. The errors are read as given, never by splitting the detail, whose messages may hold "; " themselves.
 */
function restates(detail, errors) {
  if (!detail) return true;
  let rest = detail;
  const parts = errors.flatMap(([name, message]) => [`${name}: ${message}`, String(message)])
    .sort((a, b) => b.length - a.length);
  for (const part of parts) rest = rest.split(part).join('');
  return /^[\s;,.]*$/.test(rest);
}
