// History: the organization's events (every committed change), filtered and paged, and each change's
// before/after side by side.
import * as api from './api.js';
import {h, fill, field, select, table, values, when, setInstant, instantOf, onSubmit} from './dom.js';
import {showProblem} from './problems.js';
import {dialectOf} from './dialects.js';

const NATIVE = ['role', 'member', 'member_grants', 'assignment', 'bulk_import', 'resource', 'group', 'api_key',
  'organization', 'webhook'];
const DIALECT = {rooms: ['room', 'room_user', 'rooms_profile', 'office', 'region'],
  close: ['close_membership_settings', 'close_pinned_views']};

/**
 * The object types an organization's events can have (the events API's and webhooks' `object_type`): the native
 * ones, and those its dialect records (dialectOf: `rooms` and `rooms_v5` organizations, rooms, offices, regions…).
 */
export function objectTypes(model) {
  const dialect = dialectOf(model);
  return [...NATIVE, ...(dialect ? DIALECT[dialect] : [])];
}
const ACTORS = ['service', 'member', 'system'];

export async function render(view, app, rest, params) {
  if (rest[0]) return detail(view, app, rest[0]);
  const filters = {};
  for (const name of ['object_type', 'object_id', 'action', 'actor_type', 'actor_id', 'since', 'until']) {
    if (params.get(name)) filters[name] = params.get(name);
  }
  const cursor = params.get('cursor') || '';
  // a filter or cursor the API refuses is shown at the form, which stays to correct it
  const read = await api.attempt(api.get(`${app.orgPath()}/events${api.query({...filters, limit: 50, cursor})}`));
  const page = read.value || {items: [], next_cursor: null};

  // a bound from the link is kept exactly (to the second and beyond) while its control still shows it
  const bounds = {since: setInstant(h('input', {name: 'since', type: 'datetime-local'}), filters.since),
    until: setInstant(h('input', {name: 'until', type: 'datetime-local'}), filters.until)};
  const form = h('form', {class: 'filters', novalidate: true},
    field('Object type', select('object_type', [{value: '', label: 'Any'},
      ...objectTypes(app.model).map(t => ({value: t, label: t}))], filters.object_type || '')),
    field('Object id', h('input', {name: 'object_id', value: filters.object_id || '', autocomplete: 'off'})),
    field('Action', h('input', {name: 'action', value: filters.action || '', autocomplete: 'off'}),
      'e.g. created, updated, deleted'),
    field('Actor', select('actor_type', [{value: '', label: 'Anyone'}, ...ACTORS.map(a => ({value: a, label: a}))],
      filters.actor_type || '')),
    field('Actor member id', h('input', {name: 'actor_id', value: filters.actor_id || '', autocomplete: 'off'}),
      'The member who made the change'),
    field('Since', bounds.since),
    field('Until', bounds.until),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Filter')));
  onSubmit(form, () => {
    const v = values(form);
    for (const name of ['since', 'until']) if (v[name]) v[name] = instantOf(bounds[name]);
    app.go(`#/history${api.query(v)}`);
  });

  if (read.problem) showProblem(form, read.problem);
  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'History')),
    h('p', {class: 'lead'}, 'Every committed change of the organization, newest first.'),
    form,
    read.problem ? null : table([
      {label: 'Revision', cell: e => h('a', {href: `#/history/${e.revision}`}, String(e.revision))},
      {label: 'When', cell: e => when(e.occurred_at)},
      {label: 'Who', cell: actor},
      {label: 'What', cell: e => `${e.object_type} ${e.object_id}`},
      {label: 'Action', cell: e => e.action},
      {label: 'Changed', cell: e => (e.changed_fields || []).join(', ')},
    ], page.items, {caption: 'Events', empty: 'No events match.'}),
    h('nav', {class: 'pager', 'aria-label': 'Pages of events'},
      cursor ? h('a', {class: 'button secondary', href: `#/history${api.query(filters)}`}, 'Newest') : null,
      page.next_cursor ? h('a', {class: 'button secondary', rel: 'next',
        href: `#/history${api.query({...filters, cursor: page.next_cursor})}`}, 'Older') : null));
}

function actor(e) {
  const a = e.actor || {};
  if (a.type === 'member') return `member ${a.member_id}${a.key_id ? ` (key ${a.key_id})` : ''}`;
  return a.type || '';
}

const show = v => (v === undefined ? '' : JSON.stringify(v, null, 1));

async function detail(view, app, revision) {
  const e = await api.get(`${app.orgPath()}/events/${api.seg(revision)}`);
  const before = e.before || {};
  const after = e.after || {};
  const changed = new Set(e.changed_fields || []);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const rows = names.map(name => ({name, before: before[name], after: after[name],
    changed: changed.has(name) || show(before[name]) !== show(after[name])}));
  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/history'}, 'History'), ' / '),
    h('h1', {}, `Revision ${e.revision}: ${e.object_type} ${e.object_id} ${e.action}`),
    h('p', {class: 'muted'}, `${when(e.occurred_at)} · by ${actor(e)}`),
    table([
      {label: 'Field', cell: r => r.changed ? h('strong', {}, r.name) : r.name},
      {label: 'Before', cell: r => h('pre', {}, e.before ? show(r.before) : '(did not exist)')},
      {label: 'After', cell: r => h('pre', {}, e.after ? show(r.after) : '(deleted)')},
    ], rows, {caption: 'Before and after', rowClass: r => (r.changed ? 'changed' : null)}),
    e.delta ? h('section', {}, h('h2', {}, 'Delta'), h('pre', {}, JSON.stringify(e.delta, null, 1))) : null);
}
