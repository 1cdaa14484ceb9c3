// Concerto's web chat. Talks to our own Direct Line: REST to send, a WebSocket (or polling)
// to receive. The conversation and unsent messages live in localStorage, so a reload, a lost
// connection or a visit days later carries on where the person stopped and loses nothing typed.
//
// After every step the question being asked and its first buttons are on screen: the log is
// scrolled to the question's start once the buttons are laid out, and a long list of choices
// scrolls inside its own box. A multiple choice is updated in place (no new bubble per tap).

const api = '/v3/directline';
const sessionKey = 'concerto.session';
const outboxKey = 'concerto.outbox';
const inviteKey = 'concerto.invite';
const $ = (id) => document.getElementById(id);
const strings = JSON.parse($('strings').textContent);
/** Same shapes as the server's invitationPath: `/c/CODE`, `/c/CODE.`, `/c/code/`… */
const invitationPath = /^\/c\/([A-Za-z0-9_-]{1,64})(?:[.,;:!)/]|%20|%C2%A0|%C2%BB|%E2%80%A6)*$/i;

let lang = document.documentElement.lang === 'en' ? 'en' : 'fr';
let session = null; // { conversationId, token, watermark }
let outbox = readJson(outboxKey) ?? [];
let socket = null;
let pollTimer = 0;
let flushing = false;
let retryDelay = 1000;
/** The prompt on screen: { promptId, multiSelect, textLimit, freeText, li }. */
let current = null;
/** Ticks sent but not answered yet: until then the page's own ticks are the truth. */
let awaitingToggles = 0;
/** The text last sent, given back if the same free-text question is asked again (refused). */
let draft = null;
/** A choice was tapped: the next question takes the focus, so nobody is left on the page body. */
let followFocus = false;
/** The prompt a text was typed for: when the bot moves on to buttons, the keyboard goes down. */
let typedOn = null;
const seen = new Set();
const echoed = new Set(); // client ids of our messages the server already has

const t = (key, params) =>
  (strings[lang]?.[key] ?? strings.fr[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) =>
    params && name in params ? String(params[name]) : whole,
  );

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

/** The visitor's language: the browser's first French or English preference, else French. */
function browserLang() {
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language ?? ''];
  for (const tag of prefs) {
    const base = String(tag).slice(0, 2).toLowerCase();
    if (base === 'fr' || base === 'en') return base;
  }
  return 'fr';
}

