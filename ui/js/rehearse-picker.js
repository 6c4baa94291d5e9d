// The rehearsal's picker: a search over every selected user and the list of matches. Its default
// is a person (`model/rehearsal.js`): never you, an admin, an app or customer account, nor a row
// the dry run flagged or Rust refused as the default. The admin's own pick is kept while that
// person stays selected. Rust refuses protected rows and app and customer accounts whatever the
// pick (`prepare_rehearsal`).

import { $, h } from './dom.js';
import { formatCount, plural } from './model/format.js';
import { defaultRehearsal, rehearsalChoices, rehearsalLabel } from './model/rehearsal.js';

const LISTED = 200; // options in the list at once: a search reaches the rest

/** `onPick({ typing })` is called when the person in the picker changed. */
export function initRehearsePicker({ onPick }) {
  const select = $('#rehearse-user');
  const search = $('#rehearse-search');
  const hint = $('#rehearse-choices');
  const avoid = new Map(); // account id → why it is a poor default (dry run, Rust's refusal)
  let list = null; // the UserList the picker was filled from
  let chosen = null; // the id the admin picked, by the list or by a search

  /** Refills the options for `l` (the current UserList); returns whether the person changed. */
  function fill(l) {
    const before = select.value;
    if (l !== list) {
      // Another export: its people, its flags.
      list = l;
      avoid.clear();
      chosen = null;
      search.value = '';
    }
    if (!l) {
      select.replaceChildren();
      hint.textContent = '';
      hint.hidden = true;
      return before !== '';
    }
    const r = l.roster;
    const at = (id) => (id ? r.indexById.get(id) ?? -1 : -1);
    if (chosen && !l.isSelected(at(chosen))) chosen = null;
    const query = search.value.trim();
    const { rows, total } = rehearsalChoices(l, query, LISTED);
    let pick;
    if (query) {
      // A search picks its first match, unless the person in the picker is one of them.
      pick = rows.includes(at(before)) ? at(before) : rows[0] ?? -1;
      if (pick >= 0) chosen = r.id[pick];
    } else {
      pick = chosen ? at(chosen) : defaultRehearsal(l, avoid);
    }
    const shown = pick >= 0 && !rows.includes(pick) ? [pick, ...rows] : rows;
    const options = shown.map((i) => h('option', { value: r.id[i], text: rehearsalLabel(r, i, avoid.get(r.id[i])) }));
    if (pick < 0) {
      options.unshift(h('option', { value: '', text: query ? 'No selected user matches' : 'Pick a person to rehearse on' }));
    }
    select.replaceChildren(...options);
    select.value = pick >= 0 ? r.id[pick] : '';
    hint.textContent = query
      ? total === 0 ? `No selected user matches “${query}”.`
        : total > rows.length ? `${formatCount(rows.length)} of ${formatCount(total)} matches listed: type more to narrow them.`
          : `${plural(total, 'match', 'matches')}.`
      : l.count > rows.length ? `The first ${formatCount(rows.length)} of ${formatCount(l.count)} selected users are listed: search to find the others.`
        : '';
    hint.hidden = !hint.textContent;
    return select.value !== before;
  }

  search.addEventListener('input', () => {
    if (fill(list)) onPick({ typing: true });
  });
  // Enter in the search box does nothing: only buttons act.
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') e.preventDefault();
  });
  select.addEventListener('change', () => {
    chosen = select.value || null;
    onPick({ typing: false });
  });

  return {
    fill,
    /** The account id in the picker ("" when none). */
    value: () => select.value,
    /** Did the admin pick this person (rather than the page's default)? */
    pickedByAdmin: (id) => !!id && id === chosen,
    /** Marks an account as a poor default, with why (shown next to its name). */
    flag(id, why) {
      avoid.set(id, why);
    },
  };
}
