// Sign-in with a key: a member key signs in as that member (an organization admin manages its organization),
// the service key as the operator. Which one it is, the API says: only the service key may read /v1/engine.
import * as api from './api.js';
import {h, fill, field} from './dom.js';
import {showProblem, clearProblem} from './problems.js';

export async function render(main, app) {
  const key = h('input', {name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true});
  // method post: should the script ever not stop the submission, the key goes in a body, never in a URL
  const form = h('form', {class: 'card signin', method: 'post', novalidate: true},
    field('API key', key, 'A member key of an organization admin, or the service key of this deployment. '
      + 'It is kept only in this browser tab and forgotten when you sign out or close the tab.'),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Sign in')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearProblem(form);
    const secret = key.value.trim();
    if (!secret) {
      showProblem(form, {code: 'invalid_input', detail: 'enter a key', errors: {key: 'a key is needed to sign in'}});
      return;
    }
    try {
      const orgs = await api.get('/v1/orgs?limit=1', {key: secret});
      let operator = true;
      try {
        await api.get('/v1/engine', {key: secret});
      } catch (e) {
        if (!(e instanceof api.ApiError) || e.status !== 403) throw e;
        operator = false;
      }
      if (!operator && !orgs.items.length) {
        showProblem(form, {code: 'forbidden', detail: 'this key belongs to no organization', errors: {}});
        return;
      }
      api.remember({key: secret, kind: operator ? 'operator' : 'member', org: operator ? null : orgs.items[0].id});
      key.value = '';
      app.say('Signed in.');
      app.go(operator ? '#/operators' : '#/roles');
    } catch (e) {
      if (e instanceof api.ApiError) {
        showProblem(form, {...e, errors: e.status === 401 ? {key: 'this key is not valid here'} : e.errors});
      } else {
        showProblem(form, {code: 'network', detail: `the server could not be reached (${e.message})`});
      }
    }
  });
  fill(main, h('div', {class: 'view'},
    h('h1', {}, 'Sign in'),
    h('p', {class: 'lead'}, 'Manage roles, members and access of an organization, or look after the deployment.'),
    form));
  document.title = 'Sign in · Gatehouse console';
  key.focus();
}
