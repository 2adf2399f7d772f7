// The console's shell: sign-in state, the organization at hand, navigation and routing on the URL fragment
// (#/roles, #/members/42, …), so the server serves one page and the key never appears in a path.
import * as api from './api.js';
import {h, fill, notice, bdi, withoutBidiControls} from './dom.js';
import {explain, onGone} from './problems.js';
import * as signin from './signin.js';
import * as roles from './roles.js';
import * as members from './members.js';
import * as groups from './groups.js';
import * as resources from './resources.js';
import * as explorer from './explorer.js';
import * as history from './history.js';
import * as webhooks from './webhooks.js';
import * as offices from './offices.js';
import * as operators from './operators.js';

const ORG_SECTIONS = [
  ['roles', 'Roles', roles], ['members', 'Members', members], ['groups', 'Groups', groups],
  ['resources', 'Resources', resources], ['explorer', 'Access explorer', explorer],
  ['history', 'History', history], ['webhooks', 'Webhooks', webhooks], ['offices', 'Offices', offices],
];

/** The sections of the organization at hand: a section with `applies` only where its model has it. */
const sections = () => ORG_SECTIONS.filter(([, , view]) => !view.applies || view.applies(app.model));

/** What every screen may use: the session, the organization and its model, navigation. */
const app = {
  org: null,
  model: null,
  orgPath: () => `/v1/orgs/${app.org.id}`,
  go(hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  },
  /** A short message in the status line (announced by screen readers); it stays until the next screen but one. */
  say(text) {
    document.getElementById('status').textContent = text;
    app.said = routing;
  },
  said: -1,
  /**
   * Whether the session is an external member's (an outsider): the API shows it no groups, offices or regions, only
   * the roles it holds and only itself among the members (docs/security.md, "Reads"), so a list empty to it says
   * nothing of the organization. Learnt with the organization (openOrg).
   */
  outsider: false,
  /** Loads (or reloads) the organization the session works in, its model, and whether the caller is an outsider. */
  async openOrg(id) {
    app.org = await api.get(`/v1/orgs/${id}`);
    app.model = await api.get(`/v1/orgs/${app.org.id}/model`);
    app.outsider = await outsider();
  },
  /**
   * Keeps what a write did for the screen it reloads, and returns the number its URL names it by (`?done=3`): the
   * words stay here, so that a link cannot make the console say anything (as `?done=<any text>` once could). The
   * words may be a function of what the reloaded screen read (app.outcome's `read`): a notice that names an object
   * then names it as it is now (a group renamed elsewhere since the screen was drawn), not as the writing screen had
   * it.
   */
  done(text) {
    if (!text) return '';
    app.outcomes.push(text);
    return app.outcomes.length;
  },
  /**
   * What the write behind `?done=N` did, or null (no number, one this tab did not hand out, or one an earlier
   * screen showed): an outcome is told once, on the screen its write loaded, not again when Back or a kept link
   * returns to that address. `read` is what that screen read, for words that name what it holds (app.done).
   */
  outcome(params, read) {
    const n = Number(params.get('done'));
    if (!(Number.isInteger(n) && n >= 1 && n <= app.outcomes.length)) return null;
    if (!app.toldIn.has(n)) app.toldIn.set(n, routing);
    if (app.toldIn.get(n) !== routing) return null;
    const told = app.outcomes[n - 1];
    return typeof told === 'function' ? told(read) : told;
  },
  outcomes: [],
  /** The route (its turn) that told each outcome. */
  toldIn: new Map(),
  /**
   * A place for the secrets a screen shows once (a new key, a signing secret): {element, show(id, node)}. `show`
   * puts one there, newest first (one of the same `id` — a secret rotated again — replaces the one before), and the
   * shell keeps it: whenever the screen is drawn again and asks for the place of the same `name` — the reload after
   * any further write there, Back to its address before the write — the secrets are put back, so they stay until
   * the person leaves the screen.
   * The first screen drawn without that place forgets them, and so does the sign-in screen (a reload of the tab
   * empties the page's memory).
   */
  secrets(name) {
    const element = h('div', {class: 'secrets'});
    const draw = kept => fill(element, [...kept.shown.values()].reverse());
    const kept = shownOnce.get(name);
    if (kept) {
      kept.turn = routing;
      draw(kept);
    }
    return {
      element,
      show(id, node) {
        const entry = shownOnce.get(name) || {turn: routing, shown: new Map()};
        entry.shown.delete(id);
        entry.shown.set(id, node);
        shownOnce.set(name, entry);
        draw(entry);
      },
    };
  },
  leaveOrg() {
    app.org = null;
    app.model = null;
    const s = api.current();
    api.remember({...s, org: null});
  },
  /** Forgets the session; `reason` says why when the person did not ask for it. */
  signOut(reason) {
    api.forget();
    app.org = null;
    app.model = null;
    app.say(reason || 'Signed out.');
    app.go('#/signin');
  },
};

