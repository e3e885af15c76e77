// The console's promotion codes (docs/promotions.md): the codes with how often they were redeemed, and a form to create
// one, recorded with the operator's name and reason in the operator log. Uses console.js's API (window.CreditsConsole)
// and reloads with it.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const console_ = () => window.CreditsConsole;

  function expiry(p) {
    const parts = [];
    if (p.grantExpiresAfterDays) parts.push(`${p.grantExpiresAfterDays} days after redemption`);
    if (p.grantExpiresAt) parts.push('by ' + console_().time(p.grantExpiresAt));
    return parts.join(', ') || 'never';
  }

  async function load() {
    const { api, el, time, num } = console_();
    try {
      const codes = await api('/promotions?limit=200');
      $('promotions').replaceChildren(...(codes.length ? codes.map(p => el('tr', { 'data-code': p.code },
        el('td', {}, el('code', {}, p.code)), el('td', { class: 'num' }, num(p.credits)), el('td', {}, expiry(p)),
        el('td', {}, p.validUntil ? time(p.validUntil) : 'no end'),
        el('td', { class: 'num' }, num(p.redemptions) + (p.maxRedemptions ? ' of ' + num(p.maxRedemptions) : '')),
        el('td', {}, p.planId || 'any'), el('td', {}, `${time(p.createdAt)} by ${p.createdBy}`)))
        : [el('tr', {}, el('td', { colspan: '7' }, 'No promotion codes yet.'))]));
    } catch (e) {
      $('promotions').replaceChildren(el('tr', {}, el('td', { colspan: '7' }, 'Could not load: ' + e.message)));
    }
  }

  const optionalNumber = id => $(id).value ? Number($(id).value) : undefined;

  async function create(event) {
    event.preventDefault();
    const c = console_();
    try {
      const body = {
        code: $('promotion-code').value, credits: Number($('promotion-credits').value),
        grantExpiresAfterDays: optionalNumber('promotion-days'), maxRedemptions: optionalNumber('promotion-limit'),
        validUntil: $('promotion-until').value ? new Date($('promotion-until').value).toISOString() : undefined,
        planId: $('promotion-plan').value.trim() || undefined, reason: $('promotion-reason').value, operator: c.operatorName(),
      };
      const created = await c.api('/promotions', { method: 'POST', body });
      c.showProblem('');
      c.showResult(`Created ${created.code}: ${c.num(created.credits)} credits, once per customer.`);
      $('promotion-form').reset();
      await load();
    } catch (e) {
      c.showProblem(e.message);
    }
  }

  if (!console_()) return;
  $('promotion-form').addEventListener('submit', create);
  document.addEventListener('credits-console:loaded', load);
})();
