// The operator console: plain JavaScript, no build step. Reads /console/api with an operator API key (scope
// "operator"); an app's key is refused with 403 (docs/security/scopes.md).
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const count = new Intl.NumberFormat('en');
  const keyName = 'credits-console-key';
  let key = sessionStorage.getItem(keyName);

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') node.className = v; else node.setAttribute(k, v === true ? '' : v);
    }
    node.append(...children.filter(c => c !== null && c !== undefined).map(c => typeof c === 'number' ? String(c) : c));
    return node;
  }
  const time = iso => iso ? new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' }) : '–';
  const num = v => v === null || v === undefined ? '–' : count.format(v);
  const empty = (cols, text) => el('tr', {}, el('td', { colspan: String(cols) }, text));

  async function api(path) {
    const response = await fetch('/console/api' + path, { headers: { 'Authorization': 'Bearer ' + key, 'Accept': 'application/json' } });
    if (!response.ok) {
      let problem;
      try { problem = await response.json(); } catch { problem = { title: response.statusText }; }
      const error = new Error(problem.detail || problem.title);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function showProblem(text) {
    const box = $('problem');
    box.textContent = text;
    box.hidden = !text;
  }

  // The customers answer first and prove the key; the other sections fill in as their answers arrive
  // (the dead letters need a connection to RabbitMQ and may take longer).
  async function load() {
    $('loaded').textContent = 'Loading…';
    try {
      const customers = await api('/customers?search=' + encodeURIComponent($('search').value.trim()));
      showProblem('');
      $('sign-in').hidden = true;
      $('console').hidden = false;
      $('sections').hidden = false;
      $('signed-in').textContent = 'Signed in with an operator key';
      renderCustomers(customers);
    } catch (e) {
      $('loaded').textContent = '';
      if (e.status === 401 || e.status === 403) {
        signOut();
        showProblem((e.status === 403 ? 'This key may not open the console (it needs the operator scope): ' : 'The API key was refused: ') + e.message);
      } else {
        showProblem('Could not load the console: ' + e.message);
      }
      return;
    }
    const sections = [
      api('/sagas').then(renderSagas, e => failed('sagas', 6, e)),
      api('/reconciliation').then(renderDifferences, e => failed('differences', 6, e)),
      api('/dead-letters').then(renderDeadLetters, e => $('dead-letters').replaceChildren(el('p', { class: 'status-failed' }, 'Could not load: ' + e.message))),
    ];
    await Promise.all(sections);
    $('loaded').textContent = 'Loaded ' + time(new Date().toISOString());
  }

  function failed(tbody, cols, e) {
    $(tbody).replaceChildren(empty(cols, 'Could not load: ' + e.message));
  }

  function renderCustomers(customers) {
    $('customers').replaceChildren(...(customers.length ? customers.map(c => el('tr', { 'data-customer': c.customerId },
      el('th', { scope: 'row' }, c.customerId, c.name ? el('div', { class: 'muted' }, c.name) : null),
      el('td', {}, c.planId || '–', c.planChangeInFlight ? el('div', { class: 'status-in-flight' }, 'change in flight') : null),
      el('td', { class: 'num' }, num(c.available)),
      el('td', { class: 'num' }, num(c.held)),
      el('td', { class: 'num' }, num(c.overageThisPeriod)),
      el('td', {}, time(c.periodEnd)),
      el('td', {}, [c.lifecycleState, c.subscriptionStatus].filter(Boolean).join(' · ') || 'no subscription',
        c.stripeCustomerId ? el('div', { class: 'muted' }, c.stripeCustomerId) : null))) : [empty(7, 'No customers.')]));
  }

  function renderSagas(sagas) {
    $('sagas').replaceChildren(...(sagas.length ? sagas.map(s => el('tr', { 'data-saga': s.id, 'data-status': s.status },
      el('td', {}, s.saga, el('div', { class: 'muted' }, s.id)),
      el('td', {}, s.customerId),
      el('td', {}, s.description),
      el('td', {}, el('span', { class: 'badge status-' + s.status }, s.state)),
      el('td', {}, s.error ? el('p', { class: 'status-failed' }, s.error) : null,
        s.steps.length ? el('details', {}, el('summary', {}, `${s.steps.length} steps`), el('ol', { class: 'steps' }, ...s.steps.map(x => el('li', {}, x)))) : null),
      el('td', {}, time(s.updatedAt)))) : [empty(6, 'Nothing in flight, nothing failed.')]));
  }

  function renderDifferences(differences) {
    $('differences').replaceChildren(...(differences.length ? differences.map(d => el('tr', {},
      el('td', {}, time(d.foundAt)), el('td', {}, d.customerId), el('td', {}, d.kind),
      el('td', {}, d.expected), el('td', {}, d.actual), el('td', {}, d.correction))) : [empty(6, 'No differences found.')]));
  }

  function renderDeadLetters(report) {
    $('dead-letters').replaceChildren(...report.queues.map(q => {
      const heading = el('h3', {}, `${q.queue} `, el('span', { class: 'muted' }, q.depth === null ? '' : `(${count.format(q.depth)} messages)`));
      if (q.error) return el('div', {}, heading, el('p', { class: 'status-failed' }, q.error));
      const rows = q.messages.flatMap(m => (m.usage.length ? m.usage : [{ eventId: null, customerId: null, credits: null }]).map(u => el('tr', { 'data-dead-letter': m.messageId || '' },
        el('td', {}, u.eventId || '–'), el('td', {}, u.customerId || '–'), el('td', { class: 'num' }, num(u.credits)),
        el('td', {}, m.reason || '(no reason given)', m.exceptionType ? el('div', { class: 'muted' }, m.exceptionType) : null),
        el('td', {}, m.messageType || '–', el('details', {}, el('summary', {}, 'message'), el('pre', {}, m.body))),
        el('td', {}, time(m.faultedAt)))));
      return el('div', { 'data-queue': q.queue }, heading, el('table', {},
        el('caption', { class: 'visually-hidden' }, 'Dead letters in ' + q.queue),
        el('thead', {}, el('tr', {}, ...['Event', 'Customer', 'Credits', 'Reason', 'Message', 'When'].map(h => el('th', { scope: 'col', class: h === 'Credits' ? 'num' : null }, h)))),
        el('tbody', {}, ...(rows.length ? rows : [empty(6, 'Empty.')]))));
    }));
  }

  function signOut() {
    key = null;
    sessionStorage.removeItem(keyName);
    $('console').hidden = true;
    $('sections').hidden = true;
    $('sign-in').hidden = false;
    $('signed-in').textContent = '';
    $('api-key').focus();
  }

  $('key-form').addEventListener('submit', e => {
    e.preventDefault();
    key = $('api-key').value.trim();
    $('api-key').value = '';
    sessionStorage.setItem(keyName, key);
    load();
  });
  $('search-form').addEventListener('submit', e => { e.preventDefault(); load(); });
  $('refresh').addEventListener('click', load);
  $('sign-out').addEventListener('click', signOut);
  if (key) load();
})();
