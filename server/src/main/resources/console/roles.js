// Roles: the list (system roles marked read-only) and the editor — a permission matrix grouped by the model's
// categories, internal or external, record visibility where the model has it (Close's lead visibility, off while
// the role sees every record), saved with If-Match so that someone else's edit is shown, never overwritten.
import * as api from './api.js';
import {h, fill, field, table, notice, edited, confirming, onSubmit, phrase} from './dom.js';
import {showProblem, showRefusal, clearProblem, explain} from './problems.js';
import {matrix} from './matrix.js';
import * as preview from './preview.js';
import * as members from './members.js';

export async function render(view, app, rest, params) {
  if (rest[0] === 'new') return editor(view, app, null, params);
  if (rest[0]) return editor(view, app, await api.get(`${app.orgPath()}/roles/${api.seg(rest[0])}`), params);
  return list(view, app);
}

export function kind(role) {
  return role.external ? 'External' : 'Internal';
}

async function list(view, app) {
  const roles = await api.all(`${app.orgPath()}/roles`);
  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Roles'),
      h('a', {class: 'button', href: '#/roles/new'}, 'New role')),
    h('p', {class: 'lead'}, `Roles of ${app.org.name}, built from the ${app.model.name || app.model.id} model's `
      + `${app.model.permissions.length} permissions. System roles come with the model and cannot be changed.`),
    table([
      {label: 'Name', cell: r => h('a', {href: `#/roles/${r.id}`}, r.name)},
      {label: 'Kind', cell: r => r.system ? h('span', {class: 'badge'}, 'System · read-only') : 'Custom'},
      // only a model with external roles has two kinds; on any other (Close) every role is of the one kind
      app.model.external_roles ? {label: 'Internal or external', cell: kind} : null,
      {label: 'Permissions', cell: r => `${r.permissions.length} of ${app.model.permissions.length}`},
      {label: 'Default for admins', cell: r => r.default_for_admin ? 'Yes' : ''},
    ], roles, {caption: 'Roles', empty: app.outsider
      ? 'This key sees only the roles its member holds on resources, and it holds none.' : 'No roles yet.'}));
}

