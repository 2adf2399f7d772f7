// Sign-in. With a key: a member key signs in as that member (an organization admin manages its organization), the
// service key as the operator; which one it is, the API says (only the service key may read /v1/engine). With the
// product's identity provider, when the server names one (/console/sign-in.json): OpenID Connect's authorization
// code flow with PKCE (S256), state and nonce; the access token then acts as the member of the organization asked
// for. A token is kept like a key: in memory and this tab's sessionStorage, never in local storage or a URL — the
// code and state leave the address bar the moment the console reads them.
import * as api from './api.js';
import {h, fill, field, onSubmit} from './dom.js';
import {showProblem, clearProblem} from './problems.js';

const PENDING = 'gatehouse.console.oidc';
let redirectProblem = null;

export async function render(main, app) {
  const key = h('input', {name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true});
  // method post: should the script ever not stop the submission, the key goes in a body, never in a URL
  const form = h('form', {class: 'card signin', method: 'post', novalidate: true},
    field('API key', key, 'A member key of an organization admin, or the service key of this deployment. '
      + 'It is kept only in this browser tab and forgotten when you sign out or close the tab.'),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Sign in')));
  onSubmit(form, async () => {
    clearProblem(form);
    const secret = key.value.trim();
    if (!secret) {
      showProblem(form, {code: 'invalid_input', detail: 'enter a key', errors: {key: 'a key is needed to sign in'}});
      return;
    }
    // Keys are printable ASCII; anything else cannot travel in a header (the browser refuses to send it at all).
    if (/[^\x21-\x7e]/.test(secret)) {
      showProblem(form, {code: 'invalid_input', detail: 'this is no key',
        errors: {key: 'a key has only letters, digits and punctuation, no spaces or other characters'}});
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
  const provider = h('div', {});
  fill(main, h('div', {class: 'view'},
    h('h1', {}, 'Sign in'),
    h('p', {class: 'lead'}, 'Manage roles, members and access of an organization, or look after the deployment.'),
    provider,
    form));
  document.title = 'Sign in · Gatehouse console';
  key.focus();
  await offerProvider(provider);
}

/** The "Sign in with <issuer>" form, when the server names an identity provider. */
async function offerProvider(container) {
  let config;
  try {
    config = (await api.get('/console/sign-in.json')).oidc;
  } catch (e) {
    fill(container, h('p', {class: 'notice notice-error'}, 'Sign-in with the identity provider is unavailable right '
      + `now (${e.message}). A key still works.`));
    return;
  }
  if (!config) return;
  const name = new URL(config.issuer).host;
  const wanted = new URLSearchParams((location.hash.split('?')[1]) || '').get('org') || '';
  const org = h('input', {name: 'org', inputmode: 'numeric', autocomplete: 'off', value: wanted, required: true});
  const form = h('form', {class: 'card signin-oidc', method: 'post', novalidate: true},
    h('h2', {}, `Sign in with ${name}`),
    field('Organization id', org, 'The organization to manage, by its id. Your identity provider says who you are; '
      + 'you act as the member with your user id in that organization.'),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, `Sign in with ${name}`)));
  if (redirectProblem) {
    showProblem(form, redirectProblem);
    redirectProblem = null;
  }
  onSubmit(form, async () => {
    clearProblem(form);
    if (!/^[1-9][0-9]{0,17}$/.test(org.value.trim())) {
      showProblem(form, {code: 'invalid_input', detail: 'name the organization',
        errors: {org: 'enter the organization\'s id, a positive number'}});
      return;
    }
    await startSignIn(config, org.value.trim());
  });
  fill(container, form);
}

const base64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = n => base64url(crypto.getRandomValues(new Uint8Array(n)));

/** Off to the identity provider: PKCE verifier, state and nonce wait in this tab's sessionStorage. */
async function startSignIn(config, org) {
  const verifier = random(32);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const pending = {verifier, state: random(16), nonce: random(16), org, issuer: config.issuer,
    client_id: config.client_id, token_endpoint: config.token_endpoint, redirect_uri: `${location.origin}/console/`};
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(config.authorization_endpoint);
  const q = {response_type: 'code', client_id: config.client_id, redirect_uri: pending.redirect_uri,
    scope: config.scope, state: pending.state, nonce: pending.nonce, code_challenge: challenge,
    code_challenge_method: 'S256'};
  Object.entries(q).forEach(([k, v]) => url.searchParams.set(k, v));
  location.assign(url.toString());
}

/**
 * Back from the identity provider (?code=…&state=… or ?error=…): takes the code out of the address bar at once,
 * checks the state, exchanges the code with the PKCE verifier, checks the ID token's nonce and that the token acts
 * in the organization asked for, and keeps the token like a key. Does nothing on any other page load.
 */
export async function finishRedirect(app) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return;
  history.replaceState(null, '', `${location.pathname}${location.hash || ''}`);
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  } catch {
    pending = null;
  }
  sessionStorage.removeItem(PENDING);
  const fail = detail => {
    redirectProblem = {code: 'sign_in_failed', detail, errors: {}};
  };
  if (!pending || query.get('state') !== pending.state) {
    return fail('the sign-in answer does not belong to a sign-in started in this tab; sign in again');
  }
  if (query.has('error')) {
    return fail(`the identity provider refused the sign-in: ${query.get('error')}`
      + (query.get('error_description') ? ` (${query.get('error_description')})` : ''));
  }
  let tokens;
  try {
    const response = await fetch(pending.token_endpoint, {
      method: 'POST', credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer',
      headers: {'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json'},
      body: new URLSearchParams({grant_type: 'authorization_code', code: query.get('code'),
        redirect_uri: pending.redirect_uri, client_id: pending.client_id, code_verifier: pending.verifier}),
    });
    tokens = await response.json();
    if (!response.ok || !tokens.access_token) {
      return fail(`the identity provider did not issue a token (${tokens.error || response.status})`);
    }
  } catch (e) {
    return fail(`the identity provider could not be reached (${e.message})`);
  }
  if (tokens.id_token && idTokenNonce(tokens.id_token) !== pending.nonce) {
    return fail('the identity provider\'s answer does not match this sign-in (nonce); sign in again');
  }
  try {
    await api.get(`/v1/orgs/${encodeURIComponent(pending.org)}`, {key: tokens.access_token});
  } catch (e) {
    // A token the server refuses (its audience, type, expiry, or a user who is no member there) says why in its
    // detail; only the member's own state (deactivated, invited) is told as membership.
    if (!(e instanceof api.ApiError) || e.status !== 401) return fail(`the server refused the sign-in (${e.message})`);
    return fail(e.code === 'invalid_token'
      ? `the server refused the token for organization ${pending.org}: ${e.message}`
      : `you are no active member of organization ${pending.org}`);
  }
  api.remember({key: tokens.access_token, kind: 'member', org: pending.org, via: pending.issuer});
  app.say('Signed in.');
  // The screen to land on, without a hashchange: the console routes once when this returns.
  if (!location.hash || location.hash.startsWith('#/signin')) history.replaceState(null, '', `${location.pathname}#/roles`);
}

function idTokenNonce(idToken) {
  try {
    const payload = idToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload.padEnd(payload.length + (4 - payload.length % 4) % 4, '='))).nonce;
  } catch {
    return undefined;
  }
}
