// The console's only way to the server: the native API on the same origin, the key in the Authorization header.
//
// Where the key lives: in this module's memory, and in sessionStorage so that a reload of the tab keeps the
// session; sessionStorage belongs to this tab alone and is emptied when the tab closes. Never in local storage,
// a cookie or a URL. Sign-out forgets both.

const STORE = 'gatehouse.console.session';

/** A problem document from the API (status, code, detail, errors per field, and any further members). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : `HTTP ${status}`);
    this.status = status;
    Object.assign(this, body || {});
    this.status = status;
    this.code = (body && body.code) || `http_${status}`;
  }
}

let session = read();
let refused = () => {};

/**
 * Who is told when the API answers 401 to the session's own key or token (revoked, its member deactivated,
 * expired) — on any call, a read or a write: the shell, which signs out saying why. A key only being tried
 * (`key`, at sign-in) is refused in its form instead.
 */
export function onRefused(listener) {
  refused = listener;
}

function read() {
  try {
    const raw = sessionStorage.getItem(STORE);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** The signed-in session: {key, kind: 'operator' | 'member', org} or null. */
export function current() {
  return session;
}

export function remember(next) {
  session = next;
  sessionStorage.setItem(STORE, JSON.stringify(next));
}

export function forget() {
  session = null;
  sessionStorage.removeItem(STORE);
}

/**
 * Calls the API: call('GET', '/v1/orgs'), call('PATCH', path, {body, ifMatch: 3}). Resolves to {status, body,
 * revision, etag}; rejects with an ApiError for any status from 400 up, when the server cannot be reached or the
 * answer breaks off before its end (status 0, code `unreachable`), and when an answer said to be JSON is not (code
 * `unreadable_answer`: a proxy's HTML error page), so that every screen shows each like any other problem.
 * `key` overrides the session's key (sign-in tries a key before keeping it).
 */
export async function call(method, path, {body, ifMatch, key} = {}) {
  const headers = {Accept: 'application/json'};
  const secret = key || (session && session.key);
  if (secret) headers.Authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined && ifMatch !== null) headers['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(0, {code: 'unreachable', detail: `no answer came back (${e.message})`});
  }
  let text;
  try {
    text = await response.text();
  } catch (e) {
    throw new ApiError(0, {code: 'unreachable', detail: `the answer broke off before its end (${e.message})`});
  }
  let parsed = null;
  if (text && /json/.test(response.headers.get('Content-Type') || '')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, {code: 'unreadable_answer',
        detail: `the answer (HTTP ${response.status}) is not the JSON it was said to be`});
    }
  }
  if (response.status === 401 && !key && secret) refused();
  if (response.status >= 400) throw new ApiError(response.status, parsed);
  return {status: response.status, body: parsed, revision: response.headers.get('Gatehouse-Revision')};
}

export const get = (path, options) => call('GET', path, options).then(r => r.body);
export const post = (path, body, options = {}) => call('POST', path, {...options, body}).then(r => r.body);
export const put = (path, body, options = {}) => call('PUT', path, {...options, body}).then(r => r.body);
export const patch = (path, body, options = {}) => call('PATCH', path, {...options, body}).then(r => r.body);
export const del = (path, options) => call('DELETE', path, options).then(r => r.body);

/** A query string from an object, leaving out empty values; arrays repeat the name. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) q.append(name, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Encodes one path segment. A segment of dots names nothing: a browser resolves it against the path before sending
 * (`roles/..` would ask for the organization itself, however it is encoded), so it is refused here as not found.
 */
export function seg(value) {
  const text = String(value);
  if (text === '.' || text === '..') {
    throw new ApiError(404, {code: 'not_found', detail: `"${text}" names nothing`});
  }
  return encodeURIComponent(text);
}

/**
 * How the console names a member in a path: by its Gatehouse id, `id:42`. A bare number is read by the API as either a
 * member id or a user id, so it is ambiguous (or names another member) where some member's user id is that number.
 */
export function memberRef(id) {
  return `id:${id}`;
}

/**
 * A member as a person types it into a form: `id:42` names its Gatehouse id; anything else, after an optional `user:`,
 * is the product's user id — a bare number too, as every such field's label says ("user id, or id:<member id>").
 * {member_id} or {user_id}, as a request body names a member. Every form that takes a typed member reads it through
 * this (and typedMemberPath for a path), so that a preview and the save it previews always name the same member.
 */
export function typedMember(text) {
  const value = String(text ?? '').trim();
  const id = /^id:(\d+)$/.exec(value);
  if (id) return {member_id: Number(id[1])};
  return {user_id: value.startsWith('user:') ? value.slice(5) : value};
}

/**
 * A typed member (typedMember) as a path names it, ready for seg(): `id:42` or `user:u-42` — never the bare text,
 * which the API reads as a member id where it is a number, so a user id "5" would address member 5.
 */
export function typedMemberPath(text) {
  const ref = typedMember(text);
  return 'member_id' in ref ? memberRef(ref.member_id) : `user:${ref.user_id}`;
}

/** Every item of a paginated list (roles, a member's keys or resource roles): follows next_cursor to the end. */
export async function all(path, params = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path + query({...params, limit: 1000, cursor}));
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/**
 * A read whose refusal the screen shows in place — next to the form that asked, which stays usable — rather than
 * as the whole screen: {value} or {problem}. Anything but an API problem still fails the screen.
 */
export function attempt(promise) {
  return promise.then(value => ({value}), e => {
    if (!(e instanceof ApiError)) throw e;
    return {problem: e};
  });
}
