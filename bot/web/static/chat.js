// Concerto's web chat. Talks to our own Direct Line: REST to send, a WebSocket (or polling)
// to receive. The conversation and unsent messages live in localStorage, so a reload, a lost
// connection or a visit days later carries on where the person stopped and loses nothing typed.

const api = '/v3/directline';
const sessionKey = 'concerto.session';
const outboxKey = 'concerto.outbox';
const $ = (id) => document.getElementById(id);
const strings = JSON.parse($('strings').textContent);

let lang = 'fr';
let session = null; // { conversationId, token, watermark }
let outbox = readJson(outboxKey) ?? [];
let socket = null;
let pollTimer = 0;
let flushing = false;
let retryDelay = 1000;
let focusChoices = false;
const seen = new Set();
const echoed = new Set(); // client ids of our messages the server already has

const t = (key) => strings[lang]?.[key] ?? strings.fr[key] ?? key;

function readJson(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

function writeJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private browsing or a full quota: the chat still works, it just will not resume.
  }
}

function saveSession() {
  writeJson(sessionKey, { ...session, lang });
}

function applyLang(next) {
  if (next !== 'fr' && next !== 'en') return;
  lang = next;
  document.documentElement.lang = next;
  document.title = t('web.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  $('text').placeholder = t('web.placeholder');
  $('log-region').setAttribute('aria-label', t('web.log_label'));
  $('choices').setAttribute('aria-label', t('web.choices_label'));
}

function setStatus(key) {
  const text = key ? t(key) : '';
  if ($('status').textContent === text) return;
  $('status').textContent = text;
  $('main').scrollTop = $('main').scrollHeight; // the footer changed height: keep the last message in view
}

/** fetch with a timeout; resolves to the Response, or null when the network failed. */
async function call(method, url, body, token) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20000);
  try {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const init = { method, headers, signal: controller.signal };
    if (body !== undefined) init.body = JSON.stringify(body);
    return await fetch(url, init);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

// --- session -------------------------------------------------------------------------------

async function openSession() {
  const stored = readJson(sessionKey);
  if (stored?.lang) applyLang(stored.lang);
  let fresh = false;
  if (stored?.token && stored.conversationId) {
    const res = await call('POST', '/web/session', { token: stored.token });
    if (res?.ok) {
      const body = await res.json();
      session = { conversationId: body.conversationId, token: body.token, watermark: '' };
    } else if (!res || res.status >= 500 || res.status === 429) {
      throw new Error('session unavailable');
    }
  }
  if (!session) {
    const res = await call('POST', '/web/session', {});
    if (!res?.ok) throw new Error('session unavailable');
    const body = await res.json();
    session = { conversationId: body.conversationId, token: body.token, watermark: '' };
    outbox = [];
    writeJson(outboxKey, outbox);
    fresh = true;
  }
  saveSession();
  setInterval(renewToken, 20 * 60 * 1000);
  return fresh;
}

async function renewToken() {
  const res = await call('POST', '/web/session', { token: session.token });
  if (!res?.ok) return false;
  session.token = (await res.json()).token;
  saveSession();
  return true;
}

// --- receiving -----------------------------------------------------------------------------

function receive(group) {
  for (const activity of group.activities ?? []) render(activity);
  if (group.watermark && Number(group.watermark) >= Number(session.watermark || 0)) {
    session.watermark = group.watermark;
    saveSession();
  }
}

async function pull() {
  for (let page = 0; page < 50; page += 1) {
    const url = `${api}/conversations/${session.conversationId}/activities?watermark=${session.watermark}`;
    const res = await call('GET', url, undefined, session.token);
    if (res?.status === 403 && (await renewToken())) continue;
    if (!res?.ok) return false;
    const group = await res.json();
    receive(group);
    if ((group.activities ?? []).length < 100) return true;
  }
  return true;
}

function startPolling() {
  clearInterval(pollTimer);
  pollTimer = setInterval(async () => setStatus((await pull()) ? '' : 'web.offline'), 3000);
}

async function connect() {
  if (typeof WebSocket === 'undefined') return startPolling();
  const url = `${api}/conversations/${session.conversationId}?watermark=${session.watermark}`;
  const res = await call('GET', url, undefined, session.token);
  if (res?.status === 403 && (await renewToken())) return connect();
  if (!res?.ok) {
    startPolling();
    setTimeout(connect, retryDelay);
    return;
  }
  const { streamUrl } = await res.json();
  const ws = new WebSocket(streamUrl);
  socket = ws;
  ws.onopen = () => {
    clearInterval(pollTimer);
    setStatus('');
  };
  ws.onmessage = (event) => {
    if (event.data) receive(JSON.parse(event.data));
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    startPolling();
    setTimeout(connect, 3000);
  };
}

// --- rendering -----------------------------------------------------------------------------

function bubble(kind, text) {
  const li = document.createElement('li');
  li.className = `msg ${kind}`;
  const who = document.createElement('span');
  who.className = 'visually-hidden';
  who.textContent = `${t(kind === 'bot' ? 'web.bot' : 'web.you')} `;
  li.append(who, document.createTextNode(text));
  $('log').append(li);
  li.scrollIntoView({ block: 'end', behavior: 'auto' });
  return li;
}

function render(activity) {
  if (!activity?.id || seen.has(activity.id)) return;
  seen.add(activity.id);
  if (activity.from?.role !== 'bot') {
    const clientId = activity.channelData?.clientActivityId;
    if (clientId) echoed.add(clientId);
    const mine = clientId && document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
    if (mine) markSent(mine);
    else if (activity.type === 'message') bubble('me', activity.text ?? '');
    return;
  }
  if (activity.type !== 'message') return;
  if (activity.locale) applyLang(activity.locale.startsWith('en') ? 'en' : 'fr');
  const data = activity.channelData ?? {};
  let text = activity.text ?? '';
  if (data.progressLine && text.startsWith(`${data.progressLine}\n`))
    text = text.slice(data.progressLine.length + 1);
  bubble('bot', text);
  if (data.progress) showProgress(data.progress, data.progressLine);
  if (data.promptId === '_done')
    showProgress({ theme: 2, themes: 1, question: 1, questions: 1 }, null);
  showChoices(activity);
  saveSession();
}

function showProgress(p, line) {
  const done = Math.max(0, p.theme - 1 + (p.question - 1) / Math.max(1, p.questions));
  const percent = Math.min(100, Math.round((100 * done) / Math.max(1, p.themes)));
  $('progress').hidden = false;
  $('progress-fill').style.width = `${percent}%`;
  $('progressbar').setAttribute('aria-valuenow', String(percent));
  $('progressbar').setAttribute('aria-valuetext', line ?? `${percent} %`);
  if (line !== null) $('progress-text').textContent = line ?? '';
}

function showChoices(activity) {
  const box = $('choices');
  box.replaceChildren();
  box.dataset.prompt = activity.channelData?.promptId ?? '';
  for (const action of activity.suggestedActions?.actions ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.title;
    button.dataset.choice = action.value?.choiceId ?? '';
    button.addEventListener('click', (event) => {
      // A keyboard press (detail 0) keeps focus in the choices; a tap does not pop the keyboard up.
      focusChoices = event.detail === 0;
      box.replaceChildren();
      send({ type: 'message', text: action.title, value: action.value }, action.title);
    });
    box.append(button);
  }
  if (focusChoices) (box.querySelector('button') ?? $('text')).focus();
  focusChoices = false;
}

function markSent(li) {
  li.classList.remove('pending');
  li.querySelector('.note')?.remove();
}

function markProblem(clientId, key) {
  const li = document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
  if (!li) return;
  li.classList.add('pending');
  let note = li.querySelector('.note');
  if (!note) {
    note = document.createElement('span');
    note.className = 'note';
    li.append(note);
  }
  note.textContent = t(key);
}

// --- sending -------------------------------------------------------------------------------

function newId() {
  return crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Queues an activity (kept in localStorage until the server has it), shows it, sends it. */
function send(activity, label) {
  const clientActivityId = newId();
  const item = {
    clientActivityId,
    label,
    activity: { ...activity, locale: lang, channelData: { clientActivityId } },
  };
  outbox.push(item);
  writeJson(outboxKey, outbox);
  if (label) bubble('me', label).dataset.clientId = clientActivityId;
  void flush();
}

async function flush() {
  if (flushing || !session) return;
  flushing = true;
  $('typing').hidden = outbox.length === 0;
  try {
    while (outbox.length > 0) {
      const item = outbox[0];
      const url = `${api}/conversations/${session.conversationId}/activities`;
      const res = await call('POST', url, item.activity, session.token);
      if (res?.status === 403 && (await renewToken())) continue;
      if (
        res &&
        res.status >= 400 &&
        res.status < 500 &&
        res.status !== 408 &&
        res.status !== 429
      ) {
        markProblem(item.clientActivityId, 'web.failed');
      } else if (!res?.ok) {
        markProblem(item.clientActivityId, 'web.pending');
        setStatus('web.offline');
        setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
        return;
      }
      outbox.shift();
      writeJson(outboxKey, outbox);
      retryDelay = 1000;
      setStatus('');
      await pull();
    }
  } finally {
    flushing = false;
    $('typing').hidden = true;
  }
}

// --- start ---------------------------------------------------------------------------------

function restorePending() {
  for (const item of outbox) {
    if (item.label && !echoed.has(item.clientActivityId))
      bubble('me', item.label).dataset.clientId = item.clientActivityId;
  }
}

async function start() {
  setStatus('web.connecting');
  let fresh;
  try {
    fresh = await openSession();
  } catch {
    setStatus('web.session_error');
    setTimeout(start, 5000);
    return;
  }
  // A brand-new conversation has nothing to fetch yet: one round trip less on a slow network.
  if (!fresh) await pull();
  restorePending();
  setStatus('');
  void connect();
  if (fresh) {
    const code = /^\/c\/([A-Za-z0-9_-]{1,64})$/.exec(location.pathname)?.[1] ?? '';
    send({ type: 'event', name: 'start', value: code });
  } else {
    void flush();
  }
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  $('text').value = '';
  $('choices').replaceChildren();
  send({ type: 'message', text }, text);
});

$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

$('lang').addEventListener('click', () =>
  send(
    { type: 'message', text: t('web.language'), value: { command: 'language' } },
    t('web.language'),
  ),
);

window.addEventListener('online', () => void flush());

void start();
