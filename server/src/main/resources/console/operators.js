// Operators (service key): the node's health and revision, organizations (create, rename, delete, open one to
// manage it), and the permission models.
import * as api from './api.js';
import {h, fill, field, select, table, values, changes, notice, secretNotice, oneLine, onSubmit, phrase} from './dom.js';
import {showProblem, clearProblem, explain} from './problems.js';

export async function render(view, app, rest, params) {
  const [ready, engine, models] = await Promise.all([
    api.call('GET', '/readyz').then(r => r.body).catch(e => (e instanceof api.ApiError ? e : Promise.reject(e))),
    api.get('/v1/engine'),
    api.all('/v1/models'),
  ]);
  const cursor = params.get('cursor') || '';
  const orgs = await api.get(`/v1/orgs${api.query({limit: 50, cursor})}`);
  // the organization a link names for renaming or deleting; one that cannot be read (gone, the server unreachable)
  // is said in its place, and the rest of the screen stays usable
  const chosen = params.get('org') ? await api.attempt(api.get(`/v1/orgs/${api.seg(params.get('org'))}`)) : null;
  const done = app.outcome(params);

  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Operators')),
    done ? notice(done, 'ok') : null,
    h('div', {class: 'grid-2'}, nodeCard(ready, engine), createOrg(app, models)),
    h('section', {'aria-label': 'Organizations'},
      h('h2', {}, 'Organizations'),
      table([
        {label: 'Name', cell: o => o.name},
        {label: 'Id', cell: o => String(o.id)},
        {label: 'Model', cell: o => o.model},
        {label: 'Account id', cell: o => h('code', {}, o.account_id || '')},
        {label: '', cell: o => h('span', {class: 'row-actions'},
          h('button', {type: 'button', class: 'small', on: {click: () => {
            api.remember({...api.current(), org: o.id});
            app.go('#/roles');
          }}}, `Manage ${o.name}`),
          h('a', {class: 'button secondary small', href: `#/operators${api.query({org: o.id, cursor})}`}, 'Rename or delete'))},
      ], orgs.items, {caption: 'Organizations of this deployment', empty: 'No organizations yet.'}),
      h('nav', {class: 'pager', 'aria-label': 'Pages of organizations'},
        cursor ? h('a', {class: 'button secondary', href: '#/operators'}, 'First page') : null,
        orgs.next_cursor ? h('a', {class: 'button secondary', href: `#/operators${api.query({cursor: orgs.next_cursor})}`},
          'Next page') : null)),
    chosen && chosen.value ? editOrg(app, chosen.value) : null,
    chosen && chosen.problem ? h('section', {class: 'card', 'aria-label': `Organization ${params.get('org')}`},
      h('h2', {}, phrase`Organization ${params.get('org')}`), notice(explain(chosen.problem), 'error')) : null,
    modelsSection(app, models));
}

function nodeCard(ready, engine) {
  const ok = ready && ready.status === 'ready';
  const yes = b => (b ? 'yes' : 'no');
  return h('section', {class: 'card', 'aria-label': 'This node'},
    h('h2', {}, 'This node'),
    h('p', {class: `health ${ok ? 'allowed' : 'denied'}`}, ok ? 'Ready' : 'Not ready'),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Database reachable'), h('dd', {}, yes(ready && ready.database)),
      h('dt', {}, 'Engine loaded'), h('dd', {}, yes(ready && ready.engine_loaded)),
      h('dt', {}, 'In sync with the change log'), h('dd', {}, yes(ready && ready.in_sync)),
      h('dt', {}, 'Applied revision'), h('dd', {class: 'revision'}, String(engine.revision ?? (ready && ready.revision))),
      h('dt', {}, 'Organizations in the engine'), h('dd', {}, String(engine.organizations)),
      h('dt', {}, 'State digest'), h('dd', {}, h('code', {class: 'digest'}, engine.digest))),
    h('p', {class: 'muted'}, 'Nodes that report the same revision and digest answer every decision alike.'));
}