async function editor(view, app, role, params) {
  const model = app.model;
  const readOnly = role ? (role.system || role.editable === false) : false;
  const seesAll = model.visibility ? model.visibility.sees_all_permission : null;
  let base = role;
  const name = h('input', {name: 'name', value: role ? role.name : '', required: true, maxlength: 100,
    disabled: readOnly, autocomplete: 'off'});
  const description = h('textarea', {name: 'description', rows: 2, disabled: readOnly},
    role && role.description ? role.description : '');
  const external = model.external_roles ? h('input', {type: 'checkbox', name: 'external',
    checked: role ? role.external : false, disabled: readOnly}) : null;
  const grid = matrix(model, role ? role.permissions : [], {readOnly, onChange: keys => syncVisibility(keys)});
  const visibility = seesAll ? visibilityFields(role, readOnly) : null;
  const pane = preview.panel(app);
  const conflict = h('div', {class: 'conflict', hidden: true, role: 'alert', tabindex: '-1'});
  // only a save of this tab says so (app.done): a link cannot
  const told = app.outcome(params);
  const saved = told ? notice(told, 'ok') : null;

  function syncVisibility(keys) {
    if (!visibility) return;
    visibility.setDisabled(readOnly || keys.includes(seesAll));
  }
  syncVisibility(grid.selected());

  /**
   * What a save sends: a new role whole; for an edit only what the person changed from the role as loaded, so that a
   * field left alone keeps what is stored — even a name or description its control cannot show as it is.
   */
  function body() {
    const out = {name: name.value.trim(), description: description.value.trim(), permissions: grid.selected()};
    if (external) out.external = external.checked;
    if (seesAll) out.visibility = out.permissions.includes(seesAll) ? null : visibility.value();
    if (!role) return out;
    if (!edited(name)) delete out.name;
    if (!edited(description)) delete out.description;
    if (external && !edited(external)) delete out.external;
    if (sameSet(out.permissions, role.permissions)) delete out.permissions;
    const shownVisibility = role.permissions.includes(seesAll) ? null : role.visibility || NO_VISIBILITY;
    if (seesAll && sameVisibility(out.visibility, shownVisibility)) delete out.visibility;
    return out;
  }

  const form = h('form', {class: 'role-form', novalidate: true},
    h('div', {class: 'cols'},
      field('Name', name),
      field('Description', description)),
    external ? h('div', {class: 'field check', dataset: {field: 'external'}},
      h('label', {}, external, ' External role — for people outside the company, given on resources only'),
      h('p', {class: 'field-error', hidden: true})) : null,
    visibility ? visibility.element : null,
    h('h2', {}, 'Permissions'),
    grid.element,
    readOnly ? null : h('div', {class: 'actions sticky'},
      h('button', {type: 'submit'}, role ? 'Save changes' : 'Create role'),
      role ? h('button', {type: 'button', class: 'secondary', on: {click: () => pane.refresh({role: {id: role.id,
        version: base.version, ...body()}})}}, 'Preview changes') : null,
      h('a', {href: '#/roles', class: 'button secondary'}, 'Cancel')));

  pane.follow(form);
  onSubmit(form, async () => {
    clearProblem(form);
    conflict.hidden = true;
    const change = body();
    if (role && !Object.keys(change).length) {
      app.say('Nothing to save: nothing was changed.');
      return;
    }
    try {
      const result = role
        ? await api.patch(`${app.orgPath()}/roles/${role.id}`, change, {ifMatch: base.version})
        : await api.post(`${app.orgPath()}/roles`, change);
      app.say(`Role “${result.name}” saved.`);
      app.go(`#/roles/${result.id}?done=${app.done('Role saved.')}`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      if (e.code === 'version_mismatch' || e.status === 412) return showConflict(e);
      showProblem(form, e);
    }
  });

  async function showConflict(e) {
    let theirs;
    try {
      theirs = await api.get(`${app.orgPath()}/roles/${role.id}`);
    } catch (failure) {
      if (!(failure instanceof api.ApiError)) throw failure;
      // Their version could not be read (the network dropped, the role was deleted since): say both, keep the form.
      fill(conflict,
        h('h2', {}, 'Someone else changed this role'),
        h('p', {}, `${explain(e)} Your edits were not saved and are still in the form.`),
        h('p', {}, `Their version could not be loaded: ${explain(failure)}`),
        h('div', {class: 'actions'},
          h('button', {type: 'button', on: {click: () => showConflict(e)}}, 'Load their version again')));
      conflict.hidden = false;
      conflict.focus();
      return;
    }
    fill(conflict,
      h('h2', {}, 'Someone else changed this role'),
      h('p', {}, `${explain(e)} Your edits were not saved and are still in the form.`),
      h('ul', {}, changes(base, theirs).map(text => h('li', {}, text))),
      h('div', {class: 'actions'},
        h('button', {type: 'button', on: {click: () => app.go(`#/roles/${role.id}`)}}, 'Discard mine, load theirs'),
        h('button', {type: 'button', class: 'secondary', on: {click: () => {
          base = theirs;
          conflict.hidden = true;
          app.say(`Your edits will now replace version ${theirs.version}.`);
        }}}, 'Keep mine over theirs')));
    conflict.hidden = false;
    conflict.focus();
  }

  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/roles'}, 'Roles'), ' / '),
    h('div', {class: 'heading'}, h('h1', {}, role ? role.name : 'New role'),
      role && role.system ? h('span', {class: 'badge'}, 'System role · read-only') : null,
      role && model.external_roles ? h('span', {class: 'badge'}, kind(role)) : null),
    saved, conflict,
    readOnly ? notice('System roles come with the model and cannot be changed or deleted.', 'info') : null,
    form,
    role && !readOnly ? pane.element : null,
    role && !readOnly ? deleteSection(app, role, () => base) : null);
}

/** Fields of a role that say what it is, not which version: those a concurrent edit is compared on. */
const BOOKKEEPING = new Set(['id', 'org_id', 'version', 'created_at', 'updated_at', 'revision']);
const LABELS = {name: 'Name', description: 'Description', external: 'External', visibility: 'Record visibility',
  default_for_admin: 'Default for admins'};

/**
 * What changed between two versions of a role, in words: every field that differs (permissions as added and
 * removed), so that keeping one's own edits over theirs never overwrites a change nobody was shown.
 */
function changes(before, after) {
  const shown = v => (v === null || v === undefined || v === '' ? '(none)'
    : typeof v === 'string' ? `“${v}”` : typeof v === 'boolean' ? (v ? 'yes' : 'no') : JSON.stringify(v));
  const out = [];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const name of fields) {
    if (BOOKKEEPING.has(name)) continue;
    if (name === 'permissions') {
      const added = (after.permissions || []).filter(p => !(before.permissions || []).includes(p));
      const removed = (before.permissions || []).filter(p => !(after.permissions || []).includes(p));
      if (added.length) out.push(`They added: ${added.join(', ')}`);
      if (removed.length) out.push(`They removed: ${removed.join(', ')}`);
    } else if (JSON.stringify(before[name] ?? null) !== JSON.stringify(after[name] ?? null)) {
      out.push(`${LABELS[name] || name}: ${shown(before[name])} → ${shown(after[name])}`);
    }
  }
  return out;
}

