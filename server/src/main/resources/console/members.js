// Members: search and page through any number of them, add internal and external members, and for one member
// its profile, company role (with a preview of the change), status, API keys, groups and resource roles.
import * as api from './api.js';
import {h, fill, field, select, table, values, changes, notice, secretNotice, when, confirming, onSubmit, bdi, phrase}
  from './dom.js';
import {showProblem, showRefusal, clearProblem, explain} from './problems.js';
import * as preview from './preview.js';

const PAGE = 50;

export async function render(view, app, rest, params) {
  const roles = await api.all(`${app.orgPath()}/roles`);
  if (rest[0]) return detail(view, app, roles, rest[0], params);
  return list(view, app, roles, params);
}

/**
 * The console's link to a member's page. It names the member by its Gatehouse id (`id:42`), never by the bare
 * number, which the API also reads as a user id: another member whose user id is "42" would make it ambiguous.
 */
export const link = id => `#/members/${api.memberRef(id)}`;

export const display = m => [m.first_name, m.last_name].filter(Boolean).join(' ');

function roleOptions(roles, {external = false, blank} = {}) {
  const options = roles.filter(r => r.external === external).map(r => ({value: r.id, label: r.name}));
  return blank ? [{value: '', label: blank}, ...options] : options;
}

async function list(view, app, roles, params) {
  const filters = {q: params.get('q') || '', status: params.get('status') || '', role_id: params.get('role_id') || ''};
  const cursor = params.get('cursor') || '';
  // a query the API refuses (a search too long, a cursor it did not write) is shown at the search form, which stays
  const read = await api.attempt(api.get(`${app.orgPath()}/members${api.query({...filters, limit: PAGE, cursor})}`));
  const page = read.value || {items: [], next_cursor: null};
  const roleName = new Map(roles.map(r => [r.id, r.name]));

  const search = h('form', {class: 'filters', role: 'search', novalidate: true},
    field('Search', h('input', {name: 'q', type: 'search', value: filters.q, autocomplete: 'off'}),
      'Part of a user id, email or name'),
    field('Status', select('status', [{value: '', label: 'Any'}, {value: 'active', label: 'Active'},
      {value: 'invited', label: 'Invited'}, {value: 'deactivated', label: 'Deactivated'}], filters.status)),
    field('Company role', select('role_id', roleOptions(roles, {blank: 'Any'}), filters.role_id)),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Search')));
  onSubmit(search, async () => {
    app.go(`#/members${api.query(values(search))}`);
  });

  // A page's link carries the cursors of the pages before it (`back`, oldest first), so that Previous is a link
  // of its own: it never leaves the console, whichever way the page was opened. Without them it leads to the first.
  const back = cursor ? params.getAll('back').filter(Boolean) : [];
  const pageLink = (at, trail) => `#/members${api.query({...filters, cursor: at, back: at ? trail : []})}`;
  const firstPage = cursor ? [
    h('a', {class: 'button secondary', rel: 'prev', href: pageLink(back[back.length - 1], back.slice(0, -1))},
      'Previous page'),
    back.length ? h('a', {class: 'button secondary', href: pageLink(null, [])}, 'First page') : null] : null;
  const next = page.next_cursor ? h('a', {class: 'button secondary', rel: 'next',
    href: pageLink(page.next_cursor, [...back, cursor].filter(Boolean))}, 'Next page') : null;

  if (read.problem) showProblem(search, read.problem);
  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Members')),
    search,
    read.problem ? null : table([
      {label: 'User id', cell: m => h('a', {href: link(m.id)}, m.user_id)},
      {label: 'Name', cell: display},
      {label: 'Email', cell: m => m.email},
      {label: 'Company role', cell: m => m.external ? 'External' : (roleName.get(m.role_id) || m.role_id)},
      {label: 'Status', cell: m => m.status === 'active' ? 'Active' : h('span', {class: 'badge muted'}, statusLabel(m))},
    ], page.items, {caption: `Members${filters.q ? ` matching “${filters.q}”` : ''}`, empty: 'No member matches.'}),
    h('nav', {class: 'pager', 'aria-label': 'Pages of members'}, firstPage, next),
    createForm(app, roles));
}

