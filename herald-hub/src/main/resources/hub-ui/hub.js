// The hub's web page: subscribe with EventSource, publish with fetch, show what arrives.
'use strict';

const $ = (id) => document.getElementById(id);
let source = null;
let counts = { events: 0, reconnects: 0, gaps: 0 };

function setState(state, text) {
  $('state').className = 'badge ' + state;
  $('state').textContent = text;
}

function bump(name) {
  counts[name]++;
  $('count-' + name).textContent = counts[name];
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

// The event's own time (the envelope's ISO-8601 UTC `time`), shown in local time; the exact value
// is the element's datetime and title.
function timeCell(iso) {
  const td = document.createElement('td');
  const t = document.createElement('time');
  t.dateTime = iso;
  t.title = iso;
  const d = new Date(iso);
  t.textContent = isNaN(d) ? iso : d.toLocaleTimeString();
  td.append(t);
  return td;
}

function clearEvents() {
  $('events').replaceChildren();
  counts = { events: 0, reconnects: 0, gaps: 0 };
  Object.keys(counts).forEach((name) => { $('count-' + name).textContent = '0'; });
}

function addRow(cells, cls) {
  const tr = document.createElement('tr');
  tr.className = 'fresh' + (cls ? ' ' + cls : '');
  cells.forEach((c) => tr.append(c));
  $('events').prepend(tr);
  while ($('events').rows.length > 500) $('events').deleteRow(-1);
}

function subscribeUrl(selectors) {
  const params = new URLSearchParams();
  selectors.forEach((s) => params.append('topic', s));
  params.append('envelope', '1');
  const resume = $('resume').value;
  if (resume === 'earliest') params.append('lastEventId', 'earliest');
  if (resume === 'after' && $('after').value.trim()) params.append('lastEventId', $('after').value.trim());
  return '/events?' + params;
}

function subscribe(ev) {
  ev.preventDefault();
  unsubscribe();
  clearEvents();
  $('subscribe-error').textContent = '';
  // topics never contain whitespace, so whitespace separates selectors; a comma is part of a topic
  const selectors = $('topics').value.split(/\s+/).filter(Boolean);
  const url = subscribeUrl(selectors);
  let opened = false;
  setState('connecting', 'connecting');
  source = new EventSource(url);
  source.addEventListener('open', () => {
    if (opened) bump('reconnects');
    opened = true;
    setState('open', 'open · ' + selectors.join(' '));
  });
  source.addEventListener('error', async () => {
    if (source && source.readyState === EventSource.CONNECTING) {
      setState('reconnecting', 'reconnecting');
    } else if (source) {
      setState('closed', 'closed');
      const res = await fetch(url).catch(() => null);
      if (res && !res.ok) {
        const body = await res.json().catch(() => ({}));
        $('subscribe-error').textContent = body.message || ('HTTP ' + res.status);
      }
      unsubscribe();
    }
  });
  source.addEventListener('message', (e) => {
    bump('events');
    const env = JSON.parse(e.data);
    addRow([cell(e.lastEventId), timeCell(env.time), cell(env.topics.join(' ')),
      cell(env.event || 'message'), cell(env.data, 'data')]);
  });
  source.addEventListener('herald-gap', (e) => {
    bump('gaps');
    const gap = JSON.parse(e.data);
    addRow([cell(''), cell(''), cell('—'), cell('herald-gap'),
      cell('events after ' + gap.lastEventId + ' are no longer retained (' + gap.reason + '); replaying from '
        + (gap.oldestAvailable || 'the next event'), 'data')], 'gap');
  });
  $('connect').disabled = true;
  $('disconnect').disabled = false;
}

function unsubscribe() {
  if (source) source.close();
  source = null;
  setState('closed', 'not subscribed');
  $('connect').disabled = false;
  $('disconnect').disabled = true;
}

async function publish(ev) {
  ev.preventDefault();
  const body = { topics: [$('pub-topic').value.trim()], data: $('pub-data').value };
  if ($('pub-event').value.trim()) body.event = $('pub-event').value.trim();
  try {
    const res = await fetch('/publish', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = await res.json();
    $('publish-result').className = res.ok ? '' : 'error';
    $('publish-result').textContent = res.ok ? 'published as id ' + reply.id : (reply.message || 'HTTP ' + res.status);
  } catch (err) {
    $('publish-result').className = 'error';
    $('publish-result').textContent = 'publish failed: ' + err.message;
  }
}

$('resume').addEventListener('change', () => { $('after').hidden = $('resume').value !== 'after'; });
$('subscribe').addEventListener('submit', subscribe);
$('disconnect').addEventListener('click', unsubscribe);
$('publish').addEventListener('submit', publish);
window.addEventListener('pagehide', unsubscribe);

$('snippets').textContent = [
  '# subscribe to every topic under demo/ (add -H "Last-Event-ID: <id>" to resume after an event)',
  'curl -N "' + location.origin + '/events?topic=demo/**"',
  '',
  '# publish',
  'curl -d topic=demo/greetings -d data=hello ' + location.origin + '/publish',
  '',
  '// in a browser',
  "const source = new EventSource('" + location.origin + "/events?topic=demo/**');",
  "source.onmessage = (e) => console.log(e.lastEventId, e.data);",
].join('\n');
