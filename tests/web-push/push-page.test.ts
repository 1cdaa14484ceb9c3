import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderPayload } from '../../bot/web-push/reminder-payload.js';
import { resolveVapidDetails } from '../../bot/web-push/vapid-details.js';
import { createWebPushTransport } from '../../bot/web-push/web-push-transport.js';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { DirectLineRepository } from '../../storage/directline-repository.js';
import {
  startFakePushService,
  type FakePushService,
  type FakeSubscription,
} from '../helpers/fake-push-service.js';
import { launchChromium } from '../helpers/launch-chromium.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import {
  axeViolations,
  botCount,
  promptOnScreen,
  readabilityProblems,
  settled,
  waitForBot,
} from '../web/chat-page-driver.js';
import { startWebServer, type WebServer } from '../web/start-web-server.js';
import { reminderMessage } from './reminder-message.js';

let web: WebServer;
let service: FakePushService;
let browser: Browser;
let serverKey: string;

const fr = () => web.runtime.catalog.fr;
const message = reminderMessage;

beforeAll(async () => {
  web = await startWebServer();
  await importCouncils(web.runtime.db, [roubaixRow]);
  await addInvitationCode(web.runtime.db, 'QN05981M', 'RBX7KQ');
  await web.runtime.refreshCouncils();
  service = await startFakePushService();
  browser = await launchChromium();
  const res = await fetch(`${web.baseUrl}/web/push/key`);
  serverKey = String(Object(await res.json()).publicKey);
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await web?.stop();
});

async function phone(options: { notifications?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    hasTouch: true,
    isMobile: true,
    locale: 'fr-FR',
    reducedMotion: 'reduce',
    bypassCSP: true, // lets the test inject axe-core; the page itself runs under its CSP
  });
  if (options.notifications)
    await context.grantPermissions(['notifications'], { origin: web.baseUrl });
  return context;
}

/**
 * Stands in for the browser's own push service registration, the one part Chromium cannot do
 * here: `pushManager.subscribe` asks Google's servers for an endpoint (offline it never
 * answers, and Playwright's contexts are incognito, where Chromium refuses it). Everything
 * else is real: the permission, the service worker, our routes and storage. The endpoint and
 * keys are those of the local push service, which decrypts what is sent to them.
 */
async function standInPushRegistration(context: BrowserContext, subscription: FakeSubscription) {
  await context.addInitScript((json) => {
    const calls: { userVisibleOnly: boolean; key: string }[] = [];
    let current: unknown = null;
    const base64url = (bytes: Uint8Array) =>
      btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    Reflect.set(window, 'pushCalls', calls);
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const key = options?.applicationServerKey;
      const bytes = key instanceof Uint8Array ? key : new Uint8Array(0);
      calls.push({ userVisibleOnly: options?.userVisibleOnly === true, key: base64url(bytes) });
      current = {
        endpoint: json.endpoint,
        expirationTime: null,
        options: { userVisibleOnly: true, applicationServerKey: bytes.buffer },
        toJSON: () => json,
        unsubscribe: async () => {
          current = null;
          return true;
        },
      };
      return Object(current);
    };
    PushManager.prototype.getSubscription = async () => (current === null ? null : Object(current));
  }, subscription.json);
}

/** Answers the question on screen: the first option, two ticks, or a sentence. */
async function answerOne(page: Page): Promise<void> {
  const prompt = await promptOnScreen(page);
  const bots = await botCount(page);
  const options = prompt.choices.filter((c) => !c.choiceId.startsWith('_'));
  if (prompt.multiSelect) {
    await page.locator(`#choices button[data-choice="${options[0]?.choiceId}"]`).click();
    await settled(page);
    await page.locator('#actions button[data-choice="_done"]').click();
  } else if (options[0]) {
    await page.locator(`#answer button[data-choice="${options[0].choiceId}"]`).click();
  } else {
    await page.locator('#text').fill('Plus de bus le soir.');
    await page.locator('#text').press('Enter');
  }
  await waitForBot(page, bots);
}

