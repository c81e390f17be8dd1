// The hub's web page: subscribe with EventSource, publish with fetch, show what arrives.
//
// The token box's value lives in this page's memory only (not in storage, not in a URL). Publishing
// sends it as 'Authorization: Bearer'. An EventSource cannot send headers, so subscribing puts it
// in the hub's token cookie (mercureAuthorization unless --cookie-name says otherwise, read from
// /hub-ui.json), scoped to path /events and SameSite=Strict (Secure over https): the browser sends
// it with the stream and its reconnects, and with nothing else. It is deleted when the page
// unsubscribes or goes away. The authorization query parameter would do too, but a URL ends up in
// logs and in the browser's network history.
'use strict';

const $ = (id) => document.getElementById(id);
const COOKIE_PATH = '/events';
let source = null;
let counts = { events: 0, reconnects: 0, gaps: 0 };
const hubUi = fetch('/hub-ui.json').then((r) => r.json()).catch(() => ({}))
  .then((c) => ({ cookieName: c.cookieName || 'mercureAuthorization' }));
let cookieName = null; // the name the cookie was set under, while it is set

// The token in the box: whitespace and a pasted 'Bearer ' dropped; '' for none.
function token() {
  return $('token').value.trim().replace(/^bearer\s+/i, '');
}

// Why the token cannot be sent (a cookie or header cannot carry it), or '' when it can.
function tokenProblem(t) {
  return /^[A-Za-z0-9._~+\/=-]*$/.test(t) ? ''
    : 'that is not a JWT: a token has only letters, digits and - _ . (three parts separated by dots)';
}

// The token's claims as a line of text, read without verifying it (the hub verifies).
function describeToken(t) {
  if (!t) return 'no token: requests are anonymous (public updates only, where the hub admits anonymous subscribers)';
  const problem = tokenProblem(t);
  if (problem) return problem;
  let claims;
  try {
    const part = t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
  } catch (err) {
    return 'not a readable JWT (the hub will say why it refuses it)';
  }
  const m = (claims && claims.mercure) || {};
  const list = (v) => (Array.isArray(v) ? (v.length ? v.join(' ') : 'nothing') : 'nothing');
  const parts = ['publish: ' + list(m.publish), 'private updates of: ' + list(m.subscribe)];
  if (claims.sub) parts.push('sub: ' + claims.sub);
  if (typeof claims.exp === 'number') {
    const exp = new Date(claims.exp * 1000);
    parts.push((exp < new Date() ? 'expired at ' : 'expires at ') + exp.toLocaleString());
  }
  return parts.join(' · ');
}

function showToken() {
  const t = token();
  $('token-info').textContent = describeToken(t);
  $('token-info').className = 'hint' + (tokenProblem(t) ? ' error' : '');
}

function cookieAttributes() {
  return '; path=' + COOKIE_PATH + '; SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');
}

function setTokenCookie(name, t) {
  document.cookie = name + '=' + t + cookieAttributes();
  cookieName = name;
}

function clearTokenCookie() {
  if (cookieName) document.cookie = cookieName + '=' + cookieAttributes() + '; max-age=0';
  cookieName = null;
}

// A refused request's status and the hub's JSON message, e.g. '403 Forbidden: the token may not …'.
async function refusal(res) {
  const body = await res.json().catch(() => ({}));
  return res.status + (body.error ? ' ' + body.error : '') + ': ' + (body.message || 'HTTP ' + res.status);
}

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

async function subscribe(ev) {
  ev.preventDefault();
  const { cookieName: name } = await hubUi; // from here on nothing waits, so a second submit cannot interleave
  unsubscribe();
  clearEvents();
  $('subscribe-error').textContent = '';
  const t = token();
  if (tokenProblem(t)) {
    $('subscribe-error').textContent = tokenProblem(t);
    return;
  }
  // the box is the truth: with a token it goes in the cookie; without one, no cookie is left to send
  cookieName = name;
  if (t) setTokenCookie(name, t); else clearTokenCookie();
  // topics never contain whitespace, so whitespace separates selectors; a comma is part of a topic
  const selectors = $('topics').value.split(/\s+/).filter(Boolean);
  const url = subscribeUrl(selectors);
  let opened = false;
  setState('connecting', 'connecting');
  const mine = new EventSource(url);
  source = mine;
  source.addEventListener('open', () => {
    if (opened) bump('reconnects');
    opened = true;
    setState('open', 'open · ' + selectors.join(' '));
  });
  source.addEventListener('error', async () => {
    if (source !== mine) return; // unsubscribed, or replaced by a newer subscription
    if (mine.readyState === EventSource.CONNECTING) {
      setState('reconnecting', 'reconnecting');
      return;
    }
    setState('closed', 'closed');
    // an EventSource does not say why it failed: ask again (the cookie is still set) for the hub's answer
    const abort = new AbortController();
    const res = await fetch(url, { signal: abort.signal }).catch(() => null);
    const why = res && !res.ok ? await refusal(res) : '';
    abort.abort();
    if (source !== mine) return;
    $('subscribe-error').textContent = why;
    unsubscribe();
  });
  source.addEventListener('message', (e) => {
    bump('events');
    const env = JSON.parse(e.data);
    const name = cell(env.event || 'message');
    if (env.private === true) {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'private';
      tag.title = 'a private update: delivered only to tokens whose mercure.subscribe claim covers it';
      name.append(tag);
    }
    addRow([cell(e.lastEventId), timeCell(env.time), cell(env.topics.join(' ')), name, cell(env.data, 'data')],
      env.private === true ? 'private' : '');
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
  clearTokenCookie();
  setState('closed', 'not subscribed');
  $('connect').disabled = false;
  $('disconnect').disabled = true;
}

async function publish(ev) {
  ev.preventDefault();
  const body = { topics: [$('pub-topic').value.trim()], data: $('pub-data').value };
  if ($('pub-event').value.trim()) body.event = $('pub-event').value.trim();
  if ($('pub-private').checked) body.private = true;
  const headers = { 'Content-Type': 'application/json' };
  const t = token();
  if (tokenProblem(t)) {
    $('publish-result').className = 'error';
    $('publish-result').textContent = tokenProblem(t);
    return;
  }
  if (t) headers.Authorization = 'Bearer ' + t;
  try {
    const res = await fetch('/publish', { method: 'POST', headers, body: JSON.stringify(body) });
    $('publish-result').className = res.ok ? '' : 'error';
    $('publish-result').textContent = res.ok ? 'published as id ' + (await res.json()).id : await refusal(res);
  } catch (err) {
    $('publish-result').className = 'error';
    $('publish-result').textContent = 'publish failed: ' + err.message;
  }
}

$('resume').addEventListener('change', () => { $('after').hidden = $('resume').value !== 'after'; });
$('subscribe').addEventListener('submit', subscribe);
$('disconnect').addEventListener('click', unsubscribe);
$('publish').addEventListener('submit', publish);
$('token').addEventListener('input', showToken);
$('token-forget').addEventListener('click', () => { $('token').value = ''; showToken(); });
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
  '',
  '# where the hub needs a token (never in a URL you share)',
  'curl -N -H "Authorization: Bearer $TOKEN" "' + location.origin + '/events?topic=demo/**"',
  'curl -H "Authorization: Bearer $TOKEN" -d topic=demo/greetings -d data=hello -d private=on ' + location.origin + '/publish',
].join('\n');
showToken();
