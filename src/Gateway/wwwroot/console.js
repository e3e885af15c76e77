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

  // GET by default; { method, body, idempotencyKey } for an action. The response, or an Error with the problem's detail.
  async function send(path, { method = 'GET', body, idempotencyKey, accept = 'application/json' } = {}) {
    const headers = { 'Authorization': 'Bearer ' + key, 'Accept': accept };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    const response = await fetch('/console/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      let problem;
      try { problem = await response.json(); } catch { problem = { title: response.statusText }; }
      const error = new Error(problem.detail || problem.title);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  const api = async (path, options) => (await send(path, options)).json();

  // The key travels in a header, so a file is fetched and handed to the browser as a download of its own.
  async function download(path, name) {
    const blob = await (await send(path, { accept: 'application/gzip' })).blob();
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
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
      api('/dead-letters').then(renderDeadLetters, e => $('dead-letters').replaceChildren(el('p', { class: 'status-failed' }, 'Could not load: ' + e.message))),
      loadAudit(),
      loadOperatorLog(),
    ];
    if (openCustomerId) sections.push(openCustomer(openCustomerId, { focus: false }));
    await Promise.all(sections);
    $('loaded').textContent = 'Loaded ' + time(new Date().toISOString());
    document.dispatchEvent(new CustomEvent('credits-console:loaded'));
  }

  function failed(tbody, cols, e) {
    $(tbody).replaceChildren(empty(cols, 'Could not load: ' + e.message));
  }

  function renderCustomers(customers) {
    $('customers').replaceChildren(...(customers.length ? customers.map(c => el('tr', { 'data-customer': c.customerId },
      el('th', { scope: 'row' }, el('button', { type: 'button', class: 'secondary', 'data-open-customer': c.customerId }, c.customerId),
        c.name ? el('div', { class: 'muted' }, c.name) : null),
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

  // ---- Operator actions: each sends the operator's name and a reason, and is written to the operator log. ----

  const operatorKey = 'credits-console-operator';
  let openCustomerId = null;
  let nextBefore = null;

  function requireOperator() {
    const name = $('operator-name').value.trim();
    if (!name) {
      $('operator-name').focus();
      throw new Error('Type your name first: every action is recorded with it.');
    }
    sessionStorage.setItem(operatorKey, name);
    return name;
  }

  // An Idempotency-Key per attempt at an action, kept until it succeeds: a resubmit after a lost answer is the same action.
  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return 'console-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  }

  function showResult(text) {
    const box = $('action-result');
    box.textContent = text;
    box.hidden = !text;
  }

  // Runs one action: problems are shown in the alert box, the outcome in the status line.
  async function act(describe, action) {
    showProblem('');
    showResult('');
    try {
      const result = await action();
      showResult(describe(result));
      return result;
    } catch (e) {
      showProblem(e.message);
      return null;
    }
  }

  const shortJson = text => { try { return JSON.stringify(JSON.parse(text)); } catch { return text; } };
  const actionRow = (a, withCustomer) => el('tr', { 'data-operator-action': a.id },
    el('td', {}, time(a.at)), el('td', {}, a.action), el('td', {}, a.actor),
    withCustomer ? el('td', {}, a.customerId || '–') : null,
    el('td', {}, a.reason),
    el('td', {}, el('details', {}, el('summary', {}, a.subject ? 'on ' + a.subject : 'details'), el('pre', {}, shortJson(a.details)))));

  async function openCustomer(id, { focus = true } = {}) {
    openCustomerId = id;
    let page;
    try {
      page = await api('/customers/' + encodeURIComponent(id) + '?limit=50');
    } catch (e) {
      showProblem('Could not open customer ' + id + ': ' + e.message);
      return;
    }
    renderCustomer(page);
    $('customer-section').hidden = false;
    if (focus) $('customer-heading').focus();
    document.dispatchEvent(new CustomEvent('credits-console:customer', { detail: page }));
  }

  function closeCustomer() {
    openCustomerId = null;
    $('customer-section').hidden = true;
    $('customers-heading').scrollIntoView();
  }

  function renderCustomer(p) {
    $('customer-section').setAttribute('data-customer-page', p.customerId);
    $('customer-heading').textContent = 'Customer ' + p.customerId;
    const b = p.balance;
    const facts = [
      ['Name', [p.name, p.email].filter(Boolean).join(' · ') || '–'],
      ['Plan', p.planId || '–'],
      ['Lifecycle', p.lifecycleState || 'no lifecycle saga'],
      ['Available', b ? num(b.available) : 'no credit account'],
      ['Held', b ? num(b.held) : '–'],
      ['Overage this period', b ? num(b.overageThisPeriod) : '–'],
      ['Period', b ? time(b.periodStart) + ' – ' + time(b.periodEnd) : '–'],
    ];
    $('customer-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-fact': k }, v)]));
    $('customer-grants').replaceChildren(...(p.grants.length ? p.grants.map(g => el('tr', { 'data-grant': g.id },
      el('td', {}, g.source), el('td', { class: 'num' }, num(g.remaining)), el('td', { class: 'num' }, num(g.amount)),
      el('td', {}, time(g.effectiveAt)), el('td', {}, g.expiresAt ? time(g.expiresAt) : 'never'), el('td', {}, g.idempotencyKey))) : [empty(6, 'No credits left.')]));
    renderEntries(p.entries, false);
    nextBefore = p.nextBefore;
    $('customer-more').hidden = !nextBefore;
    $('customer-sagas').replaceChildren(...(p.sagas.length ? p.sagas.map(s => el('tr', { 'data-saga': s.id, 'data-status': s.status },
      el('td', {}, s.saga, el('div', { class: 'muted' }, s.id)), el('td', {}, s.description),
      el('td', {}, el('span', { class: 'badge status-' + s.status }, s.state)),
      el('td', {}, s.error || '–'), el('td', {}, time(s.updatedAt)))) : [empty(5, 'No sagas.')]));
    const st = p.stripe;
    const ids = [['Stripe customer', st.customerId], ['Subscription', st.subscriptionId ? `${st.subscriptionId} (${st.subscriptionStatus || '?'})` : null],
      ...st.subscriptionItems.map(i => ['Subscription item', `${i.itemId} · ${i.priceId} · ${i.usageType}`]),
      ...st.purchases.map(x => ['Purchase ' + x.purchaseId, [x.state, x.checkoutSessionId, x.paymentIntentId, x.disputeId ? 'dispute ' + x.disputeId : null,
        x.amountRefunded ? 'refunded ' + num(x.amountRefunded) : null].filter(Boolean).join(' · ')]),
      ...st.invoices.map(i => ['Invoice', `${i.invoiceId} (${i.purpose})`])].filter(([, v]) => v);
    $('customer-stripe').replaceChildren(ids.length ? el('dl', { class: 'facts' }, ...ids.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]))
      : el('p', { class: 'muted' }, 'Credits holds no Stripe ids for this customer.'));
    $('customer-differences').replaceChildren(...(p.auditDifferences.length ? p.auditDifferences.map(d => el('tr', { 'data-difference': d.id },
      el('td', {}, time(d.foundAt)), el('td', {}, d.kind, el('div', { class: 'muted' }, d.subject)), el('td', {}, d.expected), el('td', {}, d.actual),
      el('td', {}, d.status))) : [empty(5, 'The audit found nothing about this customer.')]));
    $('customer-actions').replaceChildren(...(p.operatorActions.length ? p.operatorActions.map(a => actionRow(a, false)) : [empty(5, 'No operator actions.')]));
    $('customer-archive').replaceChildren(...(p.archive.length ? p.archive.map(c => archiveRow(p.customerId, c))
      : [empty(5, 'Nothing archived yet: a month is archived once it is three months old (docs/ledger-archive.md).')]));
  }

  function archiveRow(customerId, c) {
    const month = c.month.slice(0, 7);
    const name = `${customerId}-${month}-${c.firstEntryId}.csv.gz`;
    const button = el('button', { type: 'button', class: 'secondary', 'aria-label': `Download ${month}, entries ${c.firstEntryId} to ${c.lastEntryId}` }, 'Download');
    button.addEventListener('click', async () => {
      showProblem('');
      try { await download(`/customers/${encodeURIComponent(customerId)}/archive/${c.firstEntryId}`, name); }
      catch (e) { showProblem('The archived month could not be downloaded: ' + e.message); }
    });
    return el('tr', { 'data-chunk': c.firstEntryId },
      el('td', {}, month), el('td', { class: 'num' }, num(c.entries)), el('td', {}, `${c.firstEntryId}–${c.lastEntryId}`),
      el('td', {}, time(c.verifiedAt), c.difference ? el('div', { class: 'status-failed' }, 'Differs: ' + c.difference) : null),
      el('td', {}, button));
  }

  function renderEntries(entries, append) {
    const rows = entries.map(e => el('tr', { 'data-entry': e.id, 'data-kind': e.kind },
      el('td', {}, String(e.id)), el('td', {}, e.kind), el('td', { class: 'num' }, num(e.amount)), el('td', { class: 'num' }, num(e.quantity)),
      el('td', {}, time(e.occurredAt)), el('td', {}, e.idempotencyKey, e.note ? el('div', { class: 'muted' }, e.note) : null)));
    if (append) $('customer-entries').append(...rows);
    else $('customer-entries').replaceChildren(...(rows.length ? rows : [empty(6, 'No entries.')]));
  }

  async function moreEntries() {
    if (!openCustomerId || !nextBefore) return;
    try {
      const page = await api('/customers/' + encodeURIComponent(openCustomerId) + '?limit=50&before=' + nextBefore);
      renderEntries(page.entries, true);
      nextBefore = page.nextBefore;
      $('customer-more').hidden = !nextBefore;
    } catch (e) {
      showProblem('Could not load older entries: ' + e.message);
    }
  }

  // Grant and revoke: one key per form until the action succeeds.
  const formKeys = {};
  function wireAdjustment(form, path, read, describe) {
    formKeys[form] = newKey();
    $(form).addEventListener('submit', async e => {
      e.preventDefault();
      const customer = openCustomerId;
      const done = await act(describe, async () => {
        const body = { ...read(), operator: requireOperator() };
        return api('/customers/' + encodeURIComponent(customer) + path, { method: 'POST', body, idempotencyKey: formKeys[form] });
      });
      if (!done) return;
      formKeys[form] = newKey();
      $(form).reset();
      await Promise.all([openCustomer(customer, { focus: false }), loadOperatorLog(),
        api('/customers?search=' + encodeURIComponent($('search').value.trim())).then(renderCustomers, () => {})]);
    });
  }

  async function loadAudit() {
    const status = $('audit-status').value;
    await Promise.all([
      api('/audit/runs?limit=20').then(renderRuns, e => failed('audit-runs', 8, e)),
      api('/audit/differences' + (status ? '?status=' + encodeURIComponent(status) : '')).then(renderAuditDifferences, e => failed('audit-differences', 7, e)),
    ]);
  }

  function renderRuns(runs) {
    $('audit-runs').replaceChildren(...(runs.length ? runs.map(r => el('tr', { 'data-run': r.id, 'data-status': r.status },
      el('td', {}, time(r.requestedAt)), el('td', {}, r.requestedBy), el('td', {}, time(r.windowStart) + ' – ' + time(r.windowEnd)),
      el('td', {}, el('span', { class: 'badge status-' + (r.status === 'failed' ? 'failed' : r.status === 'completed' ? 'completed' : 'in-flight') }, r.status),
        r.error ? el('div', { class: 'status-failed' }, r.error) : null),
      el('td', { class: 'num' }, num(r.found)), el('td', { class: 'num' }, num(r.new)), el('td', { class: 'num' }, num(r.repaired)),
      el('td', { class: 'num' }, num(r.cleared)))) : [empty(8, 'The audit has not run yet.')]));
  }

  function renderAuditDifferences(differences) {
    $('audit-differences').replaceChildren(...(differences.length ? differences.map(d => el('tr', { 'data-difference': d.id, 'data-status': d.status },
      el('td', {}, time(d.foundAt)),
      el('td', {}, el('button', { type: 'button', class: 'secondary', 'data-open-customer': d.customerId }, d.customerId)),
      el('td', {}, d.kind, el('div', { class: 'muted' }, d.subject), el('details', {}, el('summary', {}, 'evidence'), el('pre', {}, shortJson(d.evidence)))),
      el('td', {}, d.expected), el('td', {}, d.actual),
      el('td', {}, el('span', { class: 'badge status-' + (d.status === 'open' || d.status === 'repair_failed' ? 'failed' : 'completed') }, d.status),
        d.repair ? el('div', { class: 'muted' }, d.repair) : null,
        d.resolvedBy ? el('div', { class: 'muted' }, `resolved by ${d.resolvedBy}: ${d.resolution}`) : null),
      el('td', {}, d.status === 'resolved' ? '–' : resolveForm(d)))) : [empty(7, 'No differences.')]));
  }

  function resolveForm(d) {
    const id = d.id;
    const form = el('form', { 'data-resolve': id },
      el('label', { for: 'resolution-' + id }, 'What was done'),
      el('input', { type: 'text', id: 'resolution-' + id, maxlength: '1000', required: true }),
      el('label', { for: 'resolve-reason-' + id }, 'Reason'),
      el('input', { type: 'text', id: 'resolve-reason-' + id, maxlength: '1000', required: true }),
      el('p', {}, el('button', { type: 'submit' }, 'Resolve')));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const done = await act(r => `Resolved ${r.kind} ${r.subject} (${r.customerId}).`, () => api('/audit/differences/' + id + '/resolve', {
        method: 'POST', body: { resolution: $('resolution-' + id).value, reason: $('resolve-reason-' + id).value, operator: requireOperator() },
      }));
      if (done) await Promise.all([loadAudit(), loadOperatorLog(), openCustomerId ? openCustomer(openCustomerId, { focus: false }) : null]);
    });
    return el('details', {}, el('summary', {}, 'Resolve'), form);
  }

  // A run is queued for the Orchestrator: the list is refreshed until it has finished (at most a minute).
  async function runAudit(e) {
    e.preventDefault();
    const run = await act(r => `Audit run ${r.id} queued.`, () =>
      api('/audit/runs', { method: 'POST', body: { reason: $('audit-reason').value, operator: requireOperator() } }));
    if (!run) return;
    $('audit-run-form').reset();
    await loadOperatorLog();
    for (let i = 0; i < 30; i++) {
      await loadAudit();
      const row = document.querySelector(`tr[data-run='${run.id}']`);
      const status = row && row.getAttribute('data-status');
      if (status && status !== 'queued' && status !== 'running') {
        showResult(`Audit run ${run.id} ${status}.`);
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
  }

  async function loadOperatorLog() {
    try {
      const actions = await api('/operator-actions?limit=100');
      $('operator-log').replaceChildren(...(actions.length ? actions.map(a => actionRow(a, true)) : [empty(6, 'No operator actions yet.')]));
    } catch (e) {
      failed('operator-log', 6, e);
    }
  }

  function wireOperatorActions() {
    $('operator-name').value = sessionStorage.getItem(operatorKey) || '';
    document.addEventListener('click', e => {
      const button = e.target.closest('[data-open-customer]');
      if (button) openCustomer(button.getAttribute('data-open-customer'));
    });
    $('customer-close').addEventListener('click', closeCustomer);
    $('customer-more').addEventListener('click', moreEntries);
    wireAdjustment('grant-form', '/grants', () => ({
      credits: Number($('grant-credits').value), category: $('grant-category').value, reason: $('grant-reason').value,
      expiresAt: $('grant-expires').value ? new Date($('grant-expires').value).toISOString() : undefined,
    }), r => `Granted ${num(r.credits)} credits to ${r.customerId}${r.repeated ? ' (already granted under this request)' : ''}; available now ${num(r.available)}.`);
    wireAdjustment('revoke-form', '/revocations', () => ({
      credits: Number($('revoke-credits').value), category: $('revoke-category').value, reason: $('revoke-reason').value,
    }), r => `Took back ${num(r.credits)} of ${num(r.requested)} credits from ${r.customerId}; available now ${num(r.available)}.`);
    $('audit-run-form').addEventListener('submit', runAudit);
    $('audit-filter-form').addEventListener('submit', e => { e.preventDefault(); loadAudit(); });
  }

  function signOut() {
    key = null;
    openCustomerId = null;
    $('customer-section').hidden = true;
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
  wireOperatorActions();
  // For the console's other scripts (console-redrive.js): the API, the element builder and the operator's name;
  // they may listen for 'credits-console:loaded' (after every load) and 'credits-console:customer' (a customer shown).
  window.CreditsConsole = { api, el, time, num, operatorName: requireOperator, showProblem, showResult, reload: load, openCustomer };
  if (key) load();
})();
