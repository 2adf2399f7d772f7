// The access explorer: "may X do P (on R)?" with the engine's explanation; "who may do P (on R)?";
// "where may X do P?"; and a member's effective permissions as a matrix.
import * as api from './api.js';
import {h, fill, field, select, table, values, onSubmit} from './dom.js';
import {showProblem, clearProblem} from './problems.js';
import {matrix} from './matrix.js';
import {resourceName} from './preview.js';
import * as members from './members.js';
import {paged} from './more.js';

export async function render(view, app, rest, params) {
  const model = app.model;
  const roleName = new Map((await api.all(`${app.orgPath()}/roles`)).map(r => [r.id, r.name]));
  const listId = 'permission-keys';
  const permissions = h('datalist', {id: listId}, model.permissions.map(p => h('option', {value: p.key}, p.description)));
  const types = model.resource_types || [];
  const typeOptions = [{value: '', label: 'Organization-wide'}, ...types.map(t => ({value: t.key, label: t.name || t.key}))];
  const member = () => h('input', {name: 'member', value: params.get('member') || '', autocomplete: 'off', required: true});
  const permission = () => h('input', {name: 'permission', list: listId, autocomplete: 'off', required: true});
  const resourceFields = () => [field('On resource type', select('resource_type', typeOptions, '')),
    field('Resource id', h('input', {name: 'resource_id', autocomplete: 'off'}))];
  const resource = v => v.resource_type ? {resource: {type: v.resource_type, id: v.resource_id || ''}} : {};
  const memberHint = 'A user id, or id:<member id>';

  function tool(title, intro, controls, button, run) {
    const result = h('div', {class: 'result', 'aria-live': 'polite'});
    const form = h('form', {class: 'card tool', novalidate: true},
      h('h2', {}, title), h('p', {class: 'muted'}, intro),
      h('div', {class: 'cols'}, controls),
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, button)),
      result);
    onSubmit(form, async () => {
      clearProblem(form);
      fill(result);
      try {
        fill(result, await run(values(form)));
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        // a refusal without per-field errors that still concerns one field is shown there
        if (e.status === 404 && /member/.test(e.detail || '')) e.errors = {member: e.detail, ...(e.errors || {})};
        if (e.code === 'unknown_permission') e.errors = {...(e.errors || {}), permission: e.detail};
        showProblem(form, e, {fields: {user_id: 'member', member_id: 'member'}});
      }
    });
    return form;
  }

  const check = tool('May a member do this?', 'Asks the engine, with the explanation of its answer.',
    [field('Member', member(), memberHint), field('Permission', permission()), resourceFields()], 'Check',
    async v => {
      const answer = await api.post(`${app.orgPath()}/check`, {...api.typedMember(v.member), permission: v.permission,
        ...resource(v), explain: true});
      const ex = answer.explanation || {};
      return h('div', {class: `verdict ${answer.allowed ? 'allowed' : 'denied'}`},
        h('p', {class: 'verdict-word'}, answer.allowed ? 'Allowed' : 'Denied'),
        h('p', {class: 'explanation'}, ex.reason || ''),
        h('p', {class: 'muted'}, `Decided by: ${decidedBy(ex, roleName)} · at revision ${answer.revision}`));
    });

  const who = tool('Who may do this?', 'Active members who may, organization-wide or on one resource.',
    [field('Permission', permission()), resourceFields()], 'Find members',
    async v => {
      const read = cursor => api.post(`${app.orgPath()}/lookup/members`, {permission: v.permission, ...resource(v),
        limit: 100, cursor: cursor || undefined});
      return paged(await read(null), read, items => table([
        {label: 'Member', cell: m => h('a', {href: members.link(m.id)}, m.user_id)},
        {label: 'Email', cell: m => m.email},
      ], items, {caption: `Members who may ${v.permission}`, empty: 'Nobody may.'}));
    });

  const where = types.length ? tool('Where may a member do this?', 'Resources on which the member’s role grants it.',
    [field('Member', member(), memberHint), field('Permission', permission()),
      field('Resource type', select('type', types.map(t => ({value: t.key, label: t.name || t.key})), types[0].key))],
    'Find resources',
    async v => {
      const read = cursor => api.post(`${app.orgPath()}/lookup/resources`, {...api.typedMember(v.member),
        permission: v.permission, type: v.type, limit: 100, cursor: cursor || undefined});
      const first = await read(null);
      return h('div', {},
        paged(first, read, items => (items.length ? h('ul', {class: 'plain'}, items.map(id => h('li', {},
          h('a', {href: `#/resources${api.query({type: v.type, id})}`}, resourceName({type: v.type, id})))))
          : h('p', {}, 'On none by assignment.'))),
        first.all_unassigned ? h('p', {}, `Also every ${v.type} where the member holds no role (its company role `
          + 'applies there).') : null);
    }) : null;

  const effective = tool('Effective permissions', 'Everything the member may do, organization-wide or on one resource.',
    [field('Member', member(), memberHint), resourceFields()], 'Show permissions',
    async v => {
      const q = v.resource_type ? api.query({resource_type: v.resource_type, resource_id: v.resource_id}) : '';
      const who = api.seg(api.typedMemberPath(v.member));
      const answer = await api.get(`${app.orgPath()}/members/${who}/permissions${q}`);
      return h('div', {},
        h('p', {}, `${answer.permissions.length} of ${model.permissions.length} permissions`
          + (v.resource_type ? ` on ${resourceName({type: v.resource_type, id: v.resource_id})}`
            : ' organization-wide') + '.'),
        matrix(model, answer.permissions, {readOnly: true, label: 'Effective permissions'}).element);
    });

  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Access explorer')),
    h('p', {class: 'lead'}, 'Ask the engine what members may do, and why.'),
    permissions,
    h('div', {class: 'grid-2'}, check, who, where, effective));
}

/** Which rule decided, in words, with the role by its name (and the ancestor whose role it was). */
function decidedBy(ex, roleName) {
  const role = ex.role_id ? `“${roleName.get(ex.role_id) || `role ${ex.role_id}`}”` : '';
  switch (ex.path) {
    case 'company_role': return `the company role ${role}`;
    case 'resource_role': return `the role ${role} on the resource`;
    case 'parent_resource_role': return `the role ${role} on ${ex.ancestor ? `${resourceName(ex.ancestor)}, `
      : ''}an ancestor of the resource`;
    case 'member_grant': return `a grant to the member, beside its company role ${role}`;
    case 'none': return 'no role';
    default: return ex.path || '';
  }
}