async function startChat(page: Page): Promise<void> {
  await page.goto(`${web.baseUrl}/c/RBX7KQ`);
  const accept = page.locator('#answer button[data-choice="yes"]');
  await accept.waitFor();
  const bots = await botCount(page);
  await accept.click();
  await waitForBot(page, bots);
}

async function participantIdOf(page: Page): Promise<string> {
  const conversationId = await page.evaluate(
    () => JSON.parse(localStorage.getItem('concerto.session') ?? '{}').conversationId,
  );
  const conversation = await new DirectLineRepository(web.runtime.db).findConversation(
    String(conversationId),
  );
  const loaded = await web.runtime.storage.participants.load({
    channel: 'web',
    externalId: conversation?.userId ?? '',
  });
  return loaded?.participantId ?? '';
}

async function answersOf(page: Page): Promise<number> {
  return web.runtime.db
    .collection('answers')
    .countDocuments({ participantId: await participantIdOf(page) });
}

const offerShown = (page: Page) => page.locator('#push-offer .push-buttons').isVisible();

/** The whole offer is within the conversation's visible part. */
function offerInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const offer = document.getElementById('push-offer')?.getBoundingClientRect();
    const main = document.getElementById('main')?.getBoundingClientRect();
    return Boolean(offer && main && offer.top >= main.top && offer.bottom <= main.bottom);
  });
}

/** Answers until three answers are stored, checking at each step that nothing is offered yet. */
async function answerThree(page: Page): Promise<void> {
  for (let step = 0; step < 10 && (await answersOf(page)) < 3; step += 1) {
    expect(await offerShown(page), `offered after ${await answersOf(page)} answers`).toBe(false);
    await answerOne(page);
  }
  expect(await answersOf(page)).toBe(3);
}

