// The permission matrix: the model's permissions grouped by its categories (Rooms' 66 booleans in six
// categories, Close's permission strings in theirs), one labelled checkbox each, with a "whole category" switch.
import {h, uid} from './dom.js';

/** Categories of a model with their permissions, in the model's order; permissions of no known category last. */
export function grouped(model) {
  const groups = (model.categories || []).map(c => ({key: c.key, name: c.name, permissions: []}));
  const byKey = new Map(groups.map(g => [g.key, g]));
  for (const p of model.permissions) {
    let group = byKey.get(p.category);
    if (!group) {
      group = {key: p.category || 'other', name: p.category || 'Other', permissions: []};
      byKey.set(group.key, group);
      groups.push(group);
    }
    group.permissions.push(p);
  }
  return groups.filter(g => g.permissions.length);
}

/**
 * An editable (or read-only) matrix: {element, selected(), set(keys)}. `onChange(selectedKeys)` runs after
 * every change. Each checkbox is named by its permission key in data-permission.
 */
export function matrix(model, selected, {readOnly = false, onChange = () => {}, label = 'Permissions'} = {}) {
  const chosen = new Set(selected || []);
  const boxes = [];
  const categories = grouped(model).map(group => {
    const all = h('input', {type: 'checkbox', class: 'category-all', disabled: readOnly});
    const count = h('span', {class: 'count'});
    const own = group.permissions.map(p => {
      const id = uid('perm');
      const box = h('input', {type: 'checkbox', id, checked: chosen.has(p.key), disabled: readOnly,
        dataset: {permission: p.key}, 'aria-describedby': `${id}-d`});
      boxes.push(box);
      return {box, row: h('div', {class: 'perm'}, box,
        h('label', {for: id}, h('code', {class: 'perm-key'}, p.key)),
        h('span', {class: 'perm-desc', id: `${id}-d`}, p.description || '',
          (p.scopes || []).length ? h('span', {class: 'scopes'}, ` (${p.scopes.join(', ')})`) : null))};
    });
    const sync = () => {
      const on = own.filter(o => o.box.checked).length;
      all.checked = on === own.length;
      all.indeterminate = on > 0 && on < own.length;
      count.textContent = `${on} of ${own.length}`;
    };
    all.addEventListener('change', () => {
      own.forEach(o => { if (!o.box.disabled) o.box.checked = all.checked; });
      changed();
    });
    own.forEach(o => o.box.addEventListener('change', changed));
    const element = h('fieldset', {class: 'category', dataset: {category: group.key}},
      h('legend', {}, group.name, ' ', count),
      readOnly ? null : h('label', {class: 'category-switch'}, all, ` All of ${group.name}`),
      h('div', {class: 'perms'}, own.map(o => o.row)));
    return {element, sync};
  });
  function selectedKeys() {
    return boxes.filter(b => b.checked).map(b => b.dataset.permission);
  }
  function changed() {
    categories.forEach(c => c.sync());
    onChange(selectedKeys());
  }
  categories.forEach(c => c.sync());
  const element = h('div', {class: 'matrix', dataset: {field: 'permissions'}, role: 'group', 'aria-label': label},
    h('p', {class: 'field-error', hidden: true}), categories.map(c => c.element));
  return {
    element,
    selected: selectedKeys,
    set(keys) {
      const want = new Set(keys);
      boxes.forEach(b => { b.checked = want.has(b.dataset.permission); });
      changed();
    },
  };
}
