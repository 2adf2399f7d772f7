// "Who gains and who loses which permissions, where" before a change is saved. Every form that changes access —
// the role editor, a member's company role, an assignment — owns one preview panel and asks it to refresh with
// the change it would save. The panel asks the server (POST /v1/orgs/{org}/preview), which rehearses that very
// write without making it: a change the signed-in key may not make is refused here as the save would be. It never
// guesses, and never shows an earlier change's preview: only the answer to the latest request is drawn, and once the
// form it previews is changed the panel says its preview is out of date instead of showing it. A refusal is shown as
// the save's would be: in the form, at the field it concerns, until the form is changed or sent.
import * as api from './api.js';
import {h, fill, bdi, notice} from './dom.js';
import {explain, showProblem, clearProblem} from './problems.js';

/**
 * A preview panel: {element, refresh(change), follow(form)}; `label` names its region when a screen has more than
 * one, `hint` is what it says before the first preview. follow(form) names the form whose controls the change is
 * read from: once any of them changes after a preview was asked for (an input or change event; a script that fills
 * the form in fires one itself, as the Resources screen's Change… does), the preview — or its refusal, or an answer
 * still on its way — is taken away and the panel says it is out of date, so it never stands beside a form that would
 * save something else. A refusal of the preview is shown as the save's refusal is: in the form followed, through
 * showProblem, each error at the field it concerns (the API names it within the change, `assignment.role_id`: the
 * form's `role_id`); `fields` maps a name the form spells otherwise, as showProblem's does, and `placed` is the
 * screen's own reading of a refusal, which its save applies too (a member not found named at the member field).
 * Without a form (a removal) the refusal stands in the panel. Either is what an earlier write said (dom.js notice
 * `ofWrite`): the form's own save, or any other write, takes it away, and its outcome alone is shown. `change` is the
 * body of the preview request, one of
 *   {role: {id, version, permissions, external, visibility, …}}     an edit of an existing role
 *   {member: {member_id | user_id, role_id?, status?}}              a member's company role or status
 *   {assignment: {resource: {type, id}, member_id | user_id, role_id}}  a role on a resource (role_id null: removal)
 */
export function panel(app, {label = 'Preview of the change', title = 'Preview: who gains and who loses',
  hint = 'Change something, then preview it before you save.'} = {}) {
  const body = h('div', {class: 'preview-body'});
  const element = h('section', {class: 'preview', 'aria-label': label, 'aria-live': 'polite'}, h('h2', {}, title),
    body);
  // Counts the requests: only the answer to the latest is drawn, so an earlier one answered late (another role chosen
  // and previewed meanwhile) never replaces the preview of the change the form now holds.
  let asked = 0;
  // whether the panel shows (or waits for) a preview, which a change of the form it follows makes out of date
  let showing = false;
  // the form whose change is previewed (follow), the names it gives the API's fields, and the refusal shown in it
  let followed = null;
  let named = {};
  let placed = problem => problem;
  let refused = null;
  const waiting = () => fill(body, h('p', {class: 'muted'}, hint));
  waiting();
  // a refusal taken away by a later write (dom.js forgetTold) leaves the panel as it was before any preview
  new MutationObserver(() => {
    if (body.firstChild) return;
    showing = false;
    waiting();
  }).observe(body, {childList: true});
  /** Takes the refusal of an earlier preview out of the form followed, unless a save's has replaced it. */
  function withdraw() {
    if (refused && refused.isConnected) clearProblem(followed);
    refused = null;
  }
  function outdated() {
    if (!showing) return;
    showing = false;
    asked += 1;
    withdraw();
    fill(body, h('p', {class: 'muted preview-outdated'}, 'The form has changed since this preview. Preview it again '
      + 'to see what saving it would do.'));
  }
  function follow(form, {fields = {}, placed: reading = problem => problem} = {}) {
    followed = form;
    named = fields;
    placed = reading;
    form.addEventListener('input', outdated);
    form.addEventListener('change', outdated);
    return form;
  }
  async function refresh(change, {all = false} = {}) {
    const turn = ++asked;
    showing = true;
    withdraw();
    fill(body, h('p', {class: 'muted'}, 'Computing the preview…'));
    try {
      const result = await api.post(`${app.orgPath()}/preview`, all ? {...change, all: true} : change);
      if (turn !== asked) return;
      fill(body, render(result, () => refresh(change, {all: true})));
    } catch (e) {
      if (turn !== asked) return;
      if (e instanceof api.ApiError && e.status === 404 && e.code === 'route_not_found') {
        fill(body, h('p', {class: 'muted preview-unavailable'}, 'Preview not available: this server does not offer '
          + 'previews. The change can still be saved.'));
      } else if (e instanceof api.ApiError && followed) {
        refused = showProblem(followed, placed(asSaved(e, Object.keys(change)[0])), {fields: named});
        fill(body, h('p', {class: 'muted preview-refused', dataset: {told: ''}}, 'Not previewed: saving this change '
          + 'would be refused, as the form says.'));
      } else {
        fill(body, notice(e instanceof api.ApiError ? explain(e) : e.message, 'error', {ofWrite: true}));
      }
    }
  }
  return {element, refresh, follow};
}