function applyLang(next) {
  if (next !== 'fr' && next !== 'en') return;
  lang = next;
  document.documentElement.lang = next;
  document.title = t('web.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  $('text').placeholder = t('web.placeholder');
  updateCounter();
}

function setStatus(key) {
  const text = key ? t(key) : '';
  if ($('status').textContent === text) return;
  $('status').textContent = text;
  settle(); // the answer area changed height: keep the question in view
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
  applyLang(stored?.lang ?? browserLang());
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

/** The conversation is gone (its data erased, or expired): the page starts a new one. */
function restart() {
  // Once a minute at most: a server that answers 404 to everything must not loop the page.
  const last = Number(sessionStorage.getItem('concerto.restarted') ?? 0);
  if (Date.now() - last < 60000) return false;
  sessionStorage.setItem('concerto.restarted', String(Date.now()));
  localStorage.removeItem(sessionKey);
  location.reload();
  return false;
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
  const activities = group.activities ?? [];
  let changed = false;
  activities.forEach((activity, i) => {
    if (render(activity, activities[i + 1])) changed = true;
  });
  if (group.watermark && Number(group.watermark) >= Number(session.watermark || 0)) {
    session.watermark = group.watermark;
    saveSession();
  }
  if (considerPush() || changed) settle();
}

async function pull() {
  for (let page = 0; page < 50; page += 1) {
    const url = `${api}/conversations/${session.conversationId}/activities?watermark=${session.watermark}`;
    const res = await call('GET', url, undefined, session.token);
    if (res?.status === 403 && (await renewToken())) continue;
    if (res?.status === 404) return restart();
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
  if (res?.status === 404) return restart();
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
  li.tabIndex = -1; // the focus can be put on it, so that a screen reader reads it
  setBubbleText(li, kind, text);
  $('log').append(li);
  return li;
}

function setBubbleText(li, kind, text) {
  const who = document.createElement('span');
  who.className = 'visually-hidden';
  who.textContent = `${t(kind === 'bot' ? 'web.bot' : 'web.you')} `;
  li.replaceChildren(who, document.createTextNode(text));
  li.dataset.text = text;
}

/** Shows one activity; true when the conversation changed in a way that needs a new layout. */
function render(activity, next) {
  if (!activity?.id || seen.has(activity.id)) return false;
  seen.add(activity.id);
  if (activity.from?.role !== 'bot') return renderOwn(activity);
  if (activity.type !== 'message') return false;
  if (activity.locale) applyLang(activity.locale.startsWith('en') ? 'en' : 'fr');
  const data = activity.channelData ?? {};
  let text = activity.text ?? '';
  if (data.progressLine && text.startsWith(`${data.progressLine}\n`))
    text = text.slice(data.progressLine.length + 1);
  const actions = activity.suggestedActions?.actions ?? [];
  if (data.progress) showProgress(data.progress, data.progressLine);
  if (data.promptId === '_done') showProgress(null, t('web.progress_done'));
  countQuestion(data);

  const sameMultiple =
    data.multiSelect && current?.multiSelect && current.promptId === data.promptId;
  if (sameMultiple) return updateMultiple(text, data, actions);
  // A complaint about the ticks just before the same list again: say it by the choices.
  const nextData = next?.from?.role === 'bot' ? (next.channelData ?? {}) : {};
  if (
    !data.promptId &&
    actions.length === 0 &&
    current?.multiSelect &&
    nextData.multiSelect &&
    nextData.promptId === current.promptId
  ) {
    setNote(text);
    return false;
  }

  const li = bubble('bot', text);
  setNote('');
  showChoices(actions, data);
  current?.li.classList.remove('current');
  current = data.promptId || actions.length > 0 ? promptOf(data, actions, li) : null;
  if (current) {
    li.classList.add('current');
    giveBackDraft(current);
    if (typedOn !== null && typedOn !== current.promptId && !current.freeText) followFocus = true;
    typedOn = null;
  }
  updateCounter();
  saveSession();
  return true;
}

/** The person's own message echoed by the server (or replayed after a reload). */
function renderOwn(activity) {
  const clientId = activity.channelData?.clientActivityId;
  if (clientId) echoed.add(clientId);
  const mine = clientId && document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
  if (mine) {
    markSent(mine);
    return false;
  }
  if (activity.type !== 'message' || isTick(activity.value)) return false;
  bubble('me', activity.text ?? '');
  return true;
}

/** A tap on an option of the multiple choice on screen: it changes ticks, it says nothing. */
function isTick(value) {
  return (
    current?.multiSelect &&
    value?.promptId === current.promptId &&
    typeof value.choiceId === 'string' &&
    !value.choiceId.startsWith('_')
  );
}

function promptOf(data, actions, li) {
  const options = actions.filter((a) => !String(a.value?.choiceId ?? '').startsWith('_'));
  return {
    promptId: data.promptId ?? '',
    multiSelect: Boolean(data.multiSelect),
    textLimit: Number(data.textLimit) || 0,
    freeText: Boolean(data.textLimit) || options.length === 0,
    li,
  };
}

/** The multiple choice on screen, again with new ticks: changed where it is, not appended. */
function updateMultiple(text, data, actions) {
  setAwaiting(awaitingToggles - 1);
  let moved = false;
  if (current.li.dataset.text !== text || current.li !== $('log').lastElementChild) {
    // Typed numbers came in between: the updated question goes after them, where people look.
    if (current.li !== $('log').lastElementChild) {
      current.li.remove();
      current.li = bubble('bot', text);
      current.li.classList.add('current');
      moved = true;
    } else setBubbleText(current.li, 'bot', text);
  }
  if (!sameButtons(actions)) {
    showChoices(actions, data);
    moved = true;
  } else if (awaitingToggles === 0) {
    const picked = new Set(data.picked ?? []);
    for (const button of $('choices').querySelectorAll('button[aria-pressed]'))
      button.setAttribute('aria-pressed', String(picked.has(button.dataset.choice)));
  }
  return moved;
}

function sameButtons(actions) {
  const shown = [...document.querySelectorAll('#answer button[data-choice]')].map(
    (b) => b.dataset.choice,
  );
  const wanted = actions.map((a) => String(a.value?.choiceId ?? ''));
  return shown.length === wanted.length && shown.every((id) => wanted.includes(id));
}

/** Ticks on their way: the list says so (aria-busy) until the bot has answered them all. */
function setAwaiting(count) {
  awaitingToggles = Math.max(0, count);
  if (awaitingToggles > 0) $('choices').setAttribute('aria-busy', 'true');
  else $('choices').removeAttribute('aria-busy');
}

function setNote(text) {
  const note = $('choice-note');
  if (note.textContent === text) return;
  const resized = (note.textContent === '') !== (text === '');
  note.textContent = text;
  if (resized) settle(); // the note takes room: the list gives it back, not the question
}

function showProgress(p, line) {
  let percent = 100;
  if (p) {
    const done = Math.max(0, p.theme - 1 + (p.question - 1) / Math.max(1, p.questions));
    percent = Math.min(100, Math.round((100 * done) / Math.max(1, p.themes)));
  }
  $('progress').hidden = false;
  $('top').classList.add('started');
  $('progress-fill').style.width = `${percent}%`;
  $('progressbar').setAttribute('aria-valuenow', String(percent));
  $('progressbar').setAttribute('aria-valuetext', line ? `${line} (${percent} %)` : `${percent} %`);
  $('progress-text').textContent = line ?? `${percent} %`;
}

/** The buttons of a reply: options in a list that scrolls, Valider / Passer pinned below it. */
function showChoices(actions, data) {
  const list = $('choices');
  const pinned = $('actions');
  list.replaceChildren();
  pinned.replaceChildren();
  list.dataset.prompt = data.promptId ?? '';
  const picked = new Set(data.picked ?? []);
  actions.forEach((action, index) => {
    const id = String(action.value?.choiceId ?? '');
    const isOption = !id.startsWith('_');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.choice = id;
    const label = document.createElement('span');
    label.className = 'label';
    const title = String(action.title ?? '');
    label.textContent = data.multiSelect && title.startsWith('✓ ') ? title.slice(2) : title;
    if (data.multiSelect && isOption) {
      button.className = 'toggle';
      button.setAttribute('aria-pressed', String(picked.has(id)));
      const mark = document.createElement('span');
      mark.className = 'mark';
      mark.setAttribute('aria-hidden', 'true');
      button.append(mark);
    }
    if (data.numbered && isOption) {
      const number = document.createElement('span');
      number.className = 'num';
      number.textContent = String(index + 1);
      button.append(number);
    }
    button.append(label);
    button.addEventListener('click', () => tap(button, action, data));
    (isOption ? list : pinned).append(button);
  });
  list.scrollTop = 0;
}

function tap(button, action, data) {
  const label = button.querySelector('.label')?.textContent ?? '';
  if (button.hasAttribute('aria-pressed')) {
    // Ticks change at once; the bot's answer confirms them (or undoes one too many).
    button.setAttribute('aria-pressed', String(button.getAttribute('aria-pressed') !== 'true'));
    setAwaiting(awaitingToggles + 1);
    setNote('');
    send({ type: 'message', text: label, value: action.value });
    return;
  }
  let said = label;
  if (data.multiSelect) {
    const ticked = [...$('choices').querySelectorAll('button[aria-pressed="true"] .label')];
    if (ticked.length > 0) said = ticked.map((el) => el.textContent).join(', ');
  }
  const value = action.type === 'imBack' ? undefined : action.value;
  clearChoices();
  followFocus = true;
  const li = send(
    { type: 'message', text: action.type === 'imBack' ? action.value : said, value },
    said,
  );
  li?.focus({ preventScroll: true });
}

function clearChoices() {
  $('choices').replaceChildren();
  $('actions').replaceChildren();
  setNote('');
  setAwaiting(0);
}

function markSent(li) {
  li.classList.remove('pending');
  li.querySelector('.note')?.remove();
}

function markProblem(clientId, key) {
  const li = document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
  if (!li) {
    // A tick refused by the server: the bot's ticks are the truth again.
    if (key === 'web.failed') setAwaiting(0);
    return;
  }
  li.classList.add('pending');
  let note = li.querySelector('.note');
  if (!note) {
    note = document.createElement('span');
    note.className = 'note';
    li.append(note);
  }
  note.textContent = t(key);
}

// --- layout --------------------------------------------------------------------------------

/** True when header, log and answers share the screen (not on very short screens). */
const pinnedLayout = () => window.matchMedia('(min-height: 28rem)').matches;

/**
 * Sizes the list of choices and scrolls the log once everything is in place: the question's
 * first line and its first buttons visible, the list giving way to the question when both
 * cannot fit whole (never below two buttons and a part of the third, which shows it scrolls).
 */
function settle() {
  const list = $('choices');
  const main = $('main');
  list.style.maxHeight = '';
  const question = current?.li ?? $('log').lastElementChild;
  if (pinnedLayout()) {
    // Below a short screen's fold there is only the footer: the conversation comes first.
    if (window.scrollY > 0) window.scrollTo(0, 0);
    const full = list.scrollHeight;
    // Where the list can end: through a button (45 % of it shown), so that a list cut short
    // never looks complete. The least it shows is two buttons and a part of the third.
    const top = list.getBoundingClientRect().top - list.scrollTop;
    const cuts = [...list.children].map((b) => {
      const r = b.getBoundingClientRect();
      return r.top - top + r.height * 0.45;
    });
    const least = cuts.length > 2 ? Math.min(full, cuts[2]) : full;
    const cutAt = (limit) =>
      limit >= full ? full : Math.max(...cuts.filter((c) => c <= limit), least);
    // The screen's height is fixed: what the list does not take, the conversation gets.
    const shared = main.clientHeight + list.clientHeight;
    const lead = leadOf(question, shared - least);
    if (lead !== question) lead.dataset.seen = 'true';
    const room =
      shared - (question ? question.offsetTop + question.offsetHeight - lead.offsetTop + 16 : 0);
    // A question too long to fit whole anyway (the consent) starts at the top and scrolls:
    // then the list may take up to half the room, so that every answer is seen at once.
    const height = cutAt(room >= least ? room : Math.max(least, shared / 2));
    list.style.maxHeight = `${Math.ceil(height)}px`;
    // The option just tapped stays under the finger when the list gets shorter.
    const tapped = list.contains(document.activeElement) ? document.activeElement : null;
    if (tapped && tapped.offsetTop + tapped.offsetHeight > list.scrollTop + list.clientHeight)
      list.scrollTop = tapped.offsetTop + tapped.offsetHeight - list.clientHeight + 4;
    if (question) {
      const bottom = main.scrollHeight - main.clientHeight;
      main.scrollTop = Math.min(bottom, lead.offsetTop - 8);
    } else main.scrollTop = main.scrollHeight;
  } else if (question) {
    const lead = leadOf(question, window.innerHeight);
    if (lead !== question) lead.dataset.seen = 'true';
    const top = lead.getBoundingClientRect().top + window.scrollY - 8;
    const bottom = document.documentElement.scrollHeight - window.innerHeight;
    window.scrollTo(0, Math.max(0, Math.min(bottom, top)));
  }
  if (followFocus && current?.li) {
    current.li.focus({ preventScroll: true });
    followFocus = false;
  }
}

/** What is read with the question: the offer just above it when both fit in `room`, else itself. */
function leadOf(question, room) {
  const offer = $('push-offer');
  if (!question || !offer || offer.nextElementSibling !== question) return question;
  const both = question.offsetTop + question.offsetHeight - offer.offsetTop + 16;
  return both <= room ? offer : question;
}

// --- sending -------------------------------------------------------------------------------

function newId() {
  return crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Queues an activity (kept in localStorage until the server has it), shows it when it has a
 * label, sends it. Returns the person's bubble, if any.
 */
function send(activity, label) {
  const clientActivityId = newId();
  const item = {
    clientActivityId,
    label,
    activity: {
      ...activity,
      locale: lang === 'en' ? 'en-GB' : 'fr-FR',
      channelData: { clientActivityId },
    },
  };
  outbox.push(item);
  writeJson(outboxKey, outbox);
  let li;
  if (label) {
    li = bubble('me', label);
    li.dataset.clientId = clientActivityId;
    scrollToEnd();
  }
  void flush();
  return li;
}

function scrollToEnd() {
  if (pinnedLayout()) $('main').scrollTop = $('main').scrollHeight;
  else window.scrollTo(0, document.documentElement.scrollHeight);
}

async function flush() {
  if (flushing || !session) return;
  flushing = true;
  $('typing').hidden = !outbox.some((item) => item.label);
  try {
    while (outbox.length > 0) {
      const item = outbox[0];
      const url = `${api}/conversations/${session.conversationId}/activities`;
      const res = await call('POST', url, item.activity, session.token);
      if (res?.status === 403 && (await renewToken())) continue;
      if (res?.status === 404) return restart();
      if (
        res &&
        res.status >= 400 &&
        res.status < 500 &&
        res.status !== 408 &&
        res.status !== 429
      ) {
        markProblem(item.clientActivityId, 'web.failed');
      } else if (!res?.ok) {
        for (const waiting of outbox) markProblem(waiting.clientActivityId, 'web.pending');
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

// --- free text -----------------------------------------------------------------------------

/** The same free-text question asked again right after: the text refused is back in the box. */
function giveBackDraft(prompt) {
  const kept = draft;
  draft = null;
  if (!kept || kept.promptId !== prompt.promptId || !kept.freeText) return;
  if ($('text').value !== '') return;
  $('text').value = kept.text;
  fitTextarea();
}

function updateCounter() {
  const out = $('text-limit');
  const max = current?.textLimit ?? 0;
  const count = [...$('text').value].length; // characters, as the server counts them
  let text = '';
  if (max > 0 && count >= max * 0.8) {
    const over = count - max;
    text =
      over > 0 ? t('web.text_over', { count, max, over }) : t('web.text_count', { count, max });
  } else if (max > 0) text = t('web.text_limit', { max });
  const invalid = max > 0 && count > max;
  out.classList.toggle('over', invalid);
  if (invalid) $('text').setAttribute('aria-invalid', 'true');
  else $('text').removeAttribute('aria-invalid');
  if (out.textContent !== text) out.textContent = text;
  if (out.hidden !== (text === '')) {
    out.hidden = text === '';
    settle();
  }
}

function fitTextarea() {
  const box = $('text');
  box.style.height = '';
  // Empty, it keeps its one line (a long placeholder would otherwise make it taller).
  if (box.value !== '') box.style.height = `${Math.min(box.scrollHeight + 4, 8 * 16)}px`;
  updateCounter();
}

// --- reminders by notification -------------------------------------------------------------
// After a few answers the page offers a notification before the deadline, in plain words:
// never on load, never again after « non », and only where Web Push works (not in Safari on an
// iPhone outside a home-screen app, nor in most private windows). The chat is the same without.

const pushKey = 'concerto.push'; // 'yes' or 'no', as the person answered the offer
const answersBeforeOffer = 3;
const questionsAsked = new Set();
let questionnaireDone = false;
/** How many questions had been asked when the offer appeared (0: not shown on this visit). */
let offeredAt = 0;

/** Questions of the questionnaire have ids of their own; the bot's own prompts start with _. */
function countQuestion(data) {
  const id = data.promptId ?? '';
  if (id && !id.startsWith('_')) questionsAsked.add(id);
  if (id === '_done') questionnaireDone = true;
}

function pushSupported() {
  return (
    window.isSecureContext &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/** After each batch of bot messages: offers, or withdraws an offer left unanswered. */
function considerPush() {
  const asked = questionsAsked.size;
  const offer = $('push-offer');
  if (offeredAt > 0) {
    if (!offer?.querySelector('button') || (asked === offeredAt && !questionnaireDone))
      return false;
    if (offer.dataset.seen || questionnaireDone) {
      // Seen and left unanswered while a question was answered: it goes (asked next visit).
      offer.remove();
    } else {
      // There was no room for it beside the last question: it goes with the new one.
      offeredAt = asked;
      if (current?.li === $('log').lastElementChild) $('log').insertBefore(offer, current.li);
    }
    return true;
  }
  if (questionnaireDone || asked <= answersBeforeOffer || !pushSupported()) return false;
  offeredAt = asked;
  const said = readJson(pushKey);
  if (said === 'no' || Notification.permission === 'denied') return false;
  if (said === 'yes' && Notification.permission === 'granted') {
    // Already accepted on this phone: the server gets the subscription as it is today.
    void subscribePush();
    return false;
  }
  showOffer();
  return true;
}

/**
 * The offer, in the conversation just above the question (read with it, announced by the log;
 * from the question, Tab still goes to its answers). It is the page's own: not sent, not kept.
 */
function showOffer() {
  const li = document.createElement('li');
  li.id = 'push-offer';
  li.className = 'offer';
  const group = document.createElement('div');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-labelledby', 'push-text');
  const text = document.createElement('p');
  text.id = 'push-text';
  // data-i18n: a change of language translates it with the rest of the page.
  text.dataset.i18n = 'web.push.offer';
  text.textContent = t('web.push.offer');
  const buttons = document.createElement('div');
  buttons.className = 'push-buttons';
  for (const [id, key, onClick] of [
    ['push-yes', 'web.push.yes', () => void acceptPush()],
    ['push-no', 'web.push.no', declinePush],
  ]) {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = id;
    button.dataset.i18n = key;
    button.textContent = t(key);
    button.addEventListener('click', onClick);
    buttons.append(button);
  }
  group.append(text, buttons);
  li.append(group);
  const question = current?.li === $('log').lastElementChild ? current.li : null;
  $('log').insertBefore(li, question);
}

/** The offer's buttons go and `key` says what came of it; the focus goes back to the question. */
function answerOffer(key) {
  const offer = $('push-offer');
  if (!offer) return;
  const hadFocus = offer.contains(document.activeElement);
  offer.querySelector('.push-buttons')?.remove();
  $('push-text').dataset.i18n = key;
  $('push-text').textContent = t(key);
  settle();
  if (hadFocus) (current?.li ?? $('text')).focus({ preventScroll: true });
}

function declinePush() {
  writeJson(pushKey, 'no');
  answerOffer('web.push.declined');
}

async function acceptPush() {
  writeJson(pushKey, 'yes');
  let permission = Notification.permission;
  if (permission === 'default') permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    writeJson(pushKey, 'no');
    answerOffer('web.push.blocked');
    return;
  }
  answerOffer((await subscribePush()) ? 'web.push.done' : 'web.push.failed');
}

/** Registers the service worker, subscribes with the server's key, tells the server. */
async function subscribePush() {
  try {
    const keyRes = await call('GET', '/web/push/key');
    if (!keyRes?.ok) return false;
    const key = base64urlBytes((await keyRes.json()).publicKey);
    const registration = await navigator.serviceWorker.register('/push-worker.js');
    await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    const old = subscription?.options?.applicationServerKey;
    if (subscription && old && !sameBytes(new Uint8Array(old), key)) {
      // The server's key changed: that subscription can never be used again.
      await subscription.unsubscribe();
      subscription = null;
    }
    // A browser whose push service cannot be reached may never answer: give up after a while.
    subscription ??= await Promise.race([
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
      new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), 20000)),
    ]);
    const body = { conversationId: session.conversationId, subscription: subscription.toJSON() };
    let res = await call('POST', '/web/push/subscription', body, session.token);
    if (res?.status === 403 && (await renewToken()))
      res = await call('POST', '/web/push/subscription', body, session.token);
    return Boolean(res?.ok);
  } catch {
    return false;
  }
}

function base64urlBytes(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A tap on a reminder (`?reminder=<prompt>&choice=<choice>&action=continue|stop`, or the
 * service worker's message to an open page): the page says that choice to the bot, as if the
 * person had tapped it here. « Continuer » brings their question back; « Ne plus me rappeler »
 * turns reminders off through the bot.
 */
function sayReminderChoice(params) {
  const promptId = params.get('reminder') ?? '';
  const choiceId = params.get('choice') ?? '';
  if (params.has('reminder')) history.replaceState(null, '', location.pathname);
  const valid = /^[\w/-]{1,100}$/;
  if (!valid.test(promptId) || !valid.test(choiceId)) return;
  const label = t(`web.push.action.${params.get('action') === 'stop' ? 'stop' : 'continue'}`);
  followFocus = true;
  send({ type: 'message', text: label, value: { promptId, choiceId } }, label);
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data ?? {};
    if (data.type !== 'concerto.reminder' || !session) return;
    const { promptId, choiceId, action } = data;
    sayReminderChoice(new URLSearchParams({ reminder: promptId, choice: choiceId, action }));
  });
  navigator.serviceWorker.startMessages();
}

// --- start ---------------------------------------------------------------------------------

function restorePending() {
  for (const item of outbox) {
    if (item.label && !echoed.has(item.clientActivityId))
      bubble('me', item.label).dataset.clientId = item.clientActivityId;
  }
}

/** The invitation code of the address, tidied (`/c/rbx7kq.` → RBX7KQ), shown as `/c/RBX7KQ`. */
function invitationCode() {
  const code = invitationPath.exec(location.pathname)?.[1]?.toUpperCase() ?? '';
  if (code && location.pathname !== `/c/${code}`) history.replaceState(null, '', `/c/${code}`);
  return code;
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
  const code = invitationCode();
  if (fresh || (code && code !== readJson(inviteKey))) {
    // A link of another council on a phone that already talks: the bot decides what to do.
    writeJson(inviteKey, code);
    send({ type: 'event', name: 'start', value: code });
  } else {
    void flush();
  }
  if (!fresh) sayReminderChoice(new URLSearchParams(location.search));
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  draft = current ? { text, promptId: current.promptId, freeText: current.freeText } : null;
  typedOn = current?.promptId ?? '';
  $('text').value = '';
  fitTextarea();
  clearChoices();
  send({ type: 'message', text }, text);
});

$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

$('text').addEventListener('input', fitTextarea);

$('lang').addEventListener('click', () => {
  followFocus = true;
  send(
    { type: 'message', text: t('web.language'), value: { command: 'language' } },
    t('web.language'),
  );
});

window.addEventListener('online', () => void flush());
// The keyboard opening, a phone turned: lay the question out again.
window.addEventListener('resize', () => settle());

void start();