function createOrg(app, models) {
  // a first admin's key stays until the screen is left, whatever is done there (the shell keeps it through reloads)
  const secrets = app.secrets('/v1/orgs');
  const form = h('form', {class: 'card', novalidate: true},
    h('h2', {}, 'Create an organization'),
    h('div', {class: 'cols'},
      field('Name', h('input', {name: 'name', required: true, maxlength: 200, autocomplete: 'off'})),
      field('Model', select('model', models.map(m => ({value: m.id, label: `${m.name || m.id} (${m.id})`})), models[0]?.id))),
    h('fieldset', {}, h('legend', {}, 'First admin (optional)'),
      h('div', {class: 'cols'},
        field('User id', h('input', {name: 'admin.user_id', autocomplete: 'off'})),
        field('Email', h('input', {name: 'admin.email', type: 'email', autocomplete: 'off'})))),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Create organization')),
    secrets.element);
  onSubmit(form, async () => {
    clearProblem(form);
    const v = values(form);
    const body = {name: v.name || '', model: v.model};
    if (v['admin.user_id'] || v['admin.email']) body.admin = {user_id: v['admin.user_id'] || '', email: v['admin.email'] || ''};
    try {
      const org = await api.post('/v1/orgs', body);
      if (org.admin_key) {
        secrets.show(org.id, secretNotice(`The key of ${org.name}’s first admin, shown only now:`, org.admin_key.key));
      }
      // the screen is read again — the list and the node's counts hold the new organization — and the key stays
      app.go(`#/operators${api.query({done: app.done(`Organization ${org.name} created (id ${org.id}).`),
        t: Date.now()})}`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(form, e);
    }
  });
  return form;
}

function editOrg(app, org) {
  const rename = h('form', {class: 'inline', novalidate: true},
    field('New name', h('input', {name: 'name', value: org.name, maxlength: 200, autocomplete: 'off'})),
    h('button', {type: 'submit'}, 'Rename'));
  onSubmit(rename, async () => {
    clearProblem(rename);
    // the name as typed, only when it was: one left alone keeps what is stored, even what an input cannot show
    const change = changes(rename);
    if (!('name' in change)) {
      app.say('Nothing to save: the name was not changed.');
      return;
    }
    try {
      const renamed = await api.patch(`/v1/orgs/${org.id}`, change, {ifMatch: org.version});
      // the organization at hand is shown under its new name at once (the header, every screen), not after a reload
      if (app.org && String(app.org.id) === String(renamed.id)) app.org = renamed;
      app.go(`#/operators?done=${app.done(`Renamed to ${renamed.name}.`)}`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      // renamed elsewhere since the screen read it: the refusal offers the organization as it is now
      showProblem(rename, e, {current: () => app.go(`#/operators${api.query({org: org.id, t: Date.now()})}`)});
    }
  });
  // asked for as a single-line input can hold it: a name with a line break or a tab is typed with a space there
  const typed = oneLine(org.name) || String(org.id);
  const remove = h('form', {class: 'inline', novalidate: true},
    field(`Type “${typed}” to delete it and everything in it`, h('input', {name: 'confirm', autocomplete: 'off'})),
    h('button', {type: 'submit', class: 'danger'}, 'Delete organization'));
  onSubmit(remove, async () => {
    clearProblem(remove);
    if (oneLine(values(remove).confirm) !== typed) {
      showProblem(remove, {code: 'invalid_input', detail: 'the name does not match',
        errors: {confirm: `type the organization's name exactly: ${typed}`}});
      return;
    }
    try {
      await api.del(`/v1/orgs/${org.id}`);
      if (app.org && app.org.id === org.id) app.leaveOrg();
      app.go(`#/operators?done=${app.done(`Organization ${org.name} deleted.`)}`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(remove, e);
    }
  });
  return h('section', {class: 'card', 'aria-label': `Organization ${org.name}`},
    h('h2', {}, phrase`${org.name} (id ${org.id})`), rename, h('h3', {}, 'Delete'),
    h('p', {}, 'Deletes its roles, members, keys and assignments; its history stays in the change log.'), remove);
}

function modelsSection(app, models) {
  const text = h('textarea', {name: 'model', rows: 6, spellcheck: 'false'});
  const form = h('form', {class: 'card', novalidate: true},
    h('h3', {}, 'Register a model'),
    field('Model (JSON, like server/src/main/resources/models/*.json)', text),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Register model')));
  onSubmit(form, async () => {
    clearProblem(form);
    let body;
    try {
      body = JSON.parse(text.value);
    } catch (e) {
      showProblem(form, {code: 'invalid_input', detail: 'the model is not valid JSON', errors: {model: e.message}});
      return;
    }
    try {
      const m = await api.post('/v1/models', body);
      app.go(`#/operators?done=${app.done(`Model ${m.id} registered.`)}`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(form, e);
    }
  });
  return h('section', {'aria-label': 'Models'},
    h('h2', {}, 'Permission models'),
    table([
      {label: 'Id', cell: m => h('code', {}, m.id)},
      {label: 'Name', cell: m => m.name || ''},
      {label: 'Categories', cell: m => (m.categories || []).map(c => c.name).join(', ')},
      {label: 'Permissions', cell: m => String(m.permissions.length)},
      {label: 'System roles', cell: m => (m.system_roles || []).map(r => r.name).join(', ')},
      {label: 'Resource types', cell: m => (m.resource_types || []).map(t => t.key).join(', ') || 'none'},
    ], models, {caption: 'Models'}),
    form);
}
