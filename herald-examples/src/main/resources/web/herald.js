// Shared helpers for the example pages: an EventSource status badge and a log list.
'use strict';

const herald = {
  /** Opens an EventSource on url, shows its state in #status and closes it when the page goes away. */
  open(url, statusEl) {
    const source = new EventSource(url);
    let reconnects = 0;
    let wasOpen = false;
    const show = (state, text) => {
      statusEl.className = 'status ' + state;
      statusEl.textContent = text + (reconnects ? ' (reconnects: ' + reconnects + ')' : '');
    };
    show('connecting', 'connecting');
    source.addEventListener('open', () => {
      if (wasOpen) reconnects++;
      wasOpen = true;
      show('open', 'open');
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CONNECTING) show('reconnecting', 'reconnecting');
      else show('closed', 'closed');
    });
    source.closeAndShow = (why) => {
      source.close();
      show('closed', why || 'closed');
    };
    window.addEventListener('pagehide', () => source.close());
    return source;
  },

  /** Appends one line to #log with a time stamp and optional event id. */
  log(text, id) {
    const li = document.createElement('li');
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = new Date().toLocaleTimeString() + (id ? ' #' + id : '');
    li.append(meta, document.createTextNode(text));
    document.getElementById('log').append(li);
  },

  /** POSTs a JSON body and returns the parsed JSON reply (or throws its error message). */
  async post(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = await res.json();
    if (!res.ok) throw new Error(reply.message || res.statusText);
    return reply;
  },
};
