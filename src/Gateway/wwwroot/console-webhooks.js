// The console's webhook deliveries (docs/webhooks.md): the deliveries over all endpoints, failed ones first by default,
// and a Replay button on each. A replay is an operator action like the others: it needs the operator's name (the
// console's name field) and a reason, and the server records both in the operator log. Uses console.js's API
// (window.CreditsConsole) and reloads with it.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const console_ = () => window.CreditsConsole;

  function lastAnswer(d) {
    if (d.lastStatusCode) return `HTTP ${d.lastStatusCode}` + (d.lastError ? `: ${d.lastError}` : '');
    return d.lastError || (d.attempts ? '' : 'not sent yet');
  }

  function replayButton(d) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = 'Replay';
    b.setAttribute('aria-label', `Replay ${d.eventType} ${d.eventId}`);
    b.addEventListener('click', () => replay(b, d));
    return b;
  }

  async function replay(button, d) {
    const c = console_();
    try {
      const operator = c.operatorName();
      const reason = $('webhook-reason').value.trim();
      if (!reason) {
        $('webhook-reason').focus();
        throw new Error('Say why you replay it first: the reason goes to the operator log.');
      }
      button.disabled = true;
      await c.api(`/webhook-deliveries/${encodeURIComponent(d.id)}/replay`, { method: 'POST', body: { operator, reason } });
      c.showProblem('');
      c.showResult(`Replaying ${d.eventType} ${d.eventId}: due now, with the same event id.`);
      await c.reload();
    } catch (e) {
      button.disabled = false;
      c.showProblem('Not replayed: ' + e.message);
    }
  }

  async function load() {
    const { api, el, time, num } = console_();
    const status = $('webhook-status').value;
    try {
      const deliveries = await api('/webhook-deliveries?limit=100' + (status ? '&status=' + encodeURIComponent(status) : ''));
      $('webhook-deliveries').replaceChildren(...(deliveries.length ? deliveries.map(d => el('tr', { 'data-delivery': d.id, 'data-status': d.status },
        el('td', {}, time(d.createdAt)), el('td', {}, d.eventType, ' ', el('code', {}, d.eventId)),
        el('td', {}, el('code', {}, d.endpointId)), el('td', { class: 'num' }, num(d.attempts)), el('td', {}, lastAnswer(d)),
        el('td', {}, el('span', { class: 'badge' }, d.status)), el('td', {}, replayButton(d))))
        : [el('tr', {}, el('td', { colspan: '7' }, status ? `No ${status} deliveries.` : 'No deliveries yet.'))]));
    } catch (e) {
      $('webhook-deliveries').replaceChildren(el('tr', {}, el('td', { colspan: '7' }, 'Could not load: ' + e.message)));
    }
  }

  if (!console_()) return;
  $('webhook-status').addEventListener('change', load);
  $('webhook-form').addEventListener('submit', e => e.preventDefault());
  document.addEventListener('credits-console:loaded', load);
})();
