// Organization mode's user list: the site mode `UserList` (selection, counts, unlocks) over the
// org roster and the org filters. Its locks come from the directory, not from the connection,
// so a new connection never moves them (`setLocks: null`).

import { UserList } from './userlist.js';
import { buildOrgRoster } from './org-roster.js';
import { compileOrg, emptyOrgFilters } from './org-filter.js';

/** The list kind `UserList` takes for organization mode. */
export const ORG_KIND = { name: 'org', build: buildOrgRoster, compile: compileOrg, emptyFilters: emptyOrgFilters, setLocks: null };

/** A list of `OrgUsers.users` (columns). */
export function orgUserList(users) {
  return new UserList(users, null, [], ORG_KIND);
}

/** Is this list organization mode's? */
export const isOrgList = (list) => list?.kind?.name === 'org';
