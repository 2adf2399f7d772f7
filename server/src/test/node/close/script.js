'use strict';
// Drives Gatehouse's Close dialect with Close's own npm client, close.io 1.3.0, unchanged.
// Usage: node script.js <baseUrl> <apiKey>   (baseUrl like http://127.0.0.1:8080)
// Prints one JSON line per step: {"step", "outcome": "resolved" | "rejected", "value"}, then "DONE".
//
// The client hard-codes https://api.close.com/api/v1; wrapping its prototype _request to rewrite options.uri
// is the one change needed to point it at another server. Its promises resolve only on HTTP 200: a 201 rejects
// with the parsed body, a 204 with the number 204, an error with the parsed error body.

const Closeio = require('close.io');

const [baseUrl, apiKey] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error('usage: node script.js <baseUrl> <apiKey>');
  process.exit(2);
}

const CLOSE = 'https://api.close.com/api/v1';
const originalRequest = Closeio.prototype._request;
Closeio.prototype._request = function (options) {
  if (typeof options.uri === 'string' && options.uri.startsWith(CLOSE)) {
    options.uri = baseUrl.replace(/\/$/, '') + '/api/v1' + options.uri.substring(CLOSE.length);
  }
  return originalRequest.call(this, options);
};

const close = new Closeio(apiKey);

function settle(promise) {
  return new Promise((resolve) => promise.then(
    (value) => resolve({ outcome: 'resolved', value }),
    (value) => resolve({ outcome: 'rejected', value })));
}

async function step(name, call) {
  const result = await settle(call());
  console.log(JSON.stringify({ step: name, outcome: result.outcome, value: result.value }));
  return result.value;
}

async function main() {
  const me = await step('me', () => close.user.me());
  const orgId = me.memberships[0].organization_id;
  await step('organization.read', () => close.organization.read(orgId));
  await step('user.read', () => close.user.read(me.id));
  await step('role.list', () => close._get('/role/', { _limit: 10 }));
  const role = await step('role.create', () => close._post('/role/', {
    name: 'Account Manager', permissions: ['bulk_edit', 'export', 'view_all_leads'],
  }));
  await step('role.read', () => close._get('/role/' + role.id + '/'));
  await step('role.update', () => close._put('/role/' + role.id + '/', { name: 'Key Account Manager' }));
  await step('role.invalid', () => close._post('/role/', { permissions: ['view_all_leads'] }));
  await step('role.invalid.item', () => close._post('/role/', { name: 'Numbers', permissions: ['view_all_leads', 7] }));
  await step('role.duplicate', () => close._post('/role/', {
    name: 'Key Account Manager', permissions: ['view_all_leads'],
  }));
  const membership = await step('membership.create', () => close._post('/membership/', {
    email: 'npm.rep@example.com', role_id: role.id,
  }));
  await step('role.delete.held', () => close._delete('/role/' + role.id + '/'));
  await step('membership.update', () => close._put('/membership/' + membership.id + '/', {
    role_id: 'user', auto_record_calls: 'enabled',
  }));
  await step('membership.bulk', () => close._put('/membership/', {
    _params: { id__in: membership.id }, role_id: 'restricteduser',
  }));
  await step('role.delete', () => close._delete('/role/' + role.id + '/'));
  await step('role.read.deleted', () => close._get('/role/' + role.id + '/'));
  await step('pinned_views.update', () => close._put('/membership/' + membership.id + '/pinned_views/', {
    saved_view_ids: ['save_npm1', 'save_npm2'],
  }));
  const group = await step('group.create', () => close._post('/group/', { name: 'Support' }));
  await step('group.member.add', () => close._post('/group/' + group.id + '/member/', { user_id: membership.user_id }));
  await step('group.read', () => close._get('/group/' + group.id + '/'));
  await step('group.member.remove', () => close._delete('/group/' + group.id + '/member/' + membership.user_id + '/'));
  await step('group.delete', () => close._delete('/group/' + group.id + '/'));
  const events = await step('event.search', () => close.event.search({ object_type: 'membership', _limit: 5 }));
  await step('event.read', () => close.event.read(events.data[0].id));
  await step('event.search.capped', () => close.event.search({ _limit: 100 }));
  await step('organization.update', () => close.organization.update(orgId, { name: 'Renamed by npm' }));
  const hook = await step('webhook.create', () => close._post('/webhook/', {
    url: 'https://hooks.example.com/npm', events: [{ object_type: 'membership', action: 'updated' }],
  }));
  await step('webhook.list', () => close._get('/webhook/'));
  await step('webhook.pause', () => close._put('/webhook/' + hook.id + '/', { status: 'paused' }));
  await step('webhook.read', () => close._get('/webhook/' + hook.id + '/'));
  await step('webhook.invalid', () => close._post('/webhook/', { url: 'https://hooks.example.com/npm' }));
  await step('webhook.delete', () => close._delete('/webhook/' + hook.id + '/'));
  await step('webhook.read.deleted', () => close._get('/webhook/' + hook.id + '/'));
  await step('membership.delete', () => close._delete('/membership/' + membership.id + '/'));
  console.log('DONE');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
