// Lists the API pages, shown a page at a time: every item can be reached with Show more, none is cut silently.
import * as api from './api.js';
import {h, fill, notice} from './dom.js';
import {explain} from './problems.js';

/**
 * A list the API pages, from its first page `first` ({items, next_cursor}): `draw(items)` returns what shows every
 * item read so far (a table, a list), and while the last page read had a next_cursor, **Show more** reads the next
 * one (`read(cursor)`, resolving to a page) and draws them all again. A page the API refuses is told beside the
 * button, which stays to try again. A page that is exactly full may carry a cursor though nothing follows: Show
 * more then reads an empty page and goes away.
 */
export function paged(first, read, draw) {
  const items = [...first.items];
  let cursor = first.next_cursor;
  const list = h('div', {});
  const problem = h('div', {});
  const button = h('button', {type: 'button', class: 'secondary small'}, 'Show more');
  const controls = h('div', {class: 'actions more'}, button, problem);
  const show = () => {
    fill(list, draw(items));
    controls.hidden = !cursor;
  };
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    fill(problem);
    try {
      const page = await read(cursor);
      items.push(...page.items);
      cursor = page.next_cursor;
      show();
    } catch (e) {
      if (!(e instanceof api.ApiError)) throw e;
      fill(problem, notice(explain(e), 'error'));
    } finally {
      button.disabled = false;
    }
  });
  show();
  return h('div', {class: 'paged'}, list, controls);
}
