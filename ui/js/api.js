// The only module that talks to Rust (docs/window-contract.md). Every command is one function
// here; everything else in the page calls these, so the rest never touches window.__TAURI__.

import { toError } from './model/flow.js';

const tauri = () => {
  const t = window.__TAURI__;
  if (!t?.core?.invoke) throw { kind: 'internal', message: 'This page must run inside the Offboard window.', field: null };
  return t;
};

// Rejections come back as `{kind, message, field}`; anything else (a missing command, a
// thrown TypeError) is turned into the same shape so the page has one way to show errors.
async function call(cmd, args) {
  try {
    return await tauri().core.invoke(cmd, args);
  } catch (e) {
    throw toError(e);
  }
}

const snakeToCamel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

// Run events are small; the contract names their fields in camelCase, and this keeps the page
// working should a field ever arrive in Rust's snake_case.
function camelize(v) {
  if (Array.isArray(v)) return v.map(camelize);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[snakeToCamel(k)] = camelize(x);
    return out;
  }
  return v;
}

// A run's decided rows come gathered (`rows`, a few times a second: each message costs the
// web view memory it keeps); the page takes them one `row` at a time, in order.
export function unbatch(ev, onEvent) {
  if (ev?.type === 'rows') {
    for (const r of ev.rows ?? []) onEvent({ type: 'row', ...r });
  } else {
    onEvent(ev);
  }
}

function channel(onEvent) {
  const ch = new (tauri().core.Channel)();
  ch.onmessage = (ev) => unbatch(camelize(ev), onEvent);
  return ch;
}

export const appInfo = () => call('app_info');
export const aboutRecords = () => call('about_records');
export const savedConnections = () => call('saved_connections');
export const connect = ({ site, email, token, remember }) => call('connect', { site, email, token, remember });
export const forgetConnection = ({ site, email }) => call('forget_connection', { site, email });
export const tokenSaved = ({ site, email }) => call('token_saved', { site, email });
export const openTokenPage = () => call('open_token_page');
export const chooseExport = () => call('choose_export');
export const importExport = (path) => call('import_export', { path });
// Plans and their phrases are Rust's: the page sends the selection and the per-row unlocks and
// shows the `Plan` that comes back; a run or rehearsal names that plan and the typed phrase.
export const preparePlan = (selection, unlocked) => call('prepare_plan', { selection, unlocked });
export const prepareRehearsal = (accountId, unlocked) => call('prepare_rehearsal', { accountId, unlocked });
/** The dry run of plan `planId`; `onProgress({ lookedUp, toLookUp })` as it goes (often). */
export const preflight = (planId, onProgress = () => {}) =>
  call('preflight', { planId, onProgress: channel(onProgress) });
/** Stops the dry run in progress; its `preflight` then rejects with kind `cancelled`. */
export const cancelPreflight = () => call('cancel_preflight');
// `heldRows` ({ count, check } or null): the rows the page holds for the run; Rust sends the
// run's rows in `RunStarted.rows` only when these are not they.
export const rehearse = ({ planId, phrase, heldRows = null, onEvent }) =>
  call('rehearse', { planId, phrase, heldRows, onEvent: channel(onEvent) });
export const startRun = ({ planId, phrase, pace, heldRows = null, onEvent }) =>
  call('start_run', { planId, phrase, pace, heldRows, onEvent: channel(onEvent) });
export const pauseRun = () => call('pause_run');
export const resumeRun = () => call('resume_run');
export const stopRun = () => call('stop_run');
export const listRuns = () => call('list_runs');
export const continueRun = (runId, onEvent, heldRows = null) => call('continue_run', { runId, heldRows, onEvent: channel(onEvent) });
/** Sends a finished run's failed rows again (and its untried ones), in the same run. */
export const retryRun = (runId, onEvent, heldRows = null) => call('retry_run', { runId, heldRows, onEvent: channel(onEvent) });
export const exportResults = (runId) => call('export_results', { runId });

// Organization mode (DESIGN.md §6). Answers are camelCase like every other command; `camelize`
// keeps the page working should a field ever arrive in snake_case. No command returns the key.
const orgCall = async (cmd, args) => camelize(await call(cmd, args));
/** Checks an organization: `org` is the id; `key` null means the saved (or practice) key. */
export const orgConnect = ({ org, key, saveKey, apiUrl = null }) => orgCall('org_connect', { api: apiUrl, org, key, saveKey });
export const orgChooseDirectory = (directoryId) => orgCall('org_choose_directory', { directoryId });
export const orgKeySaved = (org) => call('org_key_saved', { org });
export const forgetOrg = (orgId) => call('forget_org', { orgId });
// Users come as columns (100,000 people): walking them to camelize would cost more than the
// rest of the page's work, and Rust names their fields in camelCase already.
export const orgLoadUsers = () => call('org_load_users');
export const orgCancelLoad = () => call('org_cancel_load');
/** The native open dialog, then the export matched to the directory (`null` when cancelled). */
export const orgChooseExport = () => call('org_choose_export');
export const orgImportExport = (path) => call('org_import_export', { path });
export const orgPrepare = ({ action, ids, unlocked, unlockAdmins = false, fromRun = null }) =>
  orgCall('org_prepare', { action, ids, unlocked, unlockAdmins, fromRun });
export const orgPreflight = (planId) => orgCall('org_preflight', { planId });

/** `handler({ loaded, pages })` after each page `org_load_users` reads. */
export async function onOrgLoad(handler) {
  const ev = window.__TAURI__?.event;
  if (!ev?.listen) return;
  await ev.listen('org-load', (e) => handler(camelize(e.payload ?? {})));
}

/**
 * Tauri's file drag-and-drop over the window. The webview gets no DOM drop events with paths,
 * so these come from Tauri's own events. Handlers: enter(), leave(), drop(paths).
 */
export async function onFileDrop({ enter, leave, drop }) {
  const ev = window.__TAURI__?.event;
  if (!ev?.listen) return;
  await ev.listen('tauri://drag-enter', () => enter());
  await ev.listen('tauri://drag-leave', () => leave());
  await ev.listen('tauri://drag-drop', (e) => drop(e.payload?.paths ?? []));
}
