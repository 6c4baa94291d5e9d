// Step 1 in organization mode: the "Site | Organization" choice, the org id and API key form,
// the check, the directory picker and the saved organizations. The key is write-only: the
// field is never filled back; the page only learns whether the keychain holds one.

import * as api from './api.js';
import { $, busy, h, setError } from './dom.js';
import { errorSlot } from './model/flow.js';
import { parseOrgId } from './model/org-words.js';

export function initOrgConnect(app) {
  const form = $('#org-form');
  const orgId = $('#org-id');
  const key = $('#org-key');
  const saveKey = $('#org-save-key');
  const check = $('#org-check');
  const connected = $('#org-connected');
  const dirBox = $('#org-directory-box');
  const dirSelect = $('#org-directory');
  const warning = $('#org-warning');
  const keySaved = $('#org-key-saved');
  const general = $('#org-error');
  // Rust names the control an error belongs next to (`field`: "org", "org-key").
  const slots = { org: $('#org-id-error'), 'org-key': $('#org-key-error'), api: $('#org-api-error') };
  const apiUrl = $('#org-api');
  let saved = []; // saved organizations
  let afterConnect = null; // what to do once connected (a resume or a restore asked for it)
  let keyTicket = 0;

  const clearErrors = () => {
    for (const el of [...Object.values(slots), general]) setError(el, null);
    for (const input of [orgId, key, apiUrl]) input.removeAttribute('aria-invalid');
  };

  function showError(err) {
    setError(errorSlot(err, slots, general), err);
    const input = { org: orgId, 'org-key': key, api: apiUrl }[err?.field];
    if (input === apiUrl) $('#org-api-box').open = true;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  /** Switches between site and organization mode; each keeps its own list, none its connection. */
  function setMode(mode) {
    for (const r of document.querySelectorAll('input[name="connect-mode"]')) r.checked = r.value === mode;
    if (mode === app.mode) return;
    if (app.mode === 'site') app.steps.connect.dropConnection();
    app.lists[app.mode] = app.list;
    app.mode = mode;
    document.body.classList.toggle('org-mode', mode === 'org');
    app.connection = null;
    app.list = app.lists[mode] ?? null;
    app.orgFromRun = null;
    dropOrg();
    app.voidPlans();
    app.steps.choose.modeChanged();
    app.refresh();
  }
  for (const r of document.querySelectorAll('input[name="connect-mode"]')) {
    r.addEventListener('change', () => r.checked && setMode(r.value));
  }

  // No organization connection: nothing says "Connected", no directory is offered.
  function dropOrg() {
    connected.textContent = '';
    connected.hidden = true;
    dirBox.hidden = true;
    dirSelect.replaceChildren();
    warning.textContent = '';
    warning.hidden = true;
  }

  // Loaded people belong to one directory of one organization: another check drops them.
  function dropOrgList() {
    app.lists.org = null;
    if (app.mode === 'org') app.list = null;
    app.orgFromRun = null;
    app.steps.choose.modeChanged();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    if (check.disabled) return;
    // Any attempt ends the connection in Rust and voids its plans: the page drops its own.
    app.voidPlans();
    app.connection = null;
    dropOrg();
    dropOrgList();
    app.refresh();
    await busy(check, async () => {
      try {
        const id = parseOrgId(orgId.value);
        orgId.value = id;
        const conn = await api.orgConnect({
          org: id, key: key.value === '' ? null : key.value, saveKey: saveKey.checked, apiUrl: apiUrl.value.trim() || null,
        });
        key.value = '';
        orgId.value = conn.orgId ?? id;
        accept(conn);
        await app.steps.connect.loadSaved();
        await showKeySaved();
        connectedThen();
      } catch (err) {
        showError(err);
      }
    });
    app.refresh();
  });

  // A resume or a restore waited for the connection (with its directory): go on with it now.
  function connectedThen() {
    if (!afterConnect || !app.connection) return;
    const next = afterConnect;
    afterConnect = null;
    next();
  }

  // Shows a checked organization; it counts as connected once a directory is chosen.
  function accept(conn) {
    const dirs = conn.directories ?? [];
    const dir = dirs.find((d) => d.id === conn.directoryId);
    // Rust's line names the organization and its directories ("Connected to the organization …").
    const names = dirs.map((d) => d.name).join(', ');
    connected.textContent = (conn.words || `Connected to ${conn.orgName} (${names}).`) +
      (conn.keySaved ? ' The key is saved in the keychain.' : '');
    connected.hidden = false;
    connected.dataset.orgId = conn.orgId ?? '';
    dirBox.hidden = dirs.length < 2;
    if (dirs.length >= 2) {
      const options = [h('option', { value: '', text: 'Choose a directory…' }),
        ...dirs.map((d) => h('option', { value: d.id, text: d.name || d.id }))];
      dirSelect.replaceChildren(...options);
      dirSelect.value = conn.directoryId ?? '';
    }
    warning.textContent = conn.warning ?? (conn.keyHasScopes ? 'This key was made with scopes: it can read the directory but cannot suspend, restore or remove anyone. Make a key without scopes.' : '');
    warning.hidden = !warning.textContent;
    app.connection = conn.directoryId ? { ...conn, kind: 'org', directoryName: dir?.name ?? '' } : null;
    if (!conn.directoryId && dirs.length >= 2) dirSelect.focus();
    app.refresh();
  }

  dirSelect.addEventListener('change', async () => {
    const id = dirSelect.value;
    clearErrors();
    app.voidPlans();
    app.connection = null;
    dropOrgList();
    app.refresh();
    if (!id) return;
    try {
      accept(await api.orgChooseDirectory(id));
      connectedThen();
    } catch (err) {
      showError(err);
    }
  });

  // Whether the keychain holds a key for the org id in the field (never the key itself).
  async function showKeySaved() {
    const t = ++keyTicket;
    const id = parseOrgId(orgId.value);
    let has = false;
    if (id && !app.info?.practice) {
      try {
        has = !!(await api.orgKeySaved(id));
      } catch {
        has = false;
      }
    }
    if (t !== keyTicket) return;
    keySaved.hidden = !has;
  }
  orgId.addEventListener('change', showKeySaved);

  const list = $('#saved-orgs');
  list.addEventListener('click', async (e) => {
    const li = e.target.closest('li[data-org-id]');
    if (!li) return;
    if (e.target.closest('button.use')) {
      setMode('org');
      useSaved(saved.find((c) => c.orgId === li.dataset.orgId));
      key.value = ''; // null key → the keychain's
      clearErrors();
      await showKeySaved();
      check.focus();
    } else if (e.target.closest('button.forget')) {
      try {
        await api.forgetOrg(li.dataset.orgId);
        await app.steps.connect.loadSaved();
        await showKeySaved();
      } catch (err) {
        setError(general, err);
      }
    }
  });

  // Fills the form from a saved organization: its id, and its API address unless Atlassian's.
  function useSaved(c) {
    if (!c) return;
    orgId.value = c.orgId;
    const address = (c.site ?? '').replace(/\/$/, '');
    apiUrl.value = address && address !== (app.info?.orgApiDefault ?? '').replace(/\/$/, '') ? address : '';
  }

  /** Lists the saved organizations of `all` (`saved_connections`, both kinds). */
  function showSaved(all) {
    saved = (all ?? []).filter((c) => c.kind === 'org');
    list.replaceChildren(...saved.map((c) => {
      const name = c.orgName || c.orgId;
      return h('li', { 'data-org-id': c.orgId },
        h('span', { class: 'who' }, h('strong', { text: name }), ` ${c.orgId}`,
          c.hasToken === false ? h('span', { class: 'hint', text: ' (no key saved)' }) : null),
        h('span', { class: 'row-actions' },
          h('button', { type: 'button', class: 'use', text: 'Use', 'aria-label': `Use the organization ${name}` }),
          h('button', { type: 'button', class: 'forget', text: 'Forget', 'aria-label': `Forget the key of ${name}` })));
    }));
    $('#h-saved-orgs').hidden = saved.length === 0;
    $('#h-saved-sites').hidden = saved.length === 0 || (all ?? []).length === saved.length;
  }

  return {
    setMode,
    showSaved,
    showError,
    /** Practice mode brings its organization; else a single saved organization is offered. */
    load() {
      const p = app.info?.practice;
      apiUrl.placeholder = app.info?.orgApiDefault || apiUrl.placeholder;
      if (p?.orgId) orgId.value = p.orgId;
      else if (saved.length === 1) useSaved(saved[0]);
      if (p) $('#org-key-hint').textContent = 'In practice mode the practice organization’s own key is used: leave the field empty.';
      showKeySaved();
    },
    /** Asks the admin to connect to the organization named `orgName` first, then calls `then`. */
    needConnection(orgName, message, then) {
      setMode('org');
      const match = saved.find((c) => c.orgName === orgName);
      if (app.info?.practice?.orgId) orgId.value = app.info.practice.orgId;
      else useSaved(match);
      afterConnect = then;
      clearErrors();
      setError(general, { message });
      app.go('connect');
      check.focus();
    },
    /** The organization connected now (its name), or null. */
    connectedOrg: () => (app.mode === 'org' && app.connection ? app.connection.orgName : null),
  };
}