function sameSet(a, b) {
  return a.length === (b || []).length && a.every(x => b.includes(x));
}

/** The record visibility a role without one is shown with. */
const NO_VISIBILITY = {user_field_ids: [], unassigned: 'require_assignment'};

/** Whether two record visibilities say the same (none: the role sees every record). */
function sameVisibility(a, b) {
  const plain = v => (v ? JSON.stringify({user_field_ids: v.user_field_ids || [], unassigned: v.unassigned}) : null);
  return plain(a) === plain(b);
}

/**
 * Record visibility (Close's lead visibility): which user fields make a record visible, one field id per line (a
 * field id may hold a comma or spaces, which a line keeps as they are), and unassigned records. value() gives the
 * stored field ids themselves while their text is left alone, so that a save changing something else sends them
 * unchanged (and body() finds nothing to send); once edited, each line that holds anything is a field id as typed.
 */
function visibilityFields(role, readOnly) {
  const v = role && role.visibility ? role.visibility : NO_VISIBILITY;
  const fields = h('textarea', {name: 'visibility.user_field_ids', rows: 3, autocomplete: 'off', spellcheck: 'false'},
    v.user_field_ids.join('\n'));
  // the text as the control holds it, to tell a person's edit from what was stored
  const shownText = fields.value;
  const radio = (value, text) => h('label', {class: 'radio'},
    h('input', {type: 'radio', name: 'visibility.unassigned', value, checked: v.unassigned === value}), ` ${text}`);
  const note = h('p', {class: 'hint visibility-note'});
  const controls = [fields];
  const radios = [radio('require_assignment', 'Only records assigned to the member'),
    radio('allow_unassigned', 'Also records assigned to nobody')];
  radios.forEach(r => controls.push(r.querySelector('input')));
  const element = h('fieldset', {class: 'visibility', dataset: {field: 'visibility'}},
    h('legend', {}, 'Record visibility'), note,
    h('p', {class: 'field-error', hidden: true}),
    field('User fields that make a record visible (one field id per line)', fields),
    h('div', {class: 'field', dataset: {field: 'visibility.unassigned'}, role: 'radiogroup',
      'aria-label': 'Records assigned to nobody'}, radios, h('p', {class: 'field-error', hidden: true})));
  return {
    element,
    setDisabled(off) {
      controls.forEach(c => { c.disabled = off; });
      element.classList.toggle('disabled', off);
      note.textContent = off ? 'This role sees every record (its “see all” permission is on), so these settings '
        + 'do not apply.' : 'Without the “see all” permission, the role sees only records whose user fields name the member.';
    },
    value() {
      const chosen = radios.map(r => r.querySelector('input')).find(r => r.checked);
      return {user_field_ids: fields.value === shownText ? [...v.user_field_ids]
        : fields.value.split('\n').filter(line => line.trim() !== ''),
      unassigned: chosen ? chosen.value : 'require_assignment'};
    },
  };
}

function deleteSection(app, role, current) {
  const out = h('div', {class: 'delete-result'});
  const ask = h('div', {});
  async function remove() {
    try {
      await api.del(`${app.orgPath()}/roles/${role.id}`, {ifMatch: current().version});
      app.say(`Role “${role.name}” deleted.`);
      app.go('#/roles');
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showRefusal(out, e);
      if (e.code === 'role_in_use') {
        const holders = await api.get(`${app.orgPath()}/members${api.query({role_id: role.id, limit: 25})}`);
        out.append(holders.items.length ? h('div', {class: 'holders'},
          h('h3', {}, 'Members holding this role as their company role'),
          h('ul', {}, holders.items.map(m => h('li', {}, h('a', {href: members.link(m.id)}, m.user_id),
            ` — ${m.email}`))),
          holders.next_cursor ? h('p', {}, h('a', {href: `#/members?role_id=${role.id}`}, 'All of them…')) : null)
          : h('p', {}, 'No member holds it as company role: it is held on resources (see Resources).'));
      }
    }
  }
  return h('section', {class: 'danger-zone', 'aria-label': 'Delete the role'},
    h('h2', {}, 'Delete'),
    h('p', {}, 'A role that members or assignments still hold cannot be deleted; move them to another role first.'),
    confirming('Delete role…', phrase`Delete “${role.name}” for good?`, 'Yes, delete', remove, ask),
    ask, out);
}