/**
 * A preview's refusal as the save of the same change would have it: the API names each field within the change
 * (`assignment.role_id`, `role.visibility.user_field_ids`), where the save names it alone (`role_id`).
 */
function asSaved(problem, kind) {
  const prefix = `${kind}.`;
  const unprefixed = name => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const errors = Object.fromEntries(Object.entries(problem.errors || {}).map(([name, message]) =>
    [unprefixed(name), message]));
  let detail = problem.detail;
  for (const name of Object.keys(problem.errors || {})) {
    if (detail) detail = detail.split(`${name}:`).join(`${unprefixed(name)}:`);
  }
  return {...problem, detail, errors};
}

/** "organization-wide", "on room 12", "on every doc where they hold no role of their own". */
export function where(w) {
  if (w.scope === 'organization') return 'organization-wide';
  if (w.scope === 'unassigned') return `on every ${w.type} where they hold no role of their own`;
  return `on ${resourceName(w)}`;
}

/**
 * How a resource {type, id} reads: "room 12"; one whose id is its type's name — a `rooms_v5` organization's
 * `company/company`, the one company — "the company".
 */
export function resourceName(r) {
  return r.id === r.type ? `the ${r.type}` : `${r.type} ${r.id}`;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const names = members => members.items.flatMap((m, i) => [i ? ', ' : '', bdi(m.user_id)]);

function render(result, showAll) {
  const incomplete = [...result.gains, ...result.losses].some(e => !e.members.complete)
    || !result.visibility_changed.complete;
  const section = (title, cls, entries) => h('div', {class: `preview-part ${cls}`}, h('h3', {}, title),
    entries.length ? h('ul', {}, entries.map(entry => h('li', {},
      h('code', {}, entry.permission), ` ${where(entry.where)}: `,
      h('strong', {}, plural(entry.members.count, 'member', 'members')),
      entry.members.items.length ? [' (', names(entry.members), entry.members.complete ? ')' : ', …)'] : '')))
      : h('p', {class: 'muted'}, 'Nobody.'));
  const visibility = result.visibility_changed;
  return h('div', {},
    h('p', {class: 'preview-summary'}, result.gains.length || result.losses.length || visibility.count
      ? `${plural(result.members_gaining, 'member gains', 'members gain')} and `
        + `${plural(result.members_losing, 'member loses', 'members lose')} permissions.`
      : 'Nobody gains or loses anything: this change alters no decision.'),
    section('Gain', 'preview-gains', result.gains),
    section('Lose', 'preview-losses', result.losses),
    visibility.count ? h('p', {class: 'preview-visibility'},
      `Record visibility changes for ${plural(visibility.count, 'member', 'members')}`,
      visibility.items.length ? [' (', names(visibility), visibility.complete ? ')' : ', …)'] : '', '.') : null,
    h('p', {class: 'muted'}, `As of revision ${result.revision}; nothing has been saved yet.`),
    // an answer cut at the API's bounds (10,000 members, 10,000 effects listed) would be cut again: it says so
    // instead of offering more
    result.truncated ? h('p', {class: 'muted'}, 'Members are listed up to the preview\'s bound of 10,000, and '
      + 'gains and losses up to 10,000 in all; every count is exact.')
      : incomplete ? h('button', {type: 'button', class: 'secondary small', on: {click: showAll}},
        'Show every member') : null);
}
