// The portal's card: what is saved (brand, last 4 digits) and the "Add card" / "Replace card" button, which sends the
// customer to Stripe's Checkout page in setup mode. The page never sees card details. Loaded after portal.js.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const tokenKey = 'credits-portal-token';
  // crypto.randomUUID exists only in secure contexts (https, localhost); random bytes work everywhere.
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');

  async function api(path, options = {}) {
    const headers = { 'Authorization': 'Bearer ' + sessionStorage.getItem(tokenKey), 'Accept': 'application/json', ...(options.headers || {}) };
    const response = await fetch('/portal/api' + path, { ...options, headers });
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && (body.detail || body.title)) || response.statusText);
    return body;
  }

  function render(account) {
    const card = account.card;
    $('card-saved').textContent = card
      ? `${(card.brand || 'card').replace(/^./, c => c.toUpperCase())} ending in ${card.last4}` + (card.expMonth ? `, expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear}` : '')
      : 'No card saved yet.';
    $('card-saved').dataset.last4 = card ? card.last4 : '';
    const button = $('card-button');
    button.textContent = card ? 'Replace card' : 'Add card';
    button.disabled = !account.canBuy;
  }

  async function setUpCard() {
    const button = $('card-button');
    const status = $('card-status');
    button.disabled = true;
    try {
      // One key per click: a retried request names the same setup.
      const result = await api('/card', { method: 'POST', headers: { 'Idempotency-Key': newKey() } });
      const url = result.checkoutUrl || await pageOf(result.setupId);
      status.textContent = 'Opening the secure card page…';
      location.assign(url);
    } catch (e) {
      status.textContent = e.message;
      button.disabled = false;
    }
  }

  // The setup's saga creates the Checkout session, normally within a second or two; a Stripe call that fails its quick
  // retries is tried again a minute later (Sagas:StepRedelivery), so wait past that: two minutes of half-second polls.
  async function pageOf(setupId) {
    for (let i = 0; i < 240; i++) {
      const op = await api('/operations/' + setupId).catch(() => null);
      if (op && op.checkoutUrl) return op.checkoutUrl;
      if (op && op.status !== 'in-progress') throw new Error(op.error || 'The card page could not be opened.');
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error('The card page is taking too long; try again in a minute.');
  }

  async function start() {
    if (!sessionStorage.getItem(tokenKey)) return;
    try { render(await api('/account')); } catch { return; }
    $('card-button').addEventListener('click', setUpCard);
  }

  start();
})();