/**
 * Whether the session is an outsider (app.outsider). The directory tells: an external member sees exactly one member,
 * itself, external; an internal member sees itself among them, internal; an operator sees everyone. Only models with
 * external roles have outsiders, and a directory the key may not read is taken as no outsider's.
 */
async function outsider() {
  if (api.current().kind === 'operator' || !app.model.external_roles) return false;
  const read = await api.attempt(api.get(`${app.orgPath()}/members${api.query({limit: 2})}`));
  const items = read.value ? read.value.items : [];
  return items.length === 1 && !read.value.next_cursor && items[0].external === true;
}

/** The secrets shown once that the shell keeps for the screen showing them (app.secrets), by place: {turn, shown}. */
const shownOnce = new Map();

/** Forgets the secrets of every place the route of `turn` did not draw: the person has left their screen. */
function forgetSecretsLeft(turn) {
  for (const [name, kept] of shownOnce) if (kept.turn !== turn) shownOnce.delete(name);
}

/** A segment as written when it is no valid percent-encoding (`%E0%A4%A`): the screen then finds nothing by it. */
function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parse(hash) {
  const [path, q] = (hash.replace(/^#\/?/, '') || '').split('?');
  const parts = path.split('/').filter(Boolean).map(decode);
  return {section: parts[0] || '', rest: parts.slice(1), params: new URLSearchParams(q || '')};
}

function renderNav(active) {
  const s = api.current();
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!s) {
    fill(nav);
    fill(who);
    return;
  }
  const links = [];
  if (s.kind === 'operator') links.push(['operators', 'Operators']);
  if (app.org) sections().forEach(([key, label]) => links.push([key, label]));
  fill(nav, h('ul', {}, links.map(([key, label]) => h('li', {},
    h('a', {href: `#/${key}`, 'aria-current': key === active ? 'page' : false}, label)))));
  fill(who,
    h('span', {class: 'who-text'}, s.kind === 'operator' ? 'Operator (service key)'
      : s.via ? `Signed in with ${new URL(s.via).host}` : 'Member key',
      app.org ? [' · ', bdi(app.org.name), ` (${app.org.model})`] : ''),
    s.kind === 'operator' && app.org ? h('button', {type: 'button', class: 'link', on: {click: () => {
      app.leaveOrg();
      app.go('#/operators');
    }}}, 'Leave organization') : null,
    h('button', {type: 'button', class: 'secondary', on: {click: () => app.signOut()}}, 'Sign out'));
}

/**
 * Why a session's key stopped working: a key is revoked (or its member deactivated, or its organization deleted, which
 * takes its keys with it), a sign-in expires.
 */
function refused(session) {
  return session.via ? 'Your sign-in has expired or is no longer accepted: sign in again.'
    : 'The key is no longer accepted (revoked, its member deactivated or its organization deleted): sign in again.';
}

/** Counts routes: each draws the page only while it is the latest, so a slower earlier one never overwrites it. */
let routing = 0;

// A 401 on any call of the session — a read, a save, a preview — ends it: the key or sign-in no longer works.
api.onRefused(() => {
  const s = api.current();
  if (s) app.signOut(refused(s));
});

/**
 * The refusal of a write whose object was gone, to be shown on the screen read again for it: {turn, told} — the route
 * that draws it, and the words (onGone). Taken by that route, drawn or not.
 */
let goneTold = null;

/** Whether the organization at hand, as loaded, may be gone: the next route loads it afresh (openOrg). */
let stale = false;

// A write refused because what it named is gone (deleted or removed elsewhere since the screen read it): the screen is
// read again, so that the gone entry leaves it, and shows the refusal at its top. The organization itself gone is
// found as the screen is read again: it is loaded afresh (openOrg), and an operator leaves it, saying so.
onGone((problem, words) => {
  if (orgGone(problem)) stale = true;
  goneTold = {turn: routing + 1, told: words || explain(problem)};
  route();
});

/** Whether a problem says the organization at hand is gone (deleted elsewhere while this tab worked in it). */
const orgGone = e => e instanceof api.ApiError && e.status === 404 && e.code === 'organization_not_found';

/**
 * Leaves the session's organization, gone (deleted elsewhere), saying so: an operator goes back to the Operators
 * screen; a member's session, which works in that organization alone, ends.
 */
function leaveGoneOrg(s) {
  const name = app.org && String(app.org.id) === String(s.org) ? app.org.name : s.org;
  const said = `Organization ${name} is not found: it has been deleted.`;
  if (s.kind !== 'operator') return app.signOut(said);
  app.leaveOrg();
  app.say(said);
  return app.go('#/operators');
}

/**
 * Puts a screen in the page: its heading names the tab and takes the focus (an error screen's too). The tab's title
 * is plain text, where nothing can isolate a name: bidi controls are left out of it, so a user id holding one (the
 * API accepts U+202E) cannot turn " · Gatehouse console" around.
 */
function show(main, ...content) {
  fill(main, ...content);
  const heading = main.querySelector('h1');
  if (!heading) return;
  document.title = `${withoutBidiControls(heading.textContent)} · Gatehouse console`;
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

/**
 * Puts the refusal of a write whose object was gone (onGone) at the top of the screen read again, under its heading:
 * an outcome of a write, taken away as the next one is sent (notice's `ofWrite`).
 */
function told(content, words) {
  const note = notice(words, 'error', {ofWrite: true});
  const top = [...content.children].find(el => el.matches('h1, .heading'));
  if (top) top.after(note); else content.prepend(note);
}

async function route() {
  const turn = ++routing;
  if (app.said < turn - 1) document.getElementById('status').textContent = '';
  const main = document.getElementById('main');
  const {section, rest, params} = parse(location.hash);
  const s = api.current();
  if (!s || section === 'signin') {
    if (s && section === 'signin') return app.go('#/');
    shownOnce.clear();
    renderNav(null);
    await signin.render(main, app);
    return;
  }
  // A member's session always names its organization; one that does not is no session to work in.
  if (s.kind !== 'operator' && !s.org) return app.signOut();
  const gone = goneTold && goneTold.turn === turn ? goneTold.told : null;
  goneTold = null;
  // the organization as loaded before: a screen's read that finds it gone loads it again (below)
  const kept = Boolean(s.org && app.org && String(app.org.id) === String(s.org)) && !stale;
  stale = false;
  try {
    if (s.org && !kept) await app.openOrg(s.org);
  } catch (e) {
    if (turn !== routing) return;
    if (e instanceof api.ApiError && e.status === 401) return; // signed out already (api.onRefused)
    if (e instanceof api.ApiError && e.status === 404) return leaveGoneOrg(s);
    // The organization could not be loaded (the server unreachable, or refusing for now): say so and keep the
    // session as it is — dropping its organization would leave nothing to work in.
    app.org = null;
    renderNav(null);
    show(main, h('div', {class: 'view'}, h('h1', {}, 'Something went wrong'),
      notice(e instanceof api.ApiError ? explain(e) : `The server could not be reached (${e.message}).`, 'error'),
      h('div', {class: 'actions'}, h('button', {type: 'button', on: {click: () => route()}}, 'Try again'))));
    return;
  }
  // Another route began while this one waited (a link followed while the organization loaded): it draws the page.
  if (turn !== routing) return;
  const found = app.org ? sections().find(([key]) => key === section) : null;
  let view = found && app.org ? found[2] : null;
  let key = found ? section : null;
  if (section === 'operators' && s.kind === 'operator') {
    view = operators;
    key = 'operators';
  }
  if (!view) {
    return app.go(s.kind === 'operator' && !app.org ? '#/operators' : '#/roles');
  }
  renderNav(key);
  fill(main, h('p', {class: 'loading'}, 'Loading…'));
  try {
    const content = h('div', {class: 'view'});
    await view.render(content, app, rest, params);
    if (turn !== routing) return;
    if (gone) told(content, gone);
    show(main, content);
    forgetSecretsLeft(turn);
  } catch (e) {
    if (turn !== routing) return;
    if (e instanceof api.ApiError && e.status === 401) return; // signed out already (api.onRefused)
    if (orgGone(e) && kept) {
      // the organization was deleted elsewhere while this tab worked in it: loaded afresh, it is found gone
      stale = true;
      return route();
    }
    show(main, h('h1', {}, 'Something went wrong'),
      notice(e instanceof api.ApiError ? explain(e) : `The server could not be reached (${e.message}).`, 'error'));
  }
}

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/') || location.hash === '') route();
});
signin.finishRedirect(app).finally(route);
