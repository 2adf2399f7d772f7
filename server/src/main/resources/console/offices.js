// Offices and regions of a Rooms organization (`rooms`, `rooms_v5`): the Rooms dialect's own objects, each office
// in a region. Create, rename, move an office to another region, delete (refused while rooms, offices or users
// still name them). Saved with If-Match, so someone else's change is shown, never overwritten.
import * as api from './api.js';
import {h, fill, field, select, values, changes, notice, confirming, onSubmit, phrase} from './dom.js';
import {showProblem, clearProblem} from './problems.js';
import {dialectOf} from './dialects.js';

/** Whether an organization of this model has offices and regions: a Rooms organization's (dialectOf). */
export function applies(model) {
  return dialectOf(model) === 'rooms';
}

/** What an edit's send gives back when nothing was changed, so nothing was sent. */
const UNCHANGED = Symbol('unchanged');

export async function render(view, app, rest, params) {
  const [regions, offices] = await Promise.all([api.all(`${app.orgPath()}/regions`), api.all(`${app.orgPath()}/offices`)]);
  const reload = done => app.go(`#/offices?done=${app.done(done)}&t=${Date.now()}`);
  // a region or office changed elsewhere since the screen read it: a refused save offers the screen as it is now
  const current = () => app.go(`#/offices?t=${Date.now()}`);
  const regionOptions = blank => [...(blank ? [{value: '', label: blank}] : []),
    ...regions.map(r => ({value: r.id, label: r.name}))];

  /**
   * A form that sends its body and reloads the screen with `done`, or shows the problem in place. `send` takes the
   * form: values() for a new object, changes() for one loaded (what was left alone is not sent).
   */
  function form(children, send, done) {
    const f = h('form', {class: 'inline', novalidate: true}, children);
    onSubmit(f, async () => {
      clearProblem(f);
      try {
        if (await send(f) === UNCHANGED) {
          app.say('Nothing to save: nothing was changed.');
          return;
        }
        reload(done);
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        showProblem(f, e, {current});
      }
    });
    return f;
  }
  /**
   * Delete… for a region or office (`what`: "region Europe"), asking first as every deletion of the console does;
   * a refusal (still in use) is shown in the row's form.
   */
  function deletion(what, path, version) {
    const ask = h('span', {});
    const button = confirming('Delete…', phrase`Delete ${what} for good?`, 'Yes, delete', async () => {
      clearProblem(button.form);
      try {
        await api.del(path, {ifMatch: version});
        reload(`${what.charAt(0).toUpperCase()}${what.slice(1)} deleted.`);
      } catch (e) {
        if (!(e instanceof api.ApiError)) throw e;
        showProblem(button.form, e, {current});
      }
    }, ask, {class: 'danger small', 'aria-label': `Delete ${what}`});
    return [button, ask];
  }
  /** Saves what was changed of a region or office; nothing changed, nothing is sent. */
  const edit = (path, change, version) => (Object.keys(change).length
    ? api.patch(path, change, {ifMatch: version}) : UNCHANGED);
  const withRegion = v => ('region_id' in v ? {...v, region_id: v.region_id ? Number(v.region_id) : null} : v);
  // `rooms` lets an office lie in no region; on `rooms_v5` every office lies in one, so none is not offered
  const regionless = app.model.id === 'rooms';
  const officeRegions = o => regionOptions(regionless ? 'No region' : o.region_id == null ? 'Choose a region' : null);

  const regionRow = r => form([
    field('Region name', h('input', {name: 'name', value: r.name, maxlength: 100, autocomplete: 'off'})),
    h('button', {type: 'submit', class: 'secondary'}, 'Save'),
    deletion(`region ${r.name}`, `${app.orgPath()}/regions/${r.id}`, r.version)],
  f => edit(`${app.orgPath()}/regions/${r.id}`, changes(f), r.version), 'Region saved.');

  const officeRow = o => form([
    field('Office name', h('input', {name: 'name', value: o.name, maxlength: 100, autocomplete: 'off'})),
    field('Region', select('region_id', officeRegions(o), o.region_id ?? '')),
    h('button', {type: 'submit', class: 'secondary'}, 'Save'),
    deletion(`office ${o.name}`, `${app.orgPath()}/offices/${o.id}`, o.version)],
  f => edit(`${app.orgPath()}/offices/${o.id}`, withRegion(changes(f)), o.version), 'Office saved.');

  const newRegion = form([field('New region name', h('input', {name: 'name', maxlength: 100, autocomplete: 'off'})),
    h('button', {type: 'submit'}, 'Create region')],
  f => api.post(`${app.orgPath()}/regions`, values(f)), 'Region created.');
  const newOffice = form([field('New office name', h('input', {name: 'name', maxlength: 100, autocomplete: 'off'})),
    field('In region', select('region_id', regionOptions(regionless ? 'No region' : null), '')),
    h('button', {type: 'submit'}, 'Create office')],
  f => api.post(`${app.orgPath()}/offices`, withRegion({region_id: '', ...values(f)})), 'Office created.');

  const told = app.outcome(params);
  fill(view,
    h('div', {class: 'heading'}, h('h1', {}, 'Offices')),
    h('p', {class: 'lead'}, 'The organization’s offices, each in a region. Roles held on a region or an office reach '
      + 'the rooms beneath where the model nests them (see Resources).'),
    told ? notice(told, 'ok') : null,
    h('div', {class: 'grid-2'},
      h('section', {class: 'card', 'aria-label': 'Regions'}, h('h2', {}, 'Regions'),
        regions.length ? regions.map(regionRow) : h('p', {class: 'empty'}, app.outsider
          ? 'This key does not see the organization’s regions.' : 'No regions yet.'), newRegion),
      h('section', {class: 'card', 'aria-label': 'Offices'}, h('h2', {}, 'Offices'),
        offices.length ? offices.map(officeRow) : h('p', {class: 'empty'}, app.outsider
          ? 'This key does not see the organization’s offices.' : 'No offices yet.'), newOffice)));
}
