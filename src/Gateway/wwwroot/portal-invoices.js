// The portal's "Invoices and receipts" section: reads /portal/api/invoices (Stripe's invoices and top-up receipts) with
// the portal token portal.js keeps in this tab's session storage. Stripe being out of reach affects this section only.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const token = sessionStorage.getItem('credits-portal-token');
  if (!token || !$('invoices-section')) return; // portal.js tells the visitor what is wrong with the link

  const money = (minor, currency) =>
    new Intl.NumberFormat('en', { style: 'currency', currency: (currency || 'usd').toUpperCase() }).format(minor / 100);
  const day = iso => new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const count = new Intl.NumberFormat('en');

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') node.className = v; else node.setAttribute(k, v === true ? '' : v);
    }
    node.append(...children.filter(c => c !== null && c !== undefined));
    return node;
  }

  // Stripe's hosted pages open in a new tab, so the portal stays where it was.
  const link = (href, text, label) => href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'aria-label': label }, text) : null;

  // Stripe's statuses in the customer's words, with the colour of the portal's other badges.
  const statuses = {
    paid: ['Paid', 'status-completed'],
    open: ['Due', 'status-in-progress'],
    uncollectible: ['Unpaid', 'status-failed'],
    void: ['Void', 'status-refunded'],
  };

  function amountOf(invoice) {
    if (invoice.status === 'paid') return money(invoice.amountPaid, invoice.currency);
    if (invoice.status === 'void') return money(invoice.total, invoice.currency) + ' (nothing due)';
    return money(invoice.amountRemaining, invoice.currency) + ' due';
  }

  function renderInvoice(invoice) {
    const [label, css] = statuses[invoice.status] || [invoice.status, ''];
    const name = invoice.number || invoice.id;
    const payable = invoice.status === 'open' || invoice.status === 'uncollectible';
    return el('tr', { 'data-invoice': invoice.id, 'data-status': invoice.status },
      el('td', {}, name),
      el('td', {}, day(invoice.created)),
      el('td', {}, invoice.periodStart === invoice.periodEnd ? day(invoice.periodStart) : `${day(invoice.periodStart)} – ${day(invoice.periodEnd)}`),
      el('td', { class: 'num' }, amountOf(invoice)),
      el('td', {}, el('span', { class: 'badge ' + css }, label)),
      el('td', {},
        link(invoice.hostedInvoiceUrl, payable ? 'Pay invoice' : 'View invoice', `${payable ? 'Pay' : 'View'} invoice ${name}`),
        invoice.hostedInvoiceUrl && invoice.invoicePdf ? ' · ' : null,
        link(invoice.invoicePdf, 'PDF', `Invoice ${name} as PDF`)));
  }

  function renderReceipt(receipt) {
    const refunded = receipt.amountRefunded > 0
      ? el('span', { class: 'muted' }, ` (${money(receipt.amountRefunded, receipt.currency)} refunded)`) : null;
    return el('tr', { 'data-receipt': receipt.purchaseId },
      el('td', {}, day(receipt.created)),
      el('td', { class: 'num' }, receipt.credits === null ? '–' : count.format(receipt.credits)),
      el('td', { class: 'num' }, money(receipt.amount, receipt.currency), refunded),
      el('td', {}, link(receipt.receiptUrl, 'Receipt', `Receipt of ${day(receipt.created)}`) || el('span', { class: 'muted' }, 'not available')));
  }

  const empty = (columns, text) => el('tr', {}, el('td', { colspan: String(columns), class: 'muted' }, text));

  async function load() {
    const status = $('invoices-status');
    status.replaceChildren(el('p', { class: 'muted' }, 'Loading from Stripe…'));
    let response;
    try {
      response = await fetch('/portal/api/invoices', { headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' } });
    } catch {
      response = null;
    }
    if (response && response.status === 401) { status.replaceChildren(); return; } // portal.js shows why
    if (!response || !response.ok) {
      let problem = {};
      try { problem = response ? await response.json() : {}; } catch { /* not problem+json */ }
      const retry = el('button', { type: 'button', id: 'invoices-retry' }, 'Try again');
      retry.addEventListener('click', load);
      status.replaceChildren(el('div', { class: 'alert', 'data-problem': String(response ? response.status : 0) },
        el('strong', {}, problem.title || 'Invoices unavailable'),
        el('p', {}, problem.detail || 'Your invoices and receipts could not be loaded just now.'),
        retry));
      $('invoices').replaceChildren();
      $('receipts').replaceChildren();
      return;
    }
    const list = await response.json();
    status.replaceChildren();
    $('invoices').replaceChildren(...(list.invoices.length ? list.invoices.map(renderInvoice) : [empty(6, 'No invoices yet.')]));
    $('receipts').replaceChildren(...(list.receipts.length ? list.receipts.map(renderReceipt) : [empty(4, 'No credit purchases yet.')]));
    if (list.moreInvoices || list.moreReceipts)
      status.replaceChildren(el('p', { class: 'muted' }, 'Showing the latest ones only.'));
  }

  load();
})();
