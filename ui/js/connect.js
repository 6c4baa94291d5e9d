// Step 1, Connect: the site, email and token form, the connection check and saved connections.

import * as api from './api.js';
import { $, busy, h, setError } from './dom.js';
import { errorSlot } from './model/flow.js';

export function initConnect(app) {
  const site = $('#site');
  const email = $('#email');
  const token = $('#token');
  const remember = $('#remember');
  const check = $('#check-connection');
  const whoami = $('#whoami');
  const adminsNote = $('#site-admins-note');
  // Rust's warning when the account is not in the site's site-admins group (null otherwise).
  const standing = $('#admin-standing-warning');
  const slots = { site: $('#site-error'), email: $('#email-error'), token: $('#token-error') };
  const general = $('#connect-error');
  let saved = [];
  // After a resume was refused for want of a connection: offer it again once connected.
  let afterConnect = null;

  const clearErrors = () => {
    for (const el of [...Object.values(slots), general]) setError(el, null);
    for (const input of [site, email, token]) input.removeAttribute('aria-invalid');
  };

  const showError = (err) => {
    const slot = errorSlot(err, slots, general);
    setError(slot, err);
    const input = { site, email, token }[err?.field];
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  };

  // The form's submit is Enter in any field: checking the connection changes nothing.
  $('#connect-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    if (check.disabled) return;
    // Any attempt, good or not, ends the connection in Rust and voids its plans: the page drops
    // its own too, so a failed check leaves no "Connected to …" and every later step locked.
    app.voidPlans();
    dropConnection();
    await busy(check, async () => {
      try {
        const conn = await api.connect({
          site: site.value.trim(),
          email: email.value.trim(),
          // Empty means "the token saved for this site and email" (or the practice site's).
          token: token.value === '' ? null : token.value,
          remember: remember.checked,
        });
        app.connection = conn;
        token.value = '';
        site.value = conn.site;
        email.value = conn.email;
        showWhoami();
        showSiteAdmins(conn.siteAdmins);
        showStanding(conn.adminWarning);
        if (conn.warning) setError(general, { message: conn.warning });
        // Moves the "you" lock and the live site-admins locks in an export already open.
        app.list?.setConnection(conn.accountId, conn.siteAdmins?.ids ?? []);
        // Next opens with the "Connected to" line, not after the saved list is read again.
        app.refresh();
        await loadSaved();
        if (afterConnect) {
          const next = afterConnect;
          afterConnect = null;
          next();
        }
      } catch (err) {
        showError(err);
      }
    });
    refresh();
  });

  // No connection: nothing says "Connected", the later steps lock (app.refresh), and an export
  // already open loses its "you" and live-admin marks until the next good check.
  function dropConnection() {
    app.connection = null;
    whoami.textContent = '';
    whoami.hidden = true;
    showSiteAdmins(null);
    showStanding(null);
    app.list?.setConnection(null, []);
    app.refresh();
  }

  // Who the connection signs in as, and whether its token is in the keychain (as Rust says).
  function showWhoami() {
    const conn = app.connection;
    if (!conn) return;
    whoami.textContent = `Connected to ${conn.host} as ${conn.displayName} (${conn.email}).` +
      (conn.tokenSaved ? ' The token is saved on this computer.' : '');
    whoami.hidden = false;
  }

  // One sentence from Rust on the site's site-admins group; a warning when it could not be read.
  function showSiteAdmins(sa) {
    adminsNote.textContent = sa?.note ?? '';
    adminsNote.hidden = !adminsNote.textContent;
    adminsNote.classList.toggle('warning', sa?.checked === false);
  }

  // Said at the check, before anything runs: removals will probably be refused (HTTP 403).
  function showStanding(warning) {
    standing.textContent = warning ?? '';
    standing.hidden = !warning;
  }

  $('#connect-next').addEventListener('click', () => app.go('choose'));
  $('#token-page-link').addEventListener('click', async () => {
    try {
      await api.openTokenPage();
    } catch (err) {
      showError(err);
    }
  });

  const list = $('#saved-connections');
  list.addEventListener('click', async (e) => {
    const li = e.target.closest('li[data-site]');
    if (!li) return;
    if (e.target.closest('button.use')) {
      site.value = li.dataset.site;
      email.value = li.dataset.email;
      token.value = ''; // null token → the keychain's
      clearErrors();
      check.focus();
    } else if (e.target.closest('button.forget')) {
      try {
        await api.forgetConnection({ site: li.dataset.site, email: li.dataset.email });
        // Forgetting the connection in use: its token is no longer saved, so stop saying it is.
        const conn = app.connection;
        if (conn && conn.site === li.dataset.site && conn.email.toLowerCase() === li.dataset.email.toLowerCase()) {
          conn.tokenSaved = false;
          showWhoami();
        }
        await loadSaved();
      } catch (err) {
        setError(general, err);
      }
    }
  });

  async function loadSaved() {
    let all = [];
    try {
      all = (await api.savedConnections()) ?? [];
    } catch (err) {
      setError(general, err);
    }
    // Saved organizations are listed beside the sites, by org-connect.js.
    saved = all.filter((c) => c.kind !== 'org');
    app.steps.orgConnect?.showSaved(all);
    list.replaceChildren(...saved.map((c) => h('li', { 'data-site': c.site, 'data-email': c.email },
      h('span', { class: 'who' }, h('strong', { text: c.site.replace(/^https?:\/\//, '') }), ` ${c.email}`,
        c.hasToken ? null : h('span', { class: 'hint', text: ' (no token saved)' })),
      h('span', { class: 'row-actions' },
        h('button', { type: 'button', class: 'use', text: 'Use', 'aria-label': `Use ${c.email} on ${c.site}` }),
        h('button', { type: 'button', class: 'forget', text: 'Forget', 'aria-label': `Forget ${c.email} on ${c.site}` })))));
    $('#saved-empty').hidden = all.length > 0;
  }

  function refresh() {
    $('#connect-next').disabled = !app.connection;
  }

  return {
    refresh,
    showError,
    dropConnection,
    loadSaved,
    /** Fills the form at start-up: practice mode brings its own site and email. */
    async load() {
      const p = app.info?.practice;
      if (p) {
        site.value = p.site;
        email.value = p.email;
      }
      await loadSaved();
      if (!p && saved.length === 1) {
        site.value = saved[0].site;
        email.value = saved[0].email;
      }
    },
    enter() {
      if (!site.value) site.focus();
    },
    /** Asks the admin to connect to `siteUrl` as `mail` first, then calls `then`. */
    needConnection(siteUrl, mail, message, then) {
      app.steps.orgConnect?.setMode('site');
      site.value = siteUrl ?? site.value;
      const match = saved.find((c) => c.site === siteUrl);
      email.value = mail || match?.email || email.value;
      afterConnect = then;
      clearErrors();
      setError(general, { message });
      app.go('connect');
      (email.value ? check : email).focus();
    },
  };
}
