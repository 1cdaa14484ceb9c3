// Concerto's service worker: only for notifications (reminders, workshop invitations). It shows
// what the server pushed (bot/web-push/) and, on a tap, brings the chat back: the page resumes the
// conversation where the person stopped, and a button's choice (« Continuer »,
// « Ne plus me rappeler ») is said to the bot by the page, like any tap on a button.
// It caches nothing and intercepts no request: the chat works the same without it.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => event.waitUntil(showReminder(event.data)));

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openChat(event.notification.data, event.action));
});

/** The payload of bot/web-push/reminder-payload.ts as a notification. */
async function showReminder(data) {
  let payload = null;
  try {
    payload = data ? data.json() : null;
  } catch {
    payload = null;
  }
  if (!payload || typeof payload.body !== 'string') return;
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  await self.registration.showNotification(String(payload.title || 'Concerto'), {
    body: payload.body,
    lang: payload.lang === 'en' ? 'en' : 'fr',
    // One reminder on screen at a time: a newer one replaces the older. An invitation has its own.
    tag: payload.tag === 'concerto-invitation' ? 'concerto-invitation' : 'concerto-reminder',
    data: { promptId: String(payload.promptId ?? ''), actions },
    actions: actions.slice(0, 2).map((a) => ({ action: String(a.action), title: String(a.title) })),
  });
}

/** The chat's address for a tap: `?reminder=<prompt>&choice=<choice>&action=…` tells the page what to say. */
function chatUrl(data, action) {
  const url = new URL('/', self.location.origin);
  const actions = Array.isArray(data?.actions) ? data.actions : [];
  // A tap on the notification itself means « Continuer ».
  const chosen = actions.find((a) => a.action === (action || 'continue'));
  if (chosen && data.promptId) {
    url.searchParams.set('reminder', data.promptId);
    url.searchParams.set('choice', String(chosen.choiceId));
    url.searchParams.set('action', chosen.action === 'stop' ? 'stop' : 'continue');
  }
  return url;
}

/** Focuses an open chat (and tells it the choice), or opens one. */
async function openChat(data, action) {
  const url = chatUrl(data, action);
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (open) {
    open.postMessage({
      type: 'concerto.reminder',
      promptId: url.searchParams.get('reminder'),
      choiceId: url.searchParams.get('choice'),
      action: url.searchParams.get('action'),
    });
    return open.focus();
  }
  return self.clients.openWindow(url.href);
}

// For tests and debugging in a browser's console: the same functions the events call.
self.concertoPush = { showReminder, chatUrl, openChat };
