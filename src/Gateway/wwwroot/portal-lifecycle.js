// The portal's subscription block (issue 14): a past-due renewal with Stripe's page to pay it, and "Cancel plan" /
// "Resume". Reads and changes /portal/api/lifecycle and /portal/api/cancellation with the portal token that portal.js
// keeps in this tab's session storage. Self-contained, so portal.js stays as it is.
(() => {
  'use strict';
  const tokenKey = 'credits-portal-token';
  let poll = null;
  // What the last click waits for: 'scheduled' after "Cancel plan", 'free' after "Resume" (the sagas answer in seconds).
  let expecting = null;

  const money = (amount, currency) =>
    new Intl.NumberFormat(undefined, { style: 'currency', currency: (currency || 'usd').toUpperCase() }).format(amount / 100);
  const day = iso => iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' }) : '';

  async function api(path, options = {}) {
    const token = sessionStorage.getItem(tokenKey);
    const response = await fetch('/portal/api' + path, {
      ...options, headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json', ...(options.headers || {}) },
    });
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && (body.detail || body.title)) || ('HTTP ' + response.status));
    return body;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  function render(view, message) {
    const box = document.getElementById('lifecycle-body');
    box.replaceChildren();
    if (view.pastDue) {
      const due = view.pastDue;
      const alert = el('div', { class: 'alert', role: 'alert', id: 'past-due' },
        el('strong', {}, 'Your renewal is unpaid. '),
        `${money(due.amountDue, due.currency)} could not be charged to your card. Usage beyond your credits is paused until it is paid. `);
      if (due.hostedInvoiceUrl) alert.append(el('a', { href: due.hostedInvoiceUrl, id: 'pay-now', target: '_blank', rel: 'noopener' }, 'Pay now'), ' or update your card.');
      else alert.append('Update your card to pay it.');
      box.append(alert);
    }
    const cancellation = view.cancellation;
    if (view.state === 'cancelled') {
      box.append(el('p', { id: 'lifecycle-status' }, `Your subscription ended on ${day(view.cancelledAt)}. Credits you bought stay usable.`));
    } else if (view.cancellationInFlight && cancellation && ['scheduling', 'scheduled', 'resuming'].includes(cancellation.status)) {
      const text = cancellation.status === 'resuming' ? 'Resuming your plan…'
        : `Your ${view.planId} plan ends on ${day(view.cancelAt || cancellation.endsAt)}. Until then nothing changes.`;
      box.append(el('p', { id: 'lifecycle-status' }, text));
      if (cancellation.status === 'scheduled') box.append(button('Resume', 'resume-plan', resume));
    } else if (view.cancellationInFlight) {
      box.append(el('p', { id: 'lifecycle-status' }, 'Your subscription is ending…'));
    } else {
      box.append(el('p', { id: 'lifecycle-status' }, 'Your plan renews automatically at the end of each period.'));
      box.append(button('Cancel plan', 'cancel-plan', cancel));
    }
    if (message) box.append(el('p', { role: 'status', id: 'lifecycle-message' }, message));
    const scheduled = view.cancellationInFlight && cancellation && cancellation.status === 'scheduled';
    if ((expecting === 'scheduled' && (scheduled || view.state === 'cancelled')) || (expecting === 'free' && !view.cancellationInFlight)) expecting = null;
    const busy = expecting !== null || (view.cancellationInFlight && !scheduled);
    clearTimeout(poll);
    if (busy) poll = setTimeout(load, 2000);
  }

  function button(text, id, action) {
    const b = el('button', { type: 'button', id }, text);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await action(); } catch (e) { await load(e.message); }
    });
    return b;
  }

  async function cancel() {
    await api('/cancellation', { method: 'POST', headers: { 'Idempotency-Key': 'portal-cancel-' + crypto.randomUUID() } });
    expecting = 'scheduled';
    await load('Cancellation requested: your plan ends at the end of the period.');
  }

  async function resume() {
    await api('/cancellation', { method: 'DELETE' });
    expecting = 'free';
    await load('Resume requested.');
  }

  async function load(message) {
    try { render(await api('/lifecycle'), typeof message === 'string' ? message : lastMessage); } catch (e) { /* the rest of the portal reports a broken token */ }
    if (typeof message === 'string') lastMessage = message;
  }
  let lastMessage;

  // portal.js shows #portal once the account loaded (and the token is in session storage).
  function whenShown() {
    const portal = document.getElementById('portal');
    if (portal && !portal.hidden) { load(); return; }
    setTimeout(whenShown, 200);
  }
  document.addEventListener('DOMContentLoaded', whenShown);
})();
