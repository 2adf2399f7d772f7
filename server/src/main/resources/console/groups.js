// Groups: named sets of members (Close's groups). Create, rename, delete; add and remove members.
import * as api from './api.js';
import {h, fill, field, values, notice, confirming} from './dom.js';
import {showProblem, clearProblem, explain} from './problems.js';

export async function render(view, app, rest, params) {
  const groups = await api.all(`${app.orgPath()}/groups`);
  const out = h('div', {});
  const fail = e => { if (!(e instanceof api.ApiError)) throw e; fill(out, notice(explain(e), 'error')); };
  const reload = done => app.go(`#/groups?done=${app.done(done)}&t=${Date.now()}`);

  const create = h('form', {class: 'card inline', novalidate: true},
    field('New group name', h('input', {name: 'name', required: true, maxlength: 100, autocomplete: 'off'})),
    h('button', {type: 'submit'}, 'Create group'));
  create.addEventListener('submit', async event => {
    event.preventDefault();
    clearProblem(create);
    try {
      const g = await api.post(`${app.orgPath()}/groups`, values(create));
      reload(`Group ${g.name} created.`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(create, e);
    }
  });

  const cards = groups.map(g => {
    const rename = h('form', {class: 'inline', novalidate: true},
      field('Name', h('input', {name: 'name', value: g.name, maxlength: 100, autocomplete: 'off'})),
      h('button', {type: 'submit', class: 'secondary'}, 'Rename'));
    rename.addEventListener('submit', async event => {
      event.preventDefault();
      clearProblem(rename);
      try {
        await api.patch(`${app.orgPath()}/groups/${g.id}`, values(rename), {ifMatch: g.version});
        reload('Group renamed.');
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        showProblem(rename, e);
      }
    });
    const userId = h('input', {name: 'user_id', autocomplete: 'off'});
    const add = h('form', {class: 'inline', novalidate: true},
      field('Add member (user id)', userId),
      h('button', {type: 'submit', class: 'secondary'}, 'Add'));
    add.addEventListener('submit', async event => {
      event.preventDefault();
      clearProblem(add);
      // sent even when empty, so that the API's refusal names this field (user_id), not member_id
      const who = userId.value.trim();
      try {
        const {status} = await api.call('POST', `${app.orgPath()}/groups/${g.id}/members`, {body: {user_id: who}});
        reload(status === 201 ? `${who} added to ${g.name}.` : `${who} was already in ${g.name}.`);
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        showProblem(add, e);
      }
    });
    const ask = h('div', {});
    return h('section', {class: 'card', 'aria-label': `Group ${g.name}`},
      h('h2', {}, g.name, h('span', {class: 'count'}, ` ${g.members.length} member${g.members.length === 1 ? '' : 's'}`)),
      g.members.length ? h('ul', {class: 'plain'}, g.members.slice(0, 200).map(m => h('li', {},
        h('a', {href: `#/members/${m.member_id}`}, m.user_id), ' ',
        h('button', {type: 'button', class: 'link', 'aria-label': `Remove ${m.user_id} from ${g.name}`, on: {click: async () => {
          try {
            await api.del(`${app.orgPath()}/groups/${g.id}/members/id:${m.member_id}`);
            reload('Member removed from the group.');
          } catch (e) { fail(e); }
        }}}, 'Remove')))) : h('p', {class: 'muted'}, 'No members.'),
      g.members.length > 200 ? h('p', {class: 'muted'}, `and ${g.members.length - 200} more`) : null,
      add, rename,
      confirming(`Delete group ${g.name}`, `Delete group ${g.name} and its list of members for good?`,
        'Yes, delete', async () => {
          try {
            await api.del(`${app.orgPath()}/groups/${g.id}`, {ifMatch: g.version});
            reload(`Group ${g.name} deleted.`);
          } catch (e) { fail(e); }
        }, ask, {class: 'danger small'}), ask);
  });

  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Groups')),
    h('p', {class: 'lead'}, 'Named sets of members. Groups decide nothing by themselves.'),
    app.outcome(params) ? notice(app.outcome(params), 'ok') : null,
    out, create,
    cards.length ? h('div', {class: 'grid-2'}, cards) : h('p', {class: 'empty'}, 'No groups yet.'));
}
