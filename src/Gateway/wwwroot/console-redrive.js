// Operator actions on what failed (docs/audit/redrive.md): "Redrive" / "Redrive all" on the dead letters, "Retry" on
// failed sagas. Each asks who is acting and why (both required, both kept in the operator log), calls /console/api with
// the console's key, says what happened, and reloads the console. The server decides what may be redriven or retried
// and answers with why not; this page only offers the buttons. Added to the tables console.js renders, each time it
// renders them.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const operatorName = 'credits-console-operator';

  function ask() {
    const who = (window.prompt('Your name (recorded in the operator log):', sessionStorage.getItem(operatorName) || '') || '').trim();
    if (!who) return null;
    sessionStorage.setItem(operatorName, who);
    const reason = (window.prompt('Why? (recorded in the operator log)') || '').trim();
    return reason ? { operator: who, reason } : null;
  }

  // Its own status line: the console clears its problem box on every reload, and this reloads after each action.
  function say(text, failed) {
    let line = $('action-status');
    if (!line) {
      line = document.createElement('p');
      line.id = 'action-status';
      line.setAttribute('role', 'status');
      $('console').prepend(line);
    }
    line.textContent = text;
    line.className = failed ? 'status-failed' : '';
  }

  async function post(path, body) {
    const response = await fetch('/console/api' + path, {
      method: 'POST',
      headers: {
        'Authorization': 'Bearer ' + sessionStorage.getItem('credits-console-key'),
        'Accept': 'application/json', 'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    let answer;
    try { answer = await response.json(); } catch { answer = {}; }
    if (!response.ok) throw new Error(answer.detail || answer.title || response.statusText);
    return answer;
  }

  async function act(button, path, body, done) {
    const who = ask();
    if (!who) return;
    button.disabled = true;
    try {
      say(done(await post(path, { ...body, ...who })), false);
      $('refresh').click();
    } catch (e) {
      say('Not done: ' + e.message, true);
      button.disabled = false;
    }
  }

  const moved = answer => `Moved ${answer.moved.length} message${answer.moved.length === 1 ? '' : 's'} back to ` +
    `${[...new Set(answer.moved.map(m => m.queue))].join(', ') || 'their queue'}` + (answer.problem ? ` (stopped: ${answer.problem})` : '') + '.';

  function button(text, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => onClick(b));
    return b;
  }

  function decorateDeadLetters() {
    for (const queue of document.querySelectorAll('#dead-letters [data-queue]')) {
      const name = queue.dataset.queue;
      const rows = queue.querySelectorAll('tr[data-dead-letter]');
      const heading = queue.querySelector('h3');
      if (rows.length && heading && !heading.querySelector('button'))
        heading.append(' ', button('Redrive all', `Redrive all of ${name}`,
          b => act(b, `/dead-letters/${encodeURIComponent(name)}/redrive`, { all: true }, moved)));
      for (const row of rows) {
        const id = row.dataset.deadLetter;
        // One button per message (a batch shows a row per event; the first row carries it).
        if (!id || row.querySelector('button') || row.previousElementSibling?.dataset.deadLetter === id) continue;
        row.lastElementChild.append(' ', button('Redrive', `Redrive message ${id}`,
          b => act(b, `/dead-letters/${encodeURIComponent(name)}/redrive`, { messageId: id }, moved)));
      }
    }
  }

  function decorateSagas() {
    for (const row of document.querySelectorAll('#sagas tr[data-saga]')) {
      if (row.dataset.status !== 'failed' && row.querySelector('.badge')?.textContent !== 'Granting') continue;
      if (row.querySelector('button')) continue;
      const id = row.dataset.saga;
      row.lastElementChild.append(' ', button('Retry', `Retry saga ${id}`,
        b => act(b, `/sagas/${encodeURIComponent(id)}/retry`, {}, a => `Retry sent to the ${a.saga} saga (was ${a.state}).`)));
    }
  }

  for (const id of ['dead-letters', 'sagas']) {
    const target = $(id);
    if (!target) continue;
    const decorate = id === 'sagas' ? decorateSagas : decorateDeadLetters;
    new MutationObserver(decorate).observe(target, { childList: true, subtree: true });
    decorate();
  }
})();