function createForm(app, roles) {
  const external = app.model.external_roles ? h('input', {type: 'checkbox', name: 'external'}) : null;
  // a choice the person makes: the API gives a new member no role of its own, and none is offered as if it did
  const role = select('role_id', roleOptions(roles, {blank: 'Choose a role'}), '');
  const roleField = field('Company role', role);
  const form = h('form', {class: 'card', novalidate: true},
    h('h2', {}, 'Add a member'),
    h('div', {class: 'cols'},
      field('User id', h('input', {name: 'user_id', required: true, autocomplete: 'off'}), 'Your product’s own id for the person'),
      field('Email', h('input', {name: 'email', type: 'email', required: true, autocomplete: 'off'})),
      field('First name', h('input', {name: 'first_name', autocomplete: 'off'})),
      field('Last name', h('input', {name: 'last_name', autocomplete: 'off'}))),
    external ? h('div', {class: 'field check', dataset: {field: 'external'}}, h('label', {}, external,
      ' External member — someone outside the company, with roles on resources only')) : null,
    roleField,
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Add member')));
  if (external) external.addEventListener('change', () => { role.disabled = external.checked; roleField.hidden = external.checked; });
  onSubmit(form, async () => {
    clearProblem(form);
    const body = values(form);
    if (body.external) delete body.role_id; else delete body.external;
    if (body.role_id) body.role_id = Number(body.role_id);
    try {
      const created = await api.post(`${app.orgPath()}/members`, body);
      app.say(`Member ${created.user_id} added.`);
      app.go(link(created.id));
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      // the API names one field at a time: a role not chosen is named at its field whatever it named first
      const unchosen = !body.external && !body.role_id && e.code === 'invalid_input';
      showProblem(form, unchosen ? {...e, errors: {role_id: 'choose a role', ...e.errors}} : e);
    }
  });
  return form;
}

async function detail(view, app, roles, id, params) {
  const path = `${app.orgPath()}/members/${api.seg(id)}`;
  const member = await api.get(path);
  const base = `${app.orgPath()}/members/${api.memberRef(member.id)}`;
  const roleName = new Map(roles.map(r => [r.id, r.name]));
  const takesGrants = Boolean(app.model.member_grants) && !member.external;
  const [keys, assignments, groups, grants] = await Promise.all([
    // every page: an active key after any number of revoked ones, and every resource role, must be there
    part(api.all(`${base}/keys`)),
    part(api.all(`${base}/assignments`).then(items => items.sort(byResource))),
    part(api.all(`${app.orgPath()}/groups`)),
    takesGrants ? part(api.get(`${base}/grants`).then(g => g.permissions)) : null,
  ]);
  const reload = note => app.go(`${link(member.id)}${note ? `?done=${app.done(note)}` : ''}`);

  async function write(form, body, message) {
    clearProblem(form);
    if (!Object.keys(body).length) {
      app.say('Nothing to save: no field was changed.');
      return;
    }
    try {
      await api.patch(base, body, {ifMatch: member.version});
      app.say(message);
      reload(message);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(form, e, {current: () => reload()});
    }
  }

  const profile = h('form', {class: 'card', novalidate: true},
    h('h2', {}, 'Profile'),
    h('div', {class: 'cols'},
      field('Email', h('input', {name: 'email', type: 'email', value: member.email, autocomplete: 'off'})),
      field('First name', h('input', {name: 'first_name', value: member.first_name || '', autocomplete: 'off'})),
      field('Last name', h('input', {name: 'last_name', value: member.last_name || '', autocomplete: 'off'}))),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Save profile')));
  // only the fields changed: one left alone keeps what is stored, even what its input cannot show (a line break)
  onSubmit(profile, () => write(profile, changes(profile), 'Profile saved.'));

  let roleSection = null;
  if (!member.external) {
    const pane = preview.panel(app);
    const choice = select('role_id', roleOptions(roles), member.role_id);
    const form = h('form', {class: 'card', novalidate: true},
      h('h2', {}, 'Company role'),
      h('p', {}, 'The role that decides what the member may do across the organization.'),
      field('Company role', choice),
      h('div', {class: 'actions'},
        h('button', {type: 'submit'}, 'Change company role'),
        h('button', {type: 'button', class: 'secondary', on: {click: () =>
          pane.refresh({member: {member_id: member.id, role_id: Number(choice.value)}})}}, 'Preview change')),
      pane.element);
    pane.follow(form);
    // the role only when another was chosen: the same one again changes nothing, and nothing is sent
    onSubmit(form, () => write(form, 'role_id' in changes(form) ? {role_id: Number(choice.value)} : {},
      `Company role changed to ${roleName.get(Number(choice.value))}.`));
    roleSection = form;
  }

  const statusPane = preview.panel(app);
  const nextStatus = member.status === 'active' ? 'deactivated' : 'active';
  const change = {
    active: {text: 'Deactivating keeps the member for history, removes all its access and revokes all its keys.',
      button: 'Deactivate member', preview: 'Preview deactivation', done: 'Member deactivated.'},
    invited: {text: 'This member is invited: it has no access until its invitation is accepted, which gives it '
        + 'its roles.', button: 'Mark invitation accepted', preview: 'Preview acceptance',
      done: 'Invitation accepted.'},
    deactivated: {text: 'This member is deactivated: it has no access. Reactivating restores its roles but no keys.',
      button: 'Reactivate member', preview: 'Preview reactivation', done: 'Member reactivated.'},
  }[member.status] || {};
  // Deactivating revokes the member's keys for good (reactivating revives none): it asks first, as whatever cannot be
  // undone does; accepting an invitation and reactivating are saved at once.
  const ask = h('div', {});
  const setStatus = () => write(statusForm, {status: nextStatus}, change.done);
  const question = [...phrase`Deactivate ${member.user_id}?`,
    ' Its keys are revoked for good: reactivating it restores its roles but no keys.'];
  const statusForm = h('form', {class: 'card', novalidate: true},
    h('h2', {}, 'Status'),
    h('p', {}, change.text),
    h('div', {class: 'actions'}, member.status === 'active'
      ? confirming(`${change.button}…`, question, 'Yes, deactivate', setStatus, ask)
      : h('button', {type: 'submit'}, change.button),
      h('button', {type: 'button', class: 'secondary', on: {click: () =>
        statusPane.refresh({member: {member_id: member.id, status: nextStatus}})}}, change.preview)),
    ask,
    statusPane.element);
  statusPane.follow(statusForm);
  if (member.status !== 'active') onSubmit(statusForm, setStatus);
  const told = app.outcome(params, groups.items);

  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/members'}, 'Members'), ' / '),
    h('div', {class: 'heading'}, h('h1', {}, member.user_id),
      h('span', {class: 'badge'}, member.external ? 'External' : (roleName.get(member.role_id) || '')),
      member.status !== 'active' ? h('span', {class: 'badge muted'}, statusLabel(member)) : null),
    told ? notice(told, 'ok') : null,
    h('p', {class: 'muted'}, `Member id ${member.id} · ${member.email}`),
    h('div', {class: 'grid-2'}, profile, roleSection, statusForm,
      grants ? grantsSection(app, base, member, roles, grants, reload) : null,
      keysSection(app, base, keys, reload),
      groupsSection(app, member, groups, reload)),
    assignmentsSection(app, member, assignments, roleName, reload),
    h('p', {}, h('a', {href: `#/explorer?member=${api.memberRef(member.id)}`}, 'Explore this member’s access')));
}

/**
 * One part of a member's page that may fail on its own (keys, resource roles, groups): {items} when read, else
 * {problem} — an API problem, which {@link unread} shows; anything else is a fault of the page and fails it.
 */
function part(promise) {
  return promise.then(items => ({items}), e => {
    if (!(e instanceof api.ApiError)) throw e;
    return {problem: e};
  });
}

/** Why a part was not read: only a 403 means the key may not see it; any other failure is told as what it is. */
function unread(problem, forbidden) {
  return problem.status === 403 ? notice(forbidden, 'info') : notice(explain(problem), 'error');
}

function keysSection(app, base, keys, reload) {
  const out = h('div', {});
  // a key shown once stays until the page is left, whatever is written there: the shell keeps it through reloads
  const secrets = app.secrets(`${base}/keys`);
  const section = h('section', {class: 'card', 'aria-label': 'API keys'}, h('h2', {}, 'API keys'));
  if (keys.problem) {
    return fill(section, h('h2', {}, 'API keys'), unread(keys.problem, 'You may not see this member’s keys.'));
  }
  const active = keys.items.filter(k => !k.revoked_at);
  const list = h('div', {});
  const revoke = async k => {
    try {
      await api.del(`${base}/keys/${api.seg(k.id)}`);
      reload(`Key ${k.id} revoked.`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showRefusal(out, e);
    }
  };
  const draw = () => fill(list, table([
    {label: 'Key id', cell: k => h('code', {}, k.id)},
    {label: 'Name', cell: k => k.name || ''},
    {label: 'Created', cell: k => when(k.created_at)},
    {label: '', cell: k => confirming('Revoke…', `Revoke key ${k.id}${k.name ? ` (${k.name})` : ''} for good? `
      + 'Whatever uses it is refused at once.', 'Yes, revoke', () => revoke(k), out,
    {class: 'danger small', 'aria-label': `Revoke key ${k.id}`})},
  ], active, {empty: 'No active keys.'}));
  draw();

  // Nobody mints keys for someone else: the member itself or the service key may; the API refuses anyone else.
  const create = h('form', {class: 'inline', novalidate: true},
    field('New key name', h('input', {name: 'name', maxlength: 200, autocomplete: 'off'}),
      'Optional. Only the member itself, or the service key, may create its keys.'),
    h('button', {type: 'submit', class: 'secondary'}, 'Create key'));
  onSubmit(create, async () => {
    clearProblem(create);
    try {
      const created = await api.post(`${base}/keys`, values(create));
      create.reset();
      active.unshift(created);
      draw();
      secrets.show(created.id, secretNotice(
        `Key ${created.id}${created.name ? ` (${created.name})` : ''} created. The key, shown only now — copy it to `
        + 'where it is used:', created.key));
      app.say(`Key ${created.id} created.`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(create, e);
    }
  });
  return fill(section, h('h2', {}, 'API keys'), list, out, secrets.element, create);
}

/**
 * Per-member grants, where the model allows them: the permissions the model lets be granted, as switches, saved
 * whole (PUT …/grants replaces the set). They count only while the member's company role is one the model names,
 * and only then are they given: while it is another, the API refuses every set but the empty one (409
 * grants_not_taken), so a permission not granted cannot be ticked, and the grants the member keeps (given under an
 * earlier role) can only be taken away, all together.
 */
function grantsSection(app, base, member, roles, grants, reload) {
  const section = h('section', {class: 'card', 'aria-label': 'Grants'}, h('h2', {}, 'Grants'));
  if (grants.problem) {
    return fill(section, h('h2', {}, 'Grants'), unread(grants.problem, 'You may not see this member’s grants.'));
  }
  const allowed = app.model.member_grants;
  const described = new Map(app.model.permissions.map(p => [p.key, p.description || p.key]));
  const held = roles.find(r => r.id === member.role_id);
  const takenBy = roles.filter(r => r.system && allowed.roles.includes(r.key)).map(r => r.name);
  const takes = Boolean(held) && allowed.roles.includes(held.key);
  const meanwhile = held ? `while the company role is ${held.name}` : 'while the member has no company role';
  const kept = grants.items.length
    ? ' The grants this member keeps count for nothing now; they can only be removed, all together.' : '';
  const form = h('form', {novalidate: true},
    h('p', {}, 'Permissions this member holds beside its company role, without a role of its own.'),
    takes ? null : notice(`Grants cannot be added ${meanwhile}: they count only while the company role is `
      + `${(takenBy.length ? takenBy : allowed.roles).join(' or ')}.${kept}`, 'info'),
    h('fieldset', {class: 'checks', dataset: {field: 'permissions'}}, h('legend', {}, 'Granted permissions'),
      allowed.permissions.map(key => h('label', {class: 'check'},
        h('input', {type: 'checkbox', dataset: {grant: key}, checked: grants.items.includes(key),
          disabled: !takes && !grants.items.includes(key)}),
        ` ${described.get(key)} `, h('code', {}, key))),
      h('p', {class: 'field-error', hidden: true})),
    // with nothing granted and nothing to grant there is nothing to save
    h('div', {class: 'actions'}, h('button', {type: 'submit', disabled: !takes && !grants.items.length},
      'Save grants')));
  onSubmit(form, async () => {
    clearProblem(form);
    const permissions = [...form.querySelectorAll('[data-grant]:checked')].map(box => box.dataset.grant);
    // the API would refuse a smaller set as it refuses a larger one: kept grants go all together or not at all
    if (!takes && permissions.length && permissions.length < grants.items.length) {
      showProblem(form, {code: 'invalid_input',
        errors: {permissions: `untick every grant to remove them: ${meanwhile} they can only be removed all together`}});
      return;
    }
    try {
      await api.put(`${base}/grants`, {permissions});
      app.say('Grants saved.');
      reload('Grants saved.');
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(form, e);
    }
  });
  return fill(section, h('h2', {}, 'Grants'), form);
}

function groupsSection(app, member, read, reload) {
  if (read.problem) {
    return h('section', {class: 'card', 'aria-label': 'Groups'}, h('h2', {}, 'Groups'),
      unread(read.problem, 'You may not see the organization’s groups.'));
  }
  const groups = read.items;
  const mine = groups.filter(g => (g.members || []).some(m => m.member_id === member.id));
  const others = groups.filter(g => !mine.includes(g));
  const out = h('div', {});
  // a refusal saying the group or the membership is gone reads the page again, naming the group
  const fail = (e, group) => {
    if (!(e instanceof api.ApiError)) throw e;
    showRefusal(out, e, {words: e.code === 'group_not_found'
      ? phrase`Group ${group.name} is gone: it was deleted elsewhere.`
      : e.code === 'group_member_not_found'
        ? phrase`${member.user_id} is no longer in ${group.name}: removed elsewhere.` : null});
  };
  // a group named as the reloaded page reads it: adding or removing carries no version, so it succeeds on a group
  // renamed elsewhere since this page was drawn
  const named = (now, group) => ((now || []).find(g => g.id === group.id) || group).name;
  const choice = select('group', others.map(g => ({value: g.id, label: g.name})));
  const add = h('form', {class: 'inline', novalidate: true}, field('Add to group', choice),
    h('button', {type: 'submit', disabled: !others.length}, 'Add'));
  onSubmit(add, async () => {
    try {
      const group = others.find(g => String(g.id) === choice.value);
      const {status} = await api.call('POST', `${app.orgPath()}/groups/${choice.value}/members`,
        {body: {member_id: member.id}});
      reload(now => (status === 201 ? `Added to ${named(now, group)}.` : `Already in ${named(now, group)}.`));
    } catch (e) { fail(e, others.find(g => String(g.id) === choice.value)); }
  });
  return h('section', {class: 'card', 'aria-label': 'Groups'},
    h('h2', {}, 'Groups'),
    mine.length ? h('ul', {class: 'plain'}, mine.map(g => {
      const ask = h('span', {});
      return h('li', {}, bdi(g.name), ' ', confirming('Remove…', phrase`Remove ${member.user_id} from ${g.name}?`, 'Yes, remove',
        async () => {
          try {
            await api.del(`${app.orgPath()}/groups/${g.id}/members/${api.memberRef(member.id)}`);
            reload(now => `Removed from ${named(now, g)}.`);
          } catch (e) { fail(e, g); }
        }, ask, {class: 'danger small', 'aria-label': `Remove from ${g.name}`}), ask);
    })) : h('p', {class: 'muted'},
      app.outsider ? 'This key does not see the organization’s groups.' : 'In no group.'),
    member.external ? null : add, out);
}

function assignmentsSection(app, member, assignments, roleName, reload) {
  const out = h('div', {});
  const remove = a => {
    const ask = h('span', {});
    return [confirming('Remove…', phrase`Remove the role of ${member.user_id} on ${preview.resourceName(a.resource)}?`,
      'Yes, remove', async () => {
        try {
          await api.del(`${app.orgPath()}/resources/${api.seg(a.resource.type)}/${api.seg(a.resource.id)}`
            + `/assignments/${api.memberRef(member.id)}`);
          reload(`Role on ${preview.resourceName(a.resource)} removed.`);
        } catch (e) {
          if (!(e instanceof api.ApiError)) throw e;
          const on = preview.resourceName(a.resource);
          showRefusal(out, e, {words: e.code === 'assignment_not_found'
            ? phrase`${member.user_id} no longer holds a role on ${on}: removed elsewhere.` : null});
        }
      }, ask, {class: 'danger small', 'aria-label': `Remove the role on ${preview.resourceName(a.resource)}`}), ask];
  };
  const removal = preview.panel(app, {label: 'Preview of removing a role', title: 'Preview: who loses what',
    hint: 'Press Preview removal next to a role to see what removing it would take away.'});
  return h('section', {class: 'card', 'aria-label': 'Roles on resources'},
    h('h2', {}, 'Roles on resources'),
    assignments.problem ? unread(assignments.problem, 'You may not see this member’s resource roles.') : table([
      {label: 'Resource', cell: a => h('a', {href: `#/resources?type=${encodeURIComponent(a.resource.type)}&id=`
        + encodeURIComponent(a.resource.id)}, preview.resourceName(a.resource))},
      {label: 'Role there', cell: a => roleName.get(a.role_id) || a.role_id},
      {label: 'Since', cell: a => when(a.created_at)},
      {label: 'Until', cell: a => (a.expires_at ? when(a.expires_at) : 'No end')},
      {label: '', cell: a => h('span', {class: 'row-actions'},
        h('button', {type: 'button', class: 'secondary small',
          'aria-label': `Preview removing the role on ${preview.resourceName(a.resource)}`, on: {click: () =>
            removal.refresh({assignment: {resource: {type: a.resource.type, id: a.resource.id}, member_id: member.id,
              role_id: null}})}},
        'Preview removal'),
        remove(a))},
    ], assignments.items, {empty: 'No roles on resources.'}), out,
    assignments.items && assignments.items.length ? removal.element : null);
}

const natural = new Intl.Collator('en', {numeric: true});

/** Assignments by resource type, then id in natural order (room 9 before room 10), as a person looks for them. */
function byResource(a, b) {
  return natural.compare(a.resource.type, b.resource.type) || natural.compare(a.resource.id, b.resource.id);
}

/** How a member's status other than active reads. */
function statusLabel(member) {
  return member.status === 'invited' ? 'Invited' : 'Deactivated';
}
