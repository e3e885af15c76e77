// The portal's promotion codes: a form to redeem one and the codes already redeemed. Redeeming is once per code, so a
// second submit of the same code shows the first redemption instead of adding credits; the balance above updates itself
// from the live stream. Loaded after portal.js.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const tokenKey = 'credits-portal-token';

  async function api(path, options = {}) {
    const headers = { 'Authorization': 'Bearer ' + sessionStorage.getItem(tokenKey), 'Accept': 'application/json', ...(options.headers || {}) };
    const response = await fetch('/portal/api' + path, { ...options, headers });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && (body.detail || body.title)) || response.statusText);
    return body;
  }

  const when = at => new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

  function renderList(redeemed) {
    const rows = $('promotions');
    rows.replaceChildren(...redeemed.map(p => {
      const row = document.createElement('tr');
      for (const [text, numeric] of [[p.code, false], [p.credits.toLocaleString(), true], [when(p.redeemedAt), false], [p.expiresAt ? when(p.expiresAt) : 'Never', false]]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (numeric) cell.className = 'num';
        row.append(cell);
      }
      return row;
    }));
    $('promotions-table').hidden = redeemed.length === 0;
  }

  async function redeem(event) {
    event.preventDefault();
    const input = $('promotion-code');
    const button = $('promotion-redeem');
    const status = $('promotion-status');
    button.disabled = true;
    status.textContent = 'Redeeming…';
    try {
      const result = await api('/promotions/redeem', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: input.value }) });
      status.textContent = result.repeated
        ? `You redeemed ${result.code} on ${when(result.redeemedAt)}: it gave ${result.credits.toLocaleString()} credits once.`
        : `${result.credits.toLocaleString()} credits added with ${result.code}` + (result.expiresAt ? `; they expire on ${when(result.expiresAt)}.` : '.');
      input.value = '';
      renderList(await api('/promotions'));
    } catch (e) {
      status.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }

  async function start() {
    if (!sessionStorage.getItem(tokenKey)) return;
    try { renderList(await api('/promotions')); } catch { return; }
    $('promotion-form').addEventListener('submit', redeem);
  }

  start();
})();