describe('the chat page offers reminders by notification', () => {
  it('asks only after three answers, in plain words, reachable by keyboard; « non » is remembered', async () => {
    const context = await phone();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    let permissionAsked = false;
    await page.exposeFunction('permissionAsked', () => {
      permissionAsked = true;
    });
    await page.addInitScript(() => {
      const ask = Notification.requestPermission.bind(Notification);
      Notification.requestPermission = () => {
        Reflect.get(window, 'permissionAsked')();
        return ask();
      };
    });
    await startChat(page);
    expect(await offerShown(page)).toBe(false);
    await answerThree(page);

    await page.locator('#push-offer .push-buttons').waitFor();
    expect(await page.locator('#push-text').textContent()).toBe(fr()['web.push.offer']);
    // Beside a question with a long list there may be no room for it: it waits for one with room.
    for (let step = 0; step < 5 && !(await offerInView(page)); step += 1) await answerOne(page);
    expect(await offerInView(page)).toBe(true);
    expect(await readabilityProblems(page)).toEqual([]);
    // In the conversation's log (announced), just above the question, a group named by its text.
    const group = page.locator('#push-offer [role=group]');
    expect(await group.getAttribute('aria-labelledby')).toBe('push-text');
    expect(
      await page.locator('#push-offer').evaluate((li) => ({
        live: li.closest('[aria-live]')?.getAttribute('aria-live'),
        before: li.nextElementSibling?.classList.contains('current'),
      })),
    ).toEqual({ live: 'polite', before: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-artifacts/web/push-offer-360x640.png' });
    expect(permissionAsked).toBe(false);

    // From the question, Tab still goes on to its answers; Shift+Tab reaches « Non merci ».
    await page.locator('#log .msg.current').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#answer') !== null)).toBe(
      true,
    );
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('push-no');
    await page.keyboard.press('Enter');
    expect(await offerShown(page)).toBe(false);
    expect(await page.locator('#push-text').textContent()).toBe(fr()['web.push.declined']);
    expect(await page.evaluate(() => localStorage.getItem('concerto.push'))).toBe('"no"');
    // The focus does not fall back to the page: it is on the question again.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('current'))).toBe(
      true,
    );
    expect(permissionAsked).toBe(false);

    // Later, and on the next visit: never asked again.
    await answerOne(page);
    expect(await offerShown(page)).toBe(false);
    await page.reload();
    await page.locator('#log .msg.bot').first().waitFor();
    await settled(page);
    await answerOne(page);
    await answerOne(page);
    expect(await page.locator('#push-offer').count()).toBe(0);
    expect(permissionAsked).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('is not offered where the browser has no Web Push, and the chat goes on the same', async () => {
    const context = await phone();
    // Safari on an iPhone, outside a home-screen app: no PushManager at all.
    await context.addInitScript(() => Reflect.deleteProperty(window, 'PushManager'));
    const page = await context.newPage();
    await startChat(page);
    await answerThree(page);
    await answerOne(page);
    expect(await answersOf(page)).toBe(4);
    expect(await page.locator('#push-offer').count()).toBe(0);
    await context.close();
  }, 90_000);

  it('« oui »: registers the service worker, stores the subscription; a reminder shows and its buttons go through the bot', async () => {
    const context = await phone({ notifications: true });
    const first = service.subscribe(serverKey);
    await standInPushRegistration(context, first);
    const page = await context.newPage();
    await startChat(page);
    await answerThree(page);
    await page.locator('#push-offer .push-buttons').waitFor();
    const stored = page.waitForResponse((r) => r.url().endsWith('/web/push/subscription'));
    await page.locator('#push-yes').click();
    expect((await stored).status()).toBe(201);
    await page.waitForFunction(
      (text) => document.getElementById('push-text')?.textContent === text,
      fr()['web.push.done'],
    );
    expect(await page.evaluate(() => Reflect.get(window, 'pushCalls'))).toEqual([
      { userVisibleOnly: true, key: serverKey },
    ]);
    const participantId = await participantIdOf(page);
    const subscription = await web.runtime.storage.pushSubscriptions.get(participantId);
    expect(subscription?.subscription).toEqual(first.json);
    const worker = await serviceWorker(context);
    expect(new URL(worker.url()).pathname).toBe('/push-worker.js');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(
      `${web.baseUrl}/`,
    );

    // A reminder: encrypted and signed for the local push service, which decrypts it…
    const { vapid } = await resolveVapidDetails(web.runtime.config, web.runtime.db);
    const transport = createWebPushTransport({
      subscriptions: web.runtime.storage.pushSubscriptions,
      vapid,
      agent: service.agent,
    });
    const target = await web.runtime.storage.participants.get(participantId);
    expect(await transport.send(target!, message)).toEqual({ kind: 'sent' });
    const pushed = service.received.find((p) => p.subscriptionId === first.id);
    expect(JSON.parse(pushed?.text ?? '')).toEqual(reminderPayload(message));
    // …and hands it to the browser (Chromium's own push delivery, through DevTools).
    await deliverPush(page, pushed?.text ?? '');
    const shown = await notificationsOf(worker, 1);
    expect(shown).toEqual([
      {
        title: message.title,
        body: message.text,
        lang: 'fr',
        tag: 'concerto-reminder',
        actions: [
          { action: 'continue', title: 'Continuer' },
          { action: 'stop', title: 'Ne plus me rappeler' },
        ],
        data: { promptId: '_reminder', actions: reminderPayload(message).actions },
      },
    ]);

    // « Ne plus me rappeler » on the notification, the chat open: the page says it to the bot.
    const question = (await promptOnScreen(page)).promptId;
    const botsBefore = await botCount(page);
    const said = page.waitForRequest(
      (r) =>
        r.method() === 'POST' &&
        /\/activities$/.test(r.url()) &&
        /_reminder/.test(r.postData() ?? ''),
    );
    await worker.evaluate(async () => {
      const registration: ServiceWorkerRegistration = Reflect.get(self, 'registration');
      const [notification] = await registration.getNotifications();
      // Outside a real tap the browser refuses to focus the window; the message is sent first.
      await Reflect.get(self, 'concertoPush')
        .openChat(notification?.data, 'stop')
        .catch(() => undefined);
    });
    expect(JSON.parse((await said).postData() ?? '{}')).toMatchObject({
      type: 'message',
      text: 'Ne plus me rappeler',
      value: { promptId: '_reminder', choiceId: '/stop' },
    });
    await waitForBot(page, botsBefore);
    expect(await page.locator('#log .msg.bot').last().textContent()).toContain(
      fr()['stop.done']?.split('\n')[0],
    );
    expect((await web.runtime.storage.participants.get(participantId))?.remindersOff).toBe(true);

    // The chat closed: a tap opens it at `?reminder=…`; the page says « Continuer » and tidies the address.
    const href = await worker.evaluate(async () => {
      const registration: ServiceWorkerRegistration = Reflect.get(self, 'registration');
      const [notification] = await registration.getNotifications();
      return String(Reflect.get(self, 'concertoPush').chatUrl(notification?.data, ''));
    });
    expect(new URL(href).searchParams.get('choice')).toBe('/resume');
    const resumed = page.waitForRequest(
      (r) =>
        r.method() === 'POST' && /\/activities$/.test(r.url()) && /resume/.test(r.postData() ?? ''),
    );
    const answered = page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' &&
        /\/activities$/.test(r.url()) &&
        /resume/.test(r.request().postData() ?? ''),
    );
    await page.goto(href);
    expect(JSON.parse((await resumed).postData() ?? '{}')).toMatchObject({
      text: 'Continuer',
      value: { promptId: '_reminder', choiceId: '/resume' },
    });
    expect(new URL(page.url()).search).toBe('');
    // The bot asks their question again: the conversation goes on where they stopped.
    expect((await answered).status()).toBe(200);
    await settled(page);
    expect((await promptOnScreen(page)).promptId).toBe(question);

    // A browser that renewed its subscription: the next visit replaces the stored one.
    const second = service.subscribe(serverKey);
    await standInPushRegistration(context, second);
    const replaced = page.waitForResponse((r) => r.url().endsWith('/web/push/subscription'));
    await page.reload();
    expect((await replaced).status()).toBe(200);
    expect((await web.runtime.storage.pushSubscriptions.get(participantId))?.subscription).toEqual(
      second.json,
    );

    // « supprimer »: the subscription goes with everything else.
    await settled(page);
    let bots = await botCount(page);
    await page.locator('#text').fill('supprimer');
    await page.locator('#text').press('Enter');
    await waitForBot(page, bots);
    bots = await botCount(page);
    await page.locator('#answer button[data-choice="yes"]').click();
    await waitForBot(page, bots);
    expect(await web.runtime.storage.participants.get(participantId)).toBeNull();
    expect(await web.runtime.storage.pushSubscriptions.get(participantId)).toBeNull();
    await context.close();
  }, 120_000);

  it('shows nothing for a push it cannot read', async () => {
    const context = await phone({ notifications: true });
    const page = await context.newPage();
    await page.goto(`${web.baseUrl}/`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/push-worker.js');
      await navigator.serviceWorker.ready;
    });
    const worker = await serviceWorker(context);
    await deliverPush(page, 'not json');
    await deliverPush(page, JSON.stringify({ title: 'no body' }));
    // Push events are handled in order: once this one shows, the two before showed nothing.
    await deliverPush(page, JSON.stringify(reminderPayload(message)));
    expect((await notificationsOf(worker, 1)).map((n) => n.body)).toEqual([message.text]);
    await context.close();
  });
});

async function serviceWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

/** Delivers a push message to the page's service worker as Chromium's push service would. */
async function deliverPush(page: Page, data: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => {
      const found = event.registrations.find((r) => !r.isDeleted);
      if (found) resolve(found.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: `${web.baseUrl}/`,
    registrationId: await registrationId,
    data,
  });
  await cdp.detach();
}

/** The notifications the service worker shows, once there are `count` of them. */
async function notificationsOf(worker: Worker, count: number) {
  return worker.evaluate(async (wanted) => {
    const registration: ServiceWorkerRegistration = Reflect.get(self, 'registration');
    for (;;) {
      const shown = await registration.getNotifications();
      if (shown.length >= wanted)
        return shown.map((n) => ({
          title: n.title,
          body: n.body,
          lang: n.lang,
          tag: n.tag,
          actions: (Reflect.get(n, 'actions') ?? []).map(
            (a: { action: string; title: string }) => ({
              action: a.action,
              title: a.title,
            }),
          ),
          data: n.data,
        }));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, count);
}
