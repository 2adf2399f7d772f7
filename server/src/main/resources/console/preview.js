// "Who gains and who loses which permissions, where" before a change is saved. Every form that changes access —
// the role editor, a member's company role, an assignment — owns one preview panel and asks it to refresh with
// the change it would save. The panel asks the server (POST /v1/orgs/{org}/preview); a server without that
// endpoint answers 404 and the panel says that no preview is available. It never guesses.
import * as api from './api.js';
import {h, fill} from './dom.js';
import {explain} from './problems.js';

/**
 * A preview panel: {element, refresh(change)}. `change` is what the form would save, one of
 *   {role: {id, permissions, external, visibility}}            an edit of an existing role
 *   {member: {id, role_id?, status?}}                           a member's company role or status
 *   {assignment: {resource: {type, id}, member_id, role_id}}    a role on a resource (role_id null: removal)
 */
export function panel(app) {
  const body = h('div', {class: 'preview-body'});
  const element = h('section', {class: 'preview', 'aria-label': 'Preview of the change', 'aria-live': 'polite'},
    h('h2', {}, 'Preview: who gains and who loses'), body);
  fill(body, h('p', {class: 'muted'}, 'Change something, then preview it before you save.'));
  async function refresh(change) {
    fill(body, h('p', {class: 'muted'}, 'Computing the preview…'));
    try {
      const result = await api.post(`${app.orgPath()}/preview`, change);
      fill(body, render(result));
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 404 && e.code === 'route_not_found') {
        fill(body, h('p', {class: 'muted preview-unavailable'}, 'Preview not available: this server does not offer '
          + 'previews yet. The change can still be saved.'));
      } else {
        fill(body, h('p', {class: 'notice notice-error'}, e instanceof api.ApiError ? explain(e) : e.message));
      }
    }
  }
  return {element, refresh};
}

function render(result) {
  const section = (title, entries) => h('div', {class: 'preview-part'}, h('h3', {}, title),
    entries && entries.length ? h('ul', {}, entries.map(entry => h('li', {},
      h('code', {}, entry.permission), entry.where ? ` on ${entry.where}` : ' organization-wide', ': ',
      `${entry.count} member${entry.count === 1 ? '' : 's'}`,
      entry.members && entry.members.length ? ` (${entry.members.map(m => m.user_id || m.member_id).join(', ')}`
        + `${entry.count > entry.members.length ? ', …' : ''})` : ''))) : h('p', {class: 'muted'}, 'Nobody.'));
  return h('div', {}, section('Gain', result.gains), section('Lose', result.losses));
}
