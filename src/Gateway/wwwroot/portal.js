// The customer portal: plain JavaScript, no build step. Everything it reads or changes goes through
// /portal/api with the portal token; the token names the customer, the page never does.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const count = new Intl.NumberFormat('en');
  const tokenKey = 'credits-portal-token';
  const state = { token: null, account: null, stream: null, refreshTimer: null, pollTimer: null, refused: false, watched: new Map(),
    edited: new Set() };
  // Polls of half a second while a saga's Stripe step prepares a page: two minutes, past the step's quick retries (about
  // 30 s when Stripe keeps failing) and its first redelivery a minute later (Sagas:StepRedelivery).
  const StepWaitPolls = 240;

  class PortalError extends Error {
    constructor(problem) { super(problem.detail || problem.title || 'Request failed'); this.problem = problem; }
  }

  // The token arrives in the link; it is moved to this tab's session storage and removed from the address
  // bar, so it stays out of history and bookmarks (the page also sends no Referer).
  function takeToken() {
    const url = new URL(location.href);
    const fromLink = url.searchParams.get('token');
    if (fromLink) {
      sessionStorage.setItem(tokenKey, fromLink);
      url.searchParams.delete('token');
      history.replaceState(null, '', url.pathname + url.search + url.hash);
      return fromLink;
    }
    return sessionStorage.getItem(tokenKey);
  }

  async function problemOf(response) {
    try { return await response.json(); } catch { return { title: response.statusText, status: response.status }; }
  }

  async function api(path, options = {}) {
    const headers = { 'Authorization': 'Bearer ' + state.token, 'Accept': 'application/json', ...(options.headers || {}) };
    if (options.body) headers['Content-Type'] = 'application/json';
    const response = await fetch('/portal/api' + path, { ...options, headers });
    if (response.status === 401) {
      const problem = await problemOf(response);
      refuse(problem);
      throw new PortalError(problem);
    }
    if (!response.ok) throw new PortalError(await problemOf(response));
    return response.status === 204 ? null : response.json();
  }

  function refuse(problem) {
    if (state.refused) return;
    state.refused = true;
    if (state.stream) state.stream.close();
    clearTimeout(state.pollTimer);
    $('portal').hidden = true;
    const box = $('problem');
    box.replaceChildren(el('strong', {}, problem.title || 'Unauthorized'), el('p', {}, problem.detail || 'This portal link is not valid.'));
    box.dataset.reason = problem.reason || 'unauthorized';
    box.hidden = false;
    $('main').focus();
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') node.className = v; else node.setAttribute(k, v === true ? '' : v);
    }
    node.append(...children.filter(c => c !== null && c !== undefined));
    return node;
  }

  // crypto.randomUUID exists only in secure contexts (https, localhost); random bytes work everywhere.
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
  const money = (minor, currency, digits = 2) =>
    new Intl.NumberFormat('en', { style: 'currency', currency: (currency || 'usd').toUpperCase(), maximumFractionDigits: digits }).format(minor / 100);
  const day = iso => new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const time = iso => new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' });
  const sourceNames = { PlanAllowance: 'Plan allowance', Purchase: 'Purchased', Promotion: 'Promotion', ManualAdjustment: 'Adjustment', Rollover: 'Rolled over' };

  // ---- balance, live --------------------------------------------------------------------------

  function renderBalance(b) {
    $('available').textContent = count.format(b.available);
    $('available').dataset.value = String(b.available);
    $('held').textContent = count.format(b.held);
    // Overage is not allowed once the spending limit is reached; the plan still bills it, so it is still counted.
    const plan = state.account && state.account.plans.find(p => p.current);
    const billsOverage = b.overageAllowed || !!(plan && plan.overageAllowed);
    $('overage').textContent = billsOverage ? count.format(b.overageThisPeriod) : 'not available on this plan';
    if (plan) renderSpendCapUse(b, plan);
    $('period').textContent = `${day(b.periodStart)} – ${day(b.periodEnd)}`;
    $('as-of').textContent = time(b.asOf);
  }

  function openStream() {
    if (state.refused) return;
    const stream = new EventSource('/portal/api/balance/stream?access_token=' + encodeURIComponent(state.token));
    state.stream = stream;
    stream.addEventListener('open', () => setLive(true));
    stream.addEventListener('balance', e => {
      renderBalance(JSON.parse(e.data));
      scheduleRefresh();
    });
    stream.addEventListener('error', () => {
      setLive(false);
      if (stream.readyState === EventSource.CLOSED) {
        // Refused (e.g. the link expired) or the server went away: find out which, then try again.
        api('/account').then(() => setTimeout(openStream, 3000), () => {});
      }
    });
  }

  function setLive(on) {
    const live = $('live');
    live.className = 'live ' + (on ? 'on' : 'off');
    live.textContent = on ? 'live' : 'reconnecting';
  }

  // Grants and usage follow the balance: re-read them shortly after a change (changes in a burst coalesce).
  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(() => { loadAccount(false).catch(() => {}); loadUsage().catch(() => {}); }, 400);
  }

  // ---- account: grants, plans, packs, auto top-up ----------------------------------------------

  async function loadAccount(full) {
    const account = await api('/account');
    state.account = account;
    $('who').textContent = (account.name ? account.name + ' · ' : '') + account.customerId;
    renderBalance(account.balance);
    renderGrants(account.grants);
    if (full) {
      renderPlans(account);
      renderPacks(account);
      renderAutoTopUp(account);
      renderSpendCap(account.balance, account.plans.find(p => p.current));
    }
    $('current-plan').textContent = (account.plans.find(p => p.current) || { displayName: account.planId }).displayName;
  }

  function renderGrants(grants) {
    const rows = grants.map(g => el('tr', {},
      el('td', {}, sourceNames[g.source] || g.source),
      el('td', { class: 'num' }, count.format(g.remaining)),
      el('td', {}, g.expiresAt ? day(g.expiresAt) : 'never')));
    $('grants').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '3' }, 'No credits left.'))]));
  }

  function renderPlans(account) {
    const list = account.plans.map(p => {
      const id = 'plan-' + p.id;
      const terms = `${money(p.flatMonthlyAmount, p.currency)} a month · ${count.format(p.includedCredits)} credits`
        + (p.overageAllowed ? ` · then ${money(p.overageUnitAmount, p.currency, 4)} per extra credit` : ' · no overage');
      return el('div', { class: 'plan' },
        el('input', { type: 'radio', name: 'plan', id, value: p.id, checked: p.current, 'aria-describedby': id + '-terms' }),
        el('div', {}, el('label', { for: id }, p.displayName + (p.current ? ' (current)' : '')),
          el('span', { id: id + '-terms', class: 'muted' }, terms)));
    });
    $('plans').replaceChildren(...list);
    $('preview').hidden = true;
    $('change-plan').disabled = true;
    $('change-plan').textContent = 'Change plan';
    if (!account.canBuy) $('plans').after(el('p', { class: 'muted' }, 'Plan changes are available once your subscription is set up.'));
  }

  async function previewPlan(planId) {
    const preview = $('preview');
    $('change-plan').disabled = true;
    $('change-plan').textContent = 'Change plan';
    if (planId === state.account.planId) { preview.hidden = true; return; }
    preview.hidden = false;
    preview.replaceChildren(el('p', {}, 'Working out the change…'));
    try {
      const p = await api('/plan-changes/preview?planId=' + encodeURIComponent(planId));
      const headline = p.kind === 'upgrade'
        ? `Upgrade now: ${money(p.amountDueNow, p.currency)} due today`
        : `Downgrade at the end of this period (${day(p.effectiveAt)}): nothing due today`;
      preview.replaceChildren(el('strong', { id: 'preview-headline' }, headline), el('ul', {}, ...p.summary.map(s => el('li', {}, s))));
      preview.dataset.kind = p.kind;
      $('change-plan').textContent = p.kind === 'upgrade' ? `Upgrade and pay ${money(p.amountDueNow, p.currency)}` : 'Schedule downgrade';
      $('change-plan').disabled = !state.account.canBuy;
    } catch (e) {
      preview.replaceChildren(el('p', { role: 'alert' }, e.message));
    }
  }

  async function changePlan(event) {
    event.preventDefault();
    const choice = document.querySelector('input[name="plan"]:checked');
    if (!choice || choice.value === state.account.planId) return;
    const button = $('change-plan');
    button.disabled = true;
    try {
      const result = await api('/plan-changes', { method: 'POST', body: JSON.stringify({ planId: choice.value }), headers: { 'Idempotency-Key': newKey() } });
      watch(result.operationId, `Plan change to ${choice.value}`);
      $('preview').hidden = true;
      followForCard(result.operationId);
    } catch (e) {
      announce(e.message, true);
      button.disabled = false;
    }
  }

  // An upgrade without a card on file asks for one: the operation shows Stripe's setup page (checkoutUrl); the browser goes
  // there, and Stripe's success_url brings the customer back here, where the change is followed to its end.
  async function followForCard(operationId) {
    for (let i = 0; i < StepWaitPolls; i++) {
      const op = await api('/operations/' + operationId).catch(() => null);
      if (op && op.checkoutUrl) { announce('A card is needed for the upgrade: opening the secure card page…'); location.assign(op.checkoutUrl); return; }
      if (op && !['CheckingCard', 'AwaitingCard'].includes(op.state)) return;
      await new Promise(r => setTimeout(r, 500));
    }
  }

  function renderPacks(account) {
    const buttons = account.packs.map(p => el('button', { type: 'button', class: 'secondary', 'data-pack': p.id, disabled: !account.canBuy },
      `Buy ${count.format(p.credits)} credits for ${money(p.amount, p.currency)}`));
    $('packs').replaceChildren(...buttons);
    $('auto-pack').replaceChildren(...account.packs.map(p => el('option', { value: p.id }, `${count.format(p.credits)} credits for ${money(p.amount, p.currency)}`)));
  }

  async function buyPack(button) {
    button.disabled = true;
    try {
      // One key per click: a retried request names the same purchase, so it is never bought twice.
      const result = await api('/top-ups', { method: 'POST', body: JSON.stringify({ packId: button.dataset.pack }), headers: { 'Idempotency-Key': newKey() } });
      watch(result.purchaseId, 'Purchase');
      const url = result.checkoutUrl || await checkoutUrlOf(result.purchaseId);
      announce('Opening the checkout page…');
      location.assign(url);
    } catch (e) {
      announce(e.message, true);
      button.disabled = false;
    }
  }

  // The checkout session is created by the purchase's saga, normally within a second or two. A Stripe call that fails its
  // quick retries is tried again a minute later (Sagas:StepRedelivery): wait past that rather than send the customer
  // away, because a second click starts a second purchase.
  async function checkoutUrlOf(purchaseId) {
    const slowAfter = Date.now() + 5000;
    let saidSlow = false;
    for (let i = 0; i < StepWaitPolls; i++) {
      const op = await api('/operations/' + purchaseId);
      if (op.checkoutUrl) return op.checkoutUrl;
      if (op.status !== 'in-progress') throw new Error(op.error || 'The purchase could not be started.');
      // Once: the status region is a live region, and a screen reader may read every rewrite of it.
      if (!saidSlow && Date.now() > slowAfter) {
        announce('Still preparing the checkout page: Stripe is answering slowly, which can take a minute.');
        saidSlow = true;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error('The checkout page is taking too long; try again in a minute.');
  }

  // The account is read again whenever a followed operation ends: the fields keep what the customer has typed and not
  // saved yet (state.edited), and only the notices follow the account.
  function renderAutoTopUp(account) {
    const a = account.autoTopUp;
    // The safety rules (docs/lifecycle/auto-top-up.md): the monthly cap, and the stop after repeated failed payments.
    const s = a && a.safety;
    if (!state.edited.has('auto-form')) {
      $('auto-enabled').checked = !!(a && a.enabled);
      $('auto-threshold').value = a ? a.threshold : 100;
      const pack = a && account.packs.find(p => p.credits === a.credits && p.amount === a.amount);
      if (pack) $('auto-pack').value = pack.id;
      $('auto-cap').value = s && s.monthlyCap ? (s.monthlyCap / 100).toFixed(2) : '';
    }
    $('auto-cap').placeholder = 'default';
    $('auto-month').textContent = !s ? ''
      : `Started automatically this month: ${money(s.startedThisMonth, a.currency)}` + (s.monthlyCap ? ` of ${money(s.monthlyCap, a.currency)}` : '')
        + ' (a declined payment counts too).'
        + (s.capReachedThisMonth ? ' The monthly limit is reached: nothing more is bought automatically until next month.' : '');
    const stopped = $('auto-stopped');
    stopped.hidden = !(s && s.stopped);
    stopped.textContent = s && s.stopped
      ? `Automatic top-up stopped: ${(s.stoppedReason || 'the last payments failed').replace(/\.+$/, '')}. Update your card, then turn automatic top-up on again and save.`
      : '';
    $('auto-save').disabled = !account.canBuy;
  }

  async function saveAutoTopUp(event) {
    event.preventDefault();
    const status = $('auto-status');
    const threshold = Number($('auto-threshold').value);
    if (!Number.isInteger(threshold) || threshold < 1) { status.textContent = 'Enter a whole number of credits, 1 or more.'; $('auto-threshold').focus(); return; }
    const capText = $('auto-cap').value.trim();
    const monthlyCap = capText === '' ? null : Math.round(Number(capText) * 100);
    if (monthlyCap !== null && !(monthlyCap >= 1)) { status.textContent = 'Enter a monthly limit in money, or leave it empty for the default.'; $('auto-cap').focus(); return; }
    try {
      await api('/auto-top-up', { method: 'PUT', body: JSON.stringify({ enabled: $('auto-enabled').checked, threshold, packId: $('auto-pack').value, monthlyCap }) });
      state.edited.delete('auto-form');
      if ($('auto-enabled').checked) $('auto-stopped').hidden = true;
      status.textContent = $('auto-enabled').checked ? 'Saved: automatic top-up is on.' : 'Saved: automatic top-up is off.';
    } catch (e) {
      status.textContent = e.message;
    }
  }

  // ---- spending limit (docs/spend-caps.md): a cap on overage, kept in credits, shown in money --------

  // balance: the ledger's (overageCap in credits, overageThisPeriod); plan: the current plan, for its overage price.
  function renderSpendCap(balance, plan) {
    const billsOverage = billsOverageOn(plan);
    $('cap-none').hidden = billsOverage;
    for (const id of ['cap-enabled', 'cap-amount', 'cap-save']) $(id).disabled = !billsOverage;
    const cap = balance.overageCap;
    const capped = cap !== null && cap !== undefined;
    // As for the automatic top-up: what the customer has typed and not saved stays.
    if (!state.edited.has('cap-form')) {
      $('cap-enabled').checked = billsOverage && capped;
      $('cap-amount').value = billsOverage && capped ? (Math.floor(cap * plan.overageUnitAmount) / 100).toFixed(2) : '';
    }
    renderSpendCapUse(balance, plan);
  }

  // The line under the limit and the notice once it is reached; also after every balance change on the stream.
  function renderSpendCapUse(balance, plan) {
    const billsOverage = billsOverageOn(plan);
    const cap = balance.overageCap;
    const capped = billsOverage && cap !== null && cap !== undefined;
    const worth = credits => credits * plan.overageUnitAmount;   // minor units, may be fractional: shown rounded down
    $('cap-used').textContent = !billsOverage ? ''
      : `Overage this period: ${count.format(balance.overageThisPeriod)} credits, ${money(Math.floor(worth(balance.overageThisPeriod)), plan.currency)}`
        + (capped ? ` of ${money(Math.floor(worth(cap)), plan.currency)} (${count.format(cap)} credits).` : ' (no limit).');
    const reached = capped && balance.overageThisPeriod >= cap;
    $('cap-reached').hidden = !reached;
    $('cap-reached').textContent = reached
      ? 'Spending limit reached: usage beyond your credits stops until the next period. Raise the limit to continue now.' : '';
  }

  const billsOverageOn = plan => !!(plan && plan.overageAllowed && plan.overageUnitAmount > 0);

  async function saveSpendCap(event) {
    event.preventDefault();
    const status = $('cap-status');
    const plan = state.account.plans.find(p => p.current);
    const enabled = $('cap-enabled').checked;
    const amount = Math.round(Number($('cap-amount').value) * 100);
    if (enabled && ($('cap-amount').value.trim() === '' || !(amount >= 0))) { status.textContent = 'Enter a limit in money, 0 or more.'; $('cap-amount').focus(); return; }
    try {
      const view = enabled
        ? await api('/spend-cap', { method: 'PUT', body: JSON.stringify({ amount, currency: plan.currency }) })
        : await api('/spend-cap', { method: 'DELETE' });
      state.account.balance = { ...state.account.balance, overageCap: view.credits, overageThisPeriod: view.overageThisPeriod };
      state.edited.delete('cap-form');
      renderSpendCap(state.account.balance, plan);
      status.textContent = enabled ? `Saved: overage is limited to ${money(Math.floor(view.amount), view.currency)} per period.` : 'Saved: no spending limit.';
    } catch (e) {
      status.textContent = e.message;
    }
  }

  // ---- usage chart -----------------------------------------------------------------------------

  async function loadUsage() {
    const usage = await api('/usage');
    renderUsage(usage);
  }

  function renderUsage(usage) {
    const start = Date.parse(usage.periodStart), end = Date.parse(usage.periodEnd), dayMs = 86400000;
    const first = Math.floor(start / dayMs) * dayMs;
    const days = [];
    for (let t = first; t < end; t += dayMs) days.push({ t, debited: 0, overage: 0, writtenOff: 0 });
    for (const d of usage.days) {
      const slot = days[Math.floor((Date.parse(d.day) - first) / dayMs)];
      if (slot) Object.assign(slot, { debited: d.debited, overage: d.overage, writtenOff: d.writtenOff });
    }
    const total = d => d.debited + d.overage + d.writtenOff;
    const max = Math.max(1, ...days.map(total));
    const sum = days.reduce((s, d) => s + total(d), 0);
    const w = 720, h = 200, left = 48, bottom = 24, top = 8;
    const barW = (w - left) / Math.max(1, days.length);
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const label = `Credits used per day from ${day(usage.periodStart)} to ${day(usage.periodEnd)}: ${count.format(sum)} in total, at most ${count.format(max)} on one day.`;
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    const add = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      svg.append(n);
      return n;
    };
    add('title', {}, label);
    const y = v => h - bottom - (v / max) * (h - bottom - top);
    add('line', { class: 'axis', x1: left, y1: h - bottom, x2: w, y2: h - bottom });
    add('line', { class: 'axis', x1: left, y1: top, x2: left, y2: h - bottom });
    add('text', { x: left - 6, y: top + 10, 'text-anchor': 'end' }, count.format(max));
    add('text', { x: left - 6, y: h - bottom, 'text-anchor': 'end' }, '0');
    days.forEach((d, i) => {
      let base = 0;
      for (const [key, cls] of [['debited', 'bar'], ['overage', 'overage'], ['writtenOff', 'writeoff']]) {
        if (!d[key]) continue;
        add('rect', { class: cls, x: left + i * barW + 1, y: y(base + d[key]), width: Math.max(1, barW - 2), height: y(base) - y(base + d[key]) });
        base += d[key];
      }
      if (i % 7 === 0) add('text', { x: left + i * barW, y: h - 6 }, new Date(d.t).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' }));
    });
    $('chart').replaceChildren(svg);
    $('chart').dataset.total = String(sum);
    $('usage-summary').textContent = `${count.format(sum)} credits used this period.`;
    $('usage-rows').replaceChildren(...days.filter(d => total(d) > 0).map(d => el('tr', {},
      el('td', {}, day(new Date(d.t).toISOString())), el('td', { class: 'num' }, count.format(d.debited)),
      el('td', { class: 'num' }, count.format(d.overage)), el('td', { class: 'num' }, count.format(d.writtenOff)))));
    renderFeatures(usage.features);
    // A shared balance shows what each member spent; an account without members shows nothing more.
    $('members').hidden = usage.members.length === 0;
    $('member-rows').replaceChildren(...usage.members.map(m => el('tr', {},
      el('th', { scope: 'row' }, m.memberId), el('td', { class: 'num' }, count.format(m.credits)), el('td', { class: 'num' }, count.format(m.events)))));
  }

  // The export needs the portal token, which a plain link cannot send: fetch it, then hand the file to the browser.
  async function downloadLedger(event) {
    event.preventDefault();
    const response = await fetch('/portal/api/ledger/export', { headers: { 'Authorization': 'Bearer ' + state.token } });
    if (!response.ok) { announce((await problemOf(response)).detail || 'The ledger could not be exported.', true); return; }
    const name = /filename=([^;]+)/.exec(response.headers.get('Content-Disposition') || '')?.[1] || 'ledger.csv';
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: name.replaceAll('"', '') });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function renderFeatures(features) {
    const rows = features.map(f => el('tr', {},
      el('th', { scope: 'row' }, f.feature ?? 'Unnamed'),
      el('td', { class: 'num' }, count.format(f.credits)),
      el('td', { class: 'num' }, count.format(f.events)),
      el('td', {}, f.quantities.map(q => `${count.format(q.quantity)} ${q.unit}`).join(', '))));
    $('feature-rows').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No usage this period.'))]));
  }

  // ---- operations: progress until done ---------------------------------------------------------

  function watch(id, what) {
    state.watched.set(id, what);
    announce(`${what}: started.`);
    loadOperations();
  }

  function announce(text, isError) {
    const status = $('activity-status');
    status.className = isError ? 'alert' : 'notice';
    status.textContent = text;
  }

  async function loadOperations(first) {
    clearTimeout(state.pollTimer);
    let operations;
    try { operations = await api('/operations'); } catch { return; }
    // On arrival (e.g. back from the checkout page) follow whatever is still running.
    if (first === true) for (const op of operations) if (op.status === 'in-progress') state.watched.set(op.id, op.description);
    $('operations').replaceChildren(...(operations.length ? operations.map(renderOperation) : [el('tr', {}, el('td', { colspan: '4' }, 'Nothing yet.'))]));
    for (const op of operations) {
      if (state.watched.has(op.id) && op.status !== 'in-progress') {
        announce(op.status === 'failed' ? `${op.description}: failed. ${op.error || ''}` : `${op.description}: ${op.status}.`, op.status === 'failed');
        state.watched.delete(op.id);
        loadAccount(true).catch(() => {});
      }
    }
    // Poll while something runs, or while a change just asked for has not started yet; a finished change
    // also shows in the balance through the stream.
    const notStarted = [...state.watched.keys()].some(id => !operations.some(o => o.id === id));
    if (notStarted || operations.some(o => o.status === 'in-progress')) state.pollTimer = setTimeout(() => loadOperations(), 1000);
  }

  function renderOperation(op) {
    const details = [];
    if (op.error) details.push(el('p', { class: 'status-failed' }, op.error));
    if (op.checkoutUrl) details.push(el('a', { href: op.checkoutUrl }, 'Continue to payment'));
    if (op.steps.length) details.push(el('details', {}, el('summary', {}, `${op.steps.length} steps`), el('ol', { class: 'steps' }, ...op.steps.map(s => el('li', {}, s)))));
    return el('tr', { 'data-operation': op.id, 'data-status': op.status },
      el('td', {}, op.description),
      el('td', {}, el('span', { class: 'badge status-' + op.status }, op.status.replace('-', ' '))),
      el('td', {}, ...details),
      el('td', {}, time(op.createdAt)));
  }

  // ---- start -----------------------------------------------------------------------------------

  async function start() {
    state.token = takeToken();
    if (!state.token) {
      refuse({ title: 'No portal link', detail: 'Open the billing page from the app: it gives you a personal link.', reason: 'missing' });
      return;
    }
    // Tokens carry their expiry (v1.customer.expiry.mac): re-check with the server when it passes.
    const expiry = Number(state.token.split('.')[2]) * 1000;
    if (expiry > Date.now()) setTimeout(() => api('/account').catch(() => {}), Math.min(expiry - Date.now() + 1000, 2 ** 31 - 1));
    try {
      await loadAccount(true);
    } catch (e) {
      if (!state.refused) refuse(e.problem || { title: 'Could not load your account', detail: e.message });
      return;
    }
    $('portal').hidden = false;
    if (location.pathname.endsWith('/checkout-complete')) announce('Payment received. The credits appear here as soon as Stripe confirms it.');
    if (location.pathname.endsWith('/checkout-cancelled')) announce('The payment was cancelled; nothing was charged.', true);
    if (location.pathname !== '/portal') history.replaceState(null, '', '/portal');
    openStream();
    loadUsage().catch(() => {});
    loadOperations(true);
    $('plans').addEventListener('change', e => { if (e.target.name === 'plan') previewPlan(e.target.value); });
    $('plan-form').addEventListener('submit', changePlan);
    $('packs').addEventListener('click', e => { const b = e.target.closest('button[data-pack]'); if (b) buyPack(b); });
    $('auto-form').addEventListener('submit', saveAutoTopUp);
    $('ledger-export').addEventListener('click', downloadLedger);
    $('cap-form').addEventListener('submit', saveSpendCap);
    for (const form of ['auto-form', 'cap-form']) $(form).addEventListener('input', () => state.edited.add(form));
  }

  start();
})();
