// Resources: for a resource type of the model (rooms in `rooms`), one resource's assignments — who holds which
// role there — with assigning and removing, each change previewable before it is saved.
import * as api from './api.js';
import {h, fill, field, select, table, values, notice, when, setInstant, instantOf, confirming, onSubmit, phrase}
  from './dom.js';
import {showProblem, showRefusal, clearProblem, explain} from './problems.js';
import * as preview from './preview.js';
import * as members from './members.js';
import {paged} from './more.js';

export async function render(view, app, rest, params) {
  const types = app.model.resource_types || [];
  const heading = h('div', {class: 'heading'}, h('h1', {}, 'Resources'));
  if (!types.length) {
    fill(view, heading, notice(`The ${app.model.id} model declares no resource types: every role is a company role.`,
      'info'));
    return;
  }
  const type = params.get('type') || types[0].key;
  const id = params.get('id') || '';
  const pick = h('form', {class: 'filters', novalidate: true},
    field('Resource type', select('type', types.map(t => ({value: t.key, label: t.name || t.key})), type)),
    field('Resource id', h('input', {name: 'id', value: id, required: true, autocomplete: 'off'}),
      types.find(t => t.key === type)?.inherits_company_role ? 'Members without a role here use their company role.'
        : 'Only members with a role here may act on it.'),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Show assignments')));
  onSubmit(pick, () => {
    app.go(`#/resources${api.query(values(pick))}`);
  });
  const told = app.outcome(params);
  fill(view, heading,
    h('p', {class: 'lead'}, 'A role on one resource decides alone what its holder may do there.'),
    told ? notice(told, 'ok') : null,
    pick);
  if (!id) return;
  const {section, missing} = await resource(app, type, id);
  const declared = types.find(t => t.key === type);
  const nested = declared && (declared.parent_type || types.some(t => t.parent_type === type));
  // a resource that does not exist (a Rooms office nobody created) has no place to show or record
  view.append(section, nested && !missing ? await hierarchy(app, declared, id) : '');
}

/** How many resources directly inside one a page of the hierarchy panel lists; Show more lists the next. */
const CHILDREN = 100;

/** How many levels up the hierarchy panel follows parents: far more than any model nests, and never forever. */
const MAX_DEPTH = 16;

/**
 * A resource's place in the hierarchy: the ancestors whose roles apply here where a member holds none of its own,
 * its children, and moving it under another parent (PUT …/resources/{type}/{id}; the API refuses moves the model
 * or the organization's records do not allow, and the refusal is shown).
 */
async function hierarchy(app, declared, id) {
  const base = `${app.orgPath()}/resources`;
  const link = r => h('a', {href: `#/resources${api.query({type: r.type, id: r.id})}`}, preview.resourceName(r));
  const title = () => h('h2', {}, 'Place in the hierarchy');
  const section = h('section', {class: 'card', 'aria-label': 'Place in the hierarchy'});
  let recorded;
  try {
    recorded = await api.get(`${base}/${api.seg(declared.key)}/${api.seg(id)}`);
  } catch (e) {
    if (!(e instanceof api.ApiError)) throw e;
    // a resource that does not exist at all (404 room_not_found) is told once, by the assignments above
    if (e.status === 404 && e.code !== 'resource_not_found') return '';
    if (e.code !== 'resource_not_found') return fill(section, title(), notice(explain(e), 'error'));
    recorded = null;
  }
  const ancestors = [];
  for (let at = recorded && recorded.parent; at && ancestors.length < MAX_DEPTH;) {
    ancestors.push(at);
    try {
      at = (await api.get(`${base}/${api.seg(at.type)}/${api.seg(at.id)}`)).parent;
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      at = null;
    }
  }
  const readChildren = cursor => api.get(`${base}/${api.seg(declared.key)}/${api.seg(id)}/children`
    + api.query({limit: CHILDREN, cursor}));
  let children = {items: []};
  if (recorded) {
    try {
      children = await readChildren(null);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      children = {items: [], problem: e};
    }
  }
  const done = text => app.go(`#/resources${api.query({type: declared.key, id, done: app.done(text), t: Date.now()})}`);
  const here = preview.resourceName({type: declared.key, id});
  const where = !recorded ? h('p', {}, `${here} is not recorded in the hierarchy: only roles held on it apply here.`)
    : ancestors.length ? h('p', {}, `${here} lies in `,
      ancestors.slice().reverse().flatMap((a, i) => [i ? ' › ' : '', link(a)]),
      '. Where a member holds no role here, its role on the nearest of these decides.')
      : h('p', {}, `${here} is at the top of the hierarchy.`);
  let move = null;
  if (declared.parent_type) {
    const parentId = h('input', {name: 'parent', autocomplete: 'off', value: recorded && recorded.parent
      ? recorded.parent.id : ''});
    move = h('form', {class: 'inline', novalidate: true},
      field(`Parent ${declared.parent_type} id`, parentId, 'Empty: at the top'),
      h('button', {type: 'submit', class: 'secondary'}, recorded ? 'Move' : 'Record'));
    onSubmit(move, async () => {
      clearProblem(move);
      const parent = parentId.value.trim() ? {type: declared.parent_type, id: parentId.value.trim()} : null;
      try {
        await api.put(`${base}/${api.seg(declared.key)}/${api.seg(id)}`, {parent});
        done(parent ? `${here} now lies under ${preview.resourceName(parent)}.` : `${here} is now at the top.`);
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        // the API names the parent's parts (parent.id, parent.type): the form has one field for the parent
        showProblem(move, e, {fields: {'parent.id': 'parent', 'parent.type': 'parent'}});
      }
    });
  }
  return fill(section, title(), where,
    children.problem ? notice(explain(children.problem), 'error')
      : children.items.length ? h('div', {}, h('h3', {}, 'Directly inside'),
        paged(children, readChildren, items => h('ul', {class: 'plain'}, items.map(c => h('li', {}, link(c)))))) : null,
    move);
}

/** How many holders of a resource a page lists; Show more lists the next. */
const HOLDERS = 50;

/** One resource's assignments: {section}, and `missing` when the API says the resource does not exist. */
async function resource(app, type, id) {
  const path = `${app.orgPath()}/resources/${api.seg(type)}/${api.seg(id)}/assignments`;
  const roles = await api.all(`${app.orgPath()}/roles`);
  const roleName = new Map(roles.map(r => [r.id, r.name]));
  // An assignment names its member by id only, and the API reads members one by one (or all, in id order): each
  // page of holders reads just its own members, so a room with thousands of holders costs a page's worth at a time.
  // An outsider's key reads no member but its own, the one its directory holds: nobody else is asked for (the API
  // would answer 404), and a holder not there is one the key does not see.
  const people = new Map();
  const unseen = new Set();
  const directory = app.outsider
    ? (await api.attempt(api.get(`${app.orgPath()}/members${api.query({limit: 2})}`))).value : null;
  if (directory) directory.items.forEach(m => people.set(m.id, m));
  const read = a => api.get(`${app.orgPath()}/members/${api.memberRef(a.member_id)}`).then(
    m => people.set(a.member_id, m),
    e => { if (e instanceof api.ApiError && (e.status === 403 || e.status === 404)) unseen.add(a.member_id); });
  const holders = async cursor => {
    const page = await api.get(`${path}${api.query({limit: HOLDERS, cursor})}`);
    const unknown = page.items.filter(a => !people.has(a.member_id));
    if (directory) unknown.forEach(a => unseen.add(a.member_id));
    else await Promise.all(unknown.map(read));
    return page;
  };
  let first;
  try {
    first = await holders(null);
  } catch (e) {
    if (!(e instanceof api.ApiError)) throw e;
    return {section: notice(explain(e), 'error'), missing: e.status === 404};
  }
  const reload = done => app.go(`#/resources${api.query({type, id, done: app.done(done), t: Date.now()})}`);
  const out = h('div', {});
  const pane = preview.panel(app);
  const removal = preview.panel(app, {label: 'Preview of removing a role', title: 'Preview: who loses what',
    hint: 'Press Preview removal next to a role to see what removing it would take away.'});
  const who = a => people.get(a.member_id)?.user_id || `member ${a.member_id}`;

  const member = h('input', {name: 'member', required: true, autocomplete: 'off'});
  const role = select('role_id', roles.map(r => ({value: r.id, label: `${r.name}${r.external ? ' (external)' : ''}`})));
  // a holder's role the key does not read (an outsider reads only the roles it holds) is none of the choices: Change…
  // then leaves the role unchosen, and neither the preview nor the save sends a role nobody chose
  const unchosen = () => !roleName.has(Number(role.value));
  const chooseRole = form => showProblem(form, {code: 'invalid_input', errors: {role_id: 'choose a role'}});
  const ends = setInstant(h('input', {name: 'expires_at', type: 'datetime-local'}), null);
  // A PUT replaces the member's role here whole, its end included: the end is always sent as the form shows it —
  // exactly as held when Change… filled it in and it was left alone.
  const end = () => instantOf(ends);
  // the preview and the save name the member alike: a bare number is a user id, as the field's label says
  const change = () => ({assignment: {resource: {type, id}, ...api.typedMember(member.value),
    role_id: Number(role.value), expires_at: end()}});
  const here = preview.resourceName({type, id});
  const assign = h('form', {class: 'card', novalidate: true},
    h('h2', {}, `Give a role on ${here}`),
    h('div', {class: 'cols'},
      field('Member (user id, or id:<member id>)', member),
      field('Role', role),
      field('Ends (optional)', ends, 'Empty: the role has no end. Giving a role replaces the member’s role here, '
        + 'and its end; Change… next to a holder fills in what it holds.')),
    h('div', {class: 'actions'},
      h('button', {type: 'submit'}, 'Assign role'),
      h('button', {type: 'button', class: 'secondary', on: {click: () => (unchosen() ? chooseRole(assign)
        : pane.refresh(change()))}}, 'Preview change')),
    pane.element);
  // a member the API finds no one by is named at the member field, in the save as in its preview
  const atMember = e => ((e.code === 'member_not_found' || (e.status === 404 && /member/.test(e.detail || '')))
    ? {...e, errors: {member: e.detail || 'no such member', ...(e.errors || {})}} : e);
  pane.follow(assign, {placed: atMember});
  onSubmit(assign, async () => {
    clearProblem(assign);
    if (!member.value.trim()) {
      showProblem(assign, {code: 'invalid_input', detail: 'name the member',
        errors: {member: 'enter a user id or id:<member id>'}});
      return;
    }
    if (unchosen()) {
      chooseRole(assign);
      return;
    }
    try {
      await api.put(`${path}/${api.seg(api.typedMemberPath(member.value))}`, {role_id: Number(role.value),
        expires_at: end()});
      reload(`Role ${roleName.get(Number(role.value))} given to ${member.value.trim()}.`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(assign, atMember(e));
    }
  });

  const remove = async a => {
    try {
      await api.del(`${path}/${api.memberRef(a.member_id)}`);
      reload(`Role of ${people.get(a.member_id)?.user_id || a.member_id} removed.`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showRefusal(out, e, {words: e.code === 'assignment_not_found'
        ? phrase`${who(a)} no longer holds a role on ${here}: removed elsewhere.` : null});
    }
  };
  const actions = a => {
    const ask = h('span', {});
    return h('span', {class: 'row-actions'},
      h('button', {type: 'button', class: 'secondary small', 'aria-label': `Change the role of ${who(a)} here`,
        on: {click: () => {
          member.value = api.memberRef(a.member_id);
          // a role the key does not read selects nothing (role.value is then "")
          role.value = roleName.has(a.role_id) ? String(a.role_id) : '';
          setInstant(ends, a.expires_at);
          // the form now holds another change: a preview of the one it held is out of date
          member.dispatchEvent(new Event('change', {bubbles: true}));
          member.focus();
        }}}, 'Change…'),
      h('button', {type: 'button', class: 'secondary small',
        'aria-label': `Preview removing the role of ${who(a)} here`, on: {click: () =>
          removal.refresh({assignment: {resource: {type, id}, member_id: a.member_id, role_id: null}})}},
      'Preview removal'),
      confirming('Remove…', phrase`Remove the role of ${who(a)} here?`, 'Yes, remove', () => remove(a), ask,
        {class: 'danger small', 'aria-label': `Remove the role of ${who(a)} here`}),
      ask);
  };
  // a member or role the key does not read is said to be one, never shown as a number or linked to a page that fails
  const list = items => table([
    {label: 'Member', cell: a => (unseen.has(a.member_id) ? h('span', {class: 'muted'}, 'a member this key does not see')
      : h('a', {href: members.link(a.member_id)}, people.get(a.member_id)?.user_id || api.memberRef(a.member_id)))},
    {label: 'Role here', cell: a => (roleName.has(a.role_id)
      ? h('a', {href: `#/roles/${a.role_id}`}, roleName.get(a.role_id))
      : h('span', {class: 'muted'}, 'a role this key does not read'))},
    {label: 'Since', cell: a => when(a.created_at)},
    {label: 'Until', cell: a => (a.expires_at ? when(a.expires_at) : 'No end')},
    {label: '', cell: actions},
  ], items, {empty: 'Nobody holds a role here.'});

  return {missing: false, section: h('section', {'aria-label': `Assignments on ${here}`},
    h('h2', {}, `Who holds a role on ${here}`),
    out,
    paged(first, holders, list),
    first.items.length ? removal.element : null,
    assign)};
}
