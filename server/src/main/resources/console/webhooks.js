// Webhooks: subscriptions of URLs to the organization's events — create, pause and resume, rotate the signing
// secret (shown once), and every delivery attempt.
import * as api from './api.js';
import {h, fill, field, table, values, notice, secretNotice, when, confirming, onSubmit, onPress, phrase}
  from './dom.js';
import {showProblem, showRefusal, clearProblem, explain} from './problems.js';
import {objectTypes} from './history.js';


export async function render(view, app, rest, params) {
  if (rest[0]) return detail(view, app, rest[0], params);
  // a key the API refuses the webhooks (one that may not manage roles) is told so in place, as History does
  const read = await api.attempt(api.all(`${app.orgPath()}/webhooks`));
  if (read.problem) {
    fill(view, heading(), lead(), notice(explain(read.problem), 'error'));
    return;
  }
  const hooks = read.value;
  // each new webhook's secret stays until the screen is left (the shell keeps it)
  const secrets = app.secrets(`${app.orgPath()}/webhooks`);
  const form = h('form', {class: 'card', novalidate: true},
    h('h2', {}, 'Subscribe a URL'),
    h('div', {class: 'cols'},
      field('URL', h('input', {name: 'url', type: 'url', required: true, autocomplete: 'off'}),
        'A public http:// or https:// address'),
      field('Description', h('input', {name: 'description', autocomplete: 'off'}))),
    h('fieldset', {class: 'checks', dataset: {field: 'object_types'}}, h('legend', {}, 'Object types (none: all)'),
      objectTypes(app.model).map(t => h('label', {class: 'check'}, h('input', {type: 'checkbox', dataset: {type: t}}), ` ${t}`)),
      h('p', {class: 'field-error', hidden: true})),
    field('Actions (comma-separated; empty: all)', h('input', {name: 'actions', autocomplete: 'off'})),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Create webhook')));
  onSubmit(form, async () => {
    clearProblem(form);
    const v = values(form);
    const body = {url: v.url || '', object_types: [...form.querySelectorAll('[data-type]:checked')].map(b => b.dataset.type)};
    if (v.description) body.description = v.description;
    if (v.actions) body.actions = v.actions.split(',').map(s => s.trim()).filter(Boolean);
    try {
      const created = await api.post(`${app.orgPath()}/webhooks`, body);
      secrets.show(created.id, secretNotice(`The signing secret of ${created.url}, shown only now — copy it to the `
        + 'receiver:', created.secret));
      app.say('Webhook created.');
      form.reset();
      hooks.unshift(created);
      fill(list, listOf(hooks));
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showProblem(form, e);
    }
  });
  const listOf = items => table([
    {label: 'URL', cell: w => h('a', {href: `#/webhooks/${w.id}`}, w.url)},
    {label: 'Status', cell: w => w.status + (pausedWhy(w) ? ` (${pausedWhy(w)})` : '')},
    {label: 'Objects', cell: w => (w.object_types || []).join(', ') || 'all'},
    {label: 'Delivered up to', cell: w => w.delivery ? String(w.delivery.revision) : ''},
    {label: 'Last error', cell: w => (w.delivery && w.delivery.last_error) || ''},
  ], items, {caption: 'Webhooks', empty: 'No webhooks yet.'});
  const list = h('div', {}, listOf(hooks));
  fill(view, heading(), lead(), secrets.element, list, form);
}

/** The reason the API gives a pause it was asked for (Pause here, or a PATCH): it says no more than "paused". */
const PAUSED_BY_API = 'paused through the API';

/**
 * Why a webhook is paused, in words, or '' when there is nothing to add to its status: active, or paused by someone
 * through an API. The server pauses one by itself when its delivery failed for longer than the retry window ("delivery
 * of revision … failed …; last error: …", said as it is) or when its creator lost the right to make it, a reason it
 * begins with its code (`creator_lost_access: member 4, its creator …`), which the words leave out.
 */
function pausedWhy(hook) {
  const reason = hook.paused_reason || '';
  if (reason === PAUSED_BY_API) return '';
  return reason.replace(/^creator_lost_access:\s*/, '');
}

const heading = () => h('div', {class: 'heading'}, h('h1', {}, 'Webhooks'));
const lead = () => h('p', {class: 'lead'}, 'Signed HTTP requests for every change, delivered in order and retried.');

async function detail(view, app, id, params) {
  const path = `${app.orgPath()}/webhooks/${api.seg(id)}`;
  const read = await api.attempt(api.get(path));
  if (read.problem) {
    fill(view, h('p', {class: 'crumbs'}, h('a', {href: '#/webhooks'}, 'Webhooks'), ' / '),
      h('h1', {}, phrase`Webhook ${id}`), notice(explain(read.problem), 'error'));
    return;
  }
  const hook = read.value;
  // newest first, a page at a time: Older carries the cursor of the next page, so every attempt can be reached
  const cursor = params.get('cursor') || '';
  const deliveries = await api.attempt(api.get(`${path}/deliveries${api.query({limit: 50, cursor})}`));
  const page = deliveries.value || {items: [], next_cursor: null};
  const out = h('div', {});
  // a secret shown once stays until the page is left, whatever is done there: the shell keeps it through reloads
  // (Pause, Resume); the delete question and refusals have places of their own. A secret rotated again replaces it.
  const secrets = app.secrets(`${app.orgPath()}/webhooks/${hook.id}`);
  const ask = h('div', {});
  const gone = e => (e.code === 'webhook_not_found'
    ? phrase`The webhook of ${hook.url} is gone: it was deleted elsewhere.` : null);
  // a secret in the answer is shown only for the rotation asked for; any other change reloads the page to show it
  async function change(body, message) {
    try {
      const result = await api.patch(path, body, {ifMatch: hook.version});
      if (body.rotate_secret && result.secret) {
        secrets.show('signing', secretNotice('The new signing secret, shown only now — copy it to the receiver:',
          result.secret));
        hook.version = result.version;
        app.say(message);
        return;
      }
      app.go(`#/webhooks/${hook.id}?done=${app.done(message)}`);
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      showRefusal(out, e, {words: gone(e)});
    }
  }
  const told = app.outcome(params);
  fill(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/webhooks'}, 'Webhooks'), ' / '),
    h('h1', {}, hook.url),
    told ? notice(told, 'ok') : null,
    h('dl', {class: 'facts'},
      h('dt', {}, 'Status'), h('dd', {}, hook.status + (pausedWhy(hook) ? ` — ${pausedWhy(hook)}` : '')),
      h('dt', {}, 'Objects'), h('dd', {}, (hook.object_types || []).join(', ') || 'all'),
      h('dt', {}, 'Actions'), h('dd', {}, (hook.actions || []).join(', ') || 'all'),
      h('dt', {}, 'Delivered up to revision'), h('dd', {}, hook.delivery ? String(hook.delivery.revision) : ''),
      hook.delivery && hook.delivery.failing_since
        ? [h('dt', {}, 'Failing since'), h('dd', {}, when(hook.delivery.failing_since))] : null),
    h('div', {class: 'actions'},
      hook.status === 'active'
        ? onPress(h('button', {type: 'button', class: 'secondary'}, 'Pause'),
          () => change({status: 'paused'}, 'Webhook paused.'))
        : onPress(h('button', {type: 'button'}, 'Resume'), () => change({status: 'active'}, 'Webhook resumed.')),
      onPress(h('button', {type: 'button', class: 'secondary'}, 'Rotate secret'),
        () => change({rotate_secret: true}, 'Secret rotated.')),
      confirming('Delete…', 'Delete this webhook for good? Its deliveries stop and their record goes with it.',
        'Yes, delete', async () => {
          try {
            await api.del(path, {ifMatch: hook.version});
            app.say('Webhook deleted.');
            app.go('#/webhooks');
          } catch (e) {
            if (!(e instanceof api.ApiError)) throw e;
            showRefusal(out, e, {words: gone(e)});
          }
        }, ask)),
    ask, out, secrets.element,
    h('h2', {}, 'Deliveries'),
    deliveries.problem ? notice(explain(deliveries.problem), 'error') : table([
      {label: 'When', cell: d => when(d.attempted_at)},
      {label: 'Revision', cell: d => String(d.revision)},
      {label: 'Attempt', cell: d => String(d.attempt)},
      {label: 'Outcome', cell: d => d.outcome},
      {label: 'HTTP status', cell: d => d.status_code === null || d.status_code === undefined ? '' : String(d.status_code)},
      {label: 'Error', cell: d => d.error || ''},
      {label: 'Time', cell: d => `${d.duration_ms} ms`},
    ], page.items, {caption: 'Delivery attempts, newest first', empty: cursor ? 'No older deliveries.'
      : 'No deliveries yet.'}),
    h('nav', {class: 'pager', 'aria-label': 'Pages of deliveries'},
      cursor ? h('a', {class: 'button secondary', href: `#/webhooks/${hook.id}`}, 'Newest') : null,
      page.next_cursor ? h('a', {class: 'button secondary', rel: 'next',
        href: `#/webhooks/${hook.id}${api.query({cursor: page.next_cursor})}`}, 'Older') : null));
}
