// Groups: named sets of members (Close's groups). Create, rename, delete; add and remove members.
import * as api from './api.js';
import {h, fill, field, values, changes, notice, confirming, onSubmit, phrase} from './dom.js';
import {showProblem, showRefusal, clearProblem} from './problems.js';
import * as members from './members.js';

/** How many members of a group are listed before Show all. */
const SHOWN = 200;

export async function render(view, app, rest, params) {
  const groups = await api.all(`${app.orgPath()}/groups`);
  const out = h('div', {});
  const reload = done => app.go(`#/groups${api.query({done: app.done(done), t: Date.now()})}`);
  // a group renamed or deleted elsewhere since the screen read it: the refusal offers the groups as they are now
  const current = () => reload();
  const told = app.outcome(params, groups);
  // a refusal saying the group or the membership is gone reads the groups again, naming what was pressed
  const fail = (e, g, m) => {
    if (!(e instanceof api.ApiError)) throw e;
    showRefusal(out, e, {current, words: e.code === 'group_not_found'
      ? phrase`Group ${g.name} is gone: it was deleted elsewhere.`
      : m && (e.code === 'group_member_not_found' || e.code === 'member_not_found')
        ? phrase`${m.user_id} is no longer in ${g.name}: removed elsewhere.` : null});
  };

  const create = h('form', {class: 'card inline', novalidate: true},
    field('New group name', h('input', {name: 'name', required: true, maxlength: 100, autocomplete: 'off'})),
    h('button', {type: 'submit'}, 'Create group'));
  onSubmit(create, async () => {
    clearProblem(create);
    try {
      const g = await api.post(`${app.orgPath()}/groups`, values(create));
      reload(`Group ${g.name} created.`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(create, e);
    }
  });

  /** A group's members, the first SHOWN of them until the person asks for every one. */
  const memberList = g => {
    const list = h('ul', {class: 'plain'});
    const item = m => {
      const ask = h('span', {});
      return h('li', {},
        h('a', {href: members.link(m.member_id)}, m.user_id), ' ',
        confirming('Remove…', phrase`Remove ${m.user_id} from ${g.name}?`, 'Yes, remove', async () => {
          try {
            await api.del(`${app.orgPath()}/groups/${g.id}/members/${api.memberRef(m.member_id)}`);
            reload('Member removed from the group.');
          } catch (e) { fail(e, g, m); }
        }, ask, {class: 'danger small', 'aria-label': `Remove ${m.user_id} from ${g.name}`}), ask);
    };
    fill(list, g.members.slice(0, SHOWN).map(item));
    if (g.members.length <= SHOWN) return list;
    const more = h('button', {type: 'button', class: 'secondary small', on: {click: () => {
      fill(list, g.members.map(item));
      more.remove();
    }}}, `Show all ${g.members.length} members`);
    return h('div', {}, list, more);
  };

  const cards = groups.map(g => {
    const rename = h('form', {class: 'inline', novalidate: true},
      field('Name', h('input', {name: 'name', value: g.name, maxlength: 100, autocomplete: 'off'})),
      h('button', {type: 'submit', class: 'secondary'}, 'Rename'));
    onSubmit(rename, async () => {
      clearProblem(rename);
      // the name only when it was changed: one left alone keeps what is stored, even what an input cannot show
      const change = changes(rename);
      if (!('name' in change)) {
        app.say('Nothing to save: the name was not changed.');
        return;
      }
      try {
        await api.patch(`${app.orgPath()}/groups/${g.id}`, change, {ifMatch: g.version});
        reload('Group renamed.');
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        showProblem(rename, e, {current});
      }
    });
    const userId = h('input', {name: 'user_id', autocomplete: 'off'});
    const add = h('form', {class: 'inline', novalidate: true},
      field('Add member (user id, or id:<member id>)', userId),
      h('button', {type: 'submit', class: 'secondary'}, 'Add'));
    onSubmit(add, async () => {
      clearProblem(add);
      // an empty one is sent as user_id "", so that the API's refusal names this field (user_id), not member_id
      const who = userId.value.trim();
      try {
        const {status} = await api.call('POST', `${app.orgPath()}/groups/${g.id}/members`,
          {body: api.typedMember(who)});
        // named as the reloaded list has it: the add carries no version, so it succeeds on a group renamed elsewhere
        const named = now => (now.find(x => x.id === g.id) || g).name;
        reload(now => (status === 201 ? `${who} added to ${named(now)}.` : `${who} was already in ${named(now)}.`));
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        showProblem(add, e, {fields: {member_id: 'user_id'}});
      }
    });
    const ask = h('div', {});
    return h('section', {class: 'card', 'aria-label': `Group ${g.name}`},
      h('h2', {}, g.name, h('span', {class: 'count'}, ` ${g.members.length} member${g.members.length === 1 ? '' : 's'}`)),
      g.members.length ? memberList(g) : h('p', {class: 'muted'}, 'No members.'),
      add, rename,
      confirming(`Delete group ${g.name}`, phrase`Delete group ${g.name} and its list of members for good?`,
        'Yes, delete', async () => {
          try {
            await api.del(`${app.orgPath()}/groups/${g.id}`, {ifMatch: g.version});
            reload(`Group ${g.name} deleted.`);
          } catch (e) { fail(e, g); }
        }, ask, {class: 'danger small'}), ask);
  });

  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Groups')),
    h('p', {class: 'lead'}, 'Named sets of members. Groups decide nothing by themselves.'),
    told ? notice(told, 'ok') : null,
    out, create,
    cards.length ? h('div', {class: 'grid-2'}, cards) : h('p', {class: 'empty'}, app.outsider
      ? 'This key does not see the organization’s groups.' : 'No groups yet.'));
}
