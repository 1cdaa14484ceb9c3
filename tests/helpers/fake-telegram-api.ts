// A local Bot API for tests: grammY talks to it through TELEGRAM_API_ROOT. It answers the
// methods the bot uses like Telegram does, records every call, queues updates for long
// polling, and can be told to fail (429 with retry_after, 403 blocked, 500). Started with
// `limits`, it enforces Telegram's pace as Telegram does: a 429 with retry_after for a
// message beyond the overall budget or beyond a chat's short burst. `limitRate` adds a strict
// flood limit (more than N messages in any second: 429); `answerAfter` answers slowly.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { InlineKeyboardMarkup, Message, Update, User } from 'grammy/types';

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** performance.now() when the call arrived. */
  at: number;
  /** Answered with an error on purpose (failNext, failAtRandom, a blocked chat). */
  failed?: true;
  /** The HTTP status it was answered with (429 when over the limits). */
  status?: number;
}

/** Telegram's limits on messages (sent or edited), enforced when given. */
export interface FakeLimits {
  /** Messages per second across all chats (Telegram: about 30). */
  globalPerSecond: number;
  /** Messages one chat may take at once before the pace applies. */
  perChatBurst: number;
  /** Then one message per this many milliseconds to one chat (Telegram: about 1,000). */
  perChatIntervalMs: number;
}

type Failure = 429 | 403 | 500 | 502;

interface StoredMessage {
  chatId: number;
  messageId: number;
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
}

export const fakeBotInfo = {
  id: 7_000_000_001,
  is_bot: true,
  first_name: 'Concerto',
  username: 'concerto_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as const;

/** The methods that put a message in a chat, so Telegram's limits count them. */
const messageMethods = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup']);

/** The methods that put something in a chat, so a blocked chat refuses them. */
const chatMethods = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'sendChatAction',
]);

export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  private readonly queue: Update[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly callWatchers = new Set<(call: RecordedCall) => void>();
  private readonly failures = new Map<string, Failure[]>();
  private readonly blocked = new Set<number>();
  private readonly messages = new Map<string, StoredMessage>();
  /** Like Telegram for bots: message ids count up per chat, the person's and the bot's alike. */
  private readonly lastMessageIds = new Map<number, number>();
  private random: { rate: number; methods?: ReadonlySet<string>; next: () => number } | undefined;
  private nextUpdate = 1;
  private lastOffset = 0;
  private readonly pace: Pace | undefined;
  private flood?: { perSecond: number; retryAfter: number; accepted: number[] };
  private latencyMs = 0;
  private readonly accepted: { method: string; at: number }[] = [];
  /** Messages refused by the flood limit. */
  floodRefusals = 0;

  private constructor(
    private readonly server: Server,
    readonly token: string,
    limits: FakeLimits | undefined,
  ) {
    this.pace = limits ? new Pace(limits) : undefined;
  }

  static async start(
    token = '7000000001:TEST-token_for_the_fake_api',
    options: { limits?: FakeLimits } = {},
  ): Promise<FakeTelegramApi> {
    // As Telegram keeps connections: Node's 5 s default closes idle ones under a client
    // about to reuse them, and the request is lost with the connection.
    const server = createServer();
    server.keepAliveTimeout = 60_000;
    const fake = new FakeTelegramApi(server, token, options.limits);
    server.on('request', (req, res) => void fake.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get apiRoot(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Queues an update for getUpdates (polling mode). */
  push(...updates: Update[]): void {
    this.queue.push(...updates);
    for (const wake of this.waiters) wake();
  }

  /** The next `count` calls of `method` fail with this status. */
  failNext(method: string, count: number, status: Failure): void {
    this.failures.set(method, [
      ...(this.failures.get(method) ?? []),
      ...Array.from({ length: count }, () => status),
    ]);
  }

  /**
   * From now on each call (of `methods`, else of any method but getMe) fails with probability
   * `rate`: 429 asking to retry after a second, or 500 / 502, drawn from `seed`. Undefined stops it.
   */
  failAtRandom(options: { rate: number; methods?: string[]; seed?: number } | undefined): void {
    if (!options) {
      this.random = undefined;
      return;
    }
    let state = options.seed ?? 1;
    // mulberry32: small, seeded, good enough to pick failures.
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    this.random = {
      rate: options.rate,
      next,
      ...(options.methods ? { methods: new Set(options.methods) } : {}),
    };
  }

  /** Calls failed on purpose so far (failNext and failAtRandom). */
  failed = 0;

  /** From now on the bot gets 403 "bot was blocked by the user" for this chat. */
  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  /** The person unblocked the bot. */
  unblock(chatId: number): void {
    this.blocked.delete(chatId);
  }

  /**
   * From now on, a message beyond `perSecond` accepted in the last 1,000 ms (all chats
   * together, a sliding window) gets 429 `retry_after`, as Telegram answers a flood.
   */
  limitRate(perSecond: number, retryAfterSeconds = 1): void {
    this.flood = { perSecond, retryAfter: retryAfterSeconds, accepted: [] };
  }

  /** Every answer comes this much later (Telegram is a network away). */
  answerAfter(ms: number): void {
    this.latencyMs = ms;
  }

  /** When calls of `method` that were answered 200 arrived (performance.now()), in order. */
  acceptedAt(method: string): number[] {
    return this.accepted.filter((a) => a.method === method).map((a) => a.at);
  }

  /** Messages accepted so far, every chat together. */
  get messageCount(): number {
    return this.messages.size;
  }

  /** The first call, already made or to come, that `matches`; fails after `timeoutMs`. */
  callMatching(
    matches: (call: RecordedCall) => boolean,
    timeoutMs = 20_000,
  ): Promise<RecordedCall> {
    const made = this.calls.find(matches);
    if (made) return Promise.resolve(made);
    return new Promise((resolve, reject) => {
      const watch = (call: RecordedCall) => {
        if (!matches(call)) return;
        this.callWatchers.delete(watch);
        clearTimeout(timer);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.callWatchers.delete(watch);
        reject(new Error(`no matching call to the Bot API in ${timeoutMs} ms`));
      }, timeoutMs);
      this.callWatchers.add(watch);
    });
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The message as the chat shows it now (text and keyboard after edits). */
  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /** How many messages each chat holds (one pass: waves of thousands of chats). */
  messagesPerChat(): Map<number, number> {
    const per = new Map<number, number>();
    for (const m of this.messages.values()) per.set(m.chatId, (per.get(m.chatId) ?? 0) + 1);
    return per;
  }

  /** One chat's messages in the order they were sent, as they look now. */
  chatMessages(chatId: number): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId);
  }

  nextUpdateId(): number {
    return this.nextUpdate++;
  }

  /** The id of the next message in a chat (one the person sends, or the bot). */
  nextMessageId(chatId: number): number {
    const id = (this.lastMessageIds.get(chatId) ?? 0) + 1;
    this.lastMessageIds.set(chatId, id);
    return id;
  }

  /** Messages refused with 429 because they went over the limits. */
  get throttled(): number {
    return this.calls.filter((c) => c.status === 429).length;
  }

  /** Updates still waiting to be fetched (or fetched but not yet confirmed by a later offset). */
  pendingUpdates(): number {
    return this.queue.filter((u) => u.update_id >= this.lastOffset).length;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match || match[1] !== this.token)
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = match[2] ?? '';
    const params = await readParams(req);
    const at = performance.now();
    const call: RecordedCall = { method, params, at };
    this.calls.push(call);
    for (const watch of this.callWatchers) watch(call);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const answer = (status: number, body: unknown) => {
      call.status = status;
      reply(res, status, body);
    };
    const failure = this.failures.get(method)?.shift() ?? this.randomFailure(method);
    if (failure) {
      this.failed += 1;
      call.failed = true;
      return answer(failure, failureBody(failure));
    }
    if (chatMethods.has(method) && this.blocked.has(Number(params.chat_id))) {
      call.failed = true;
      return answer(403, failureBody(403));
    }
    const wait = messageMethods.has(method) ? this.pace?.take(Number(params.chat_id)) : 0;
    if (wait) return answer(429, tooManyRequests(Math.ceil(wait / 1000)));
    if (messageMethods.has(method) && this.flooded(at)) {
      this.floodRefusals += 1;
      return answer(429, tooManyRequests(this.flood?.retryAfter ?? 1));
    }
    if (method === 'getUpdates') return this.getUpdates(req, res, params);
    const refused = this.refusedEdit(method, params);
    if (refused) return answer(400, { ok: false, error_code: 400, description: refused });
    this.accepted.push({ method, at });
    return answer(200, { ok: true, result: this.answer(method, params) });
  }

  /** Whether a message arriving at `at` is over the flood limit (else it counts). */
  private flooded(at: number): boolean {
    const flood = this.flood;
    if (!flood) return false;
    const since = at - 1000;
    while ((flood.accepted[0] ?? Infinity) <= since) flood.accepted.shift();
    if (flood.accepted.length >= flood.perSecond) return true;
    flood.accepted.push(at);
    return false;
  }

  /** What Telegram answers to an edit of a message the bot did not send, or that changes nothing. */
  private refusedEdit(method: string, params: Record<string, unknown>): string | undefined {
    if (method !== 'editMessageText' && method !== 'editMessageReplyMarkup') return undefined;
    const before = this.messages.get(`${Number(params.chat_id)}:${Number(params.message_id)}`);
    if (!before) return 'Bad Request: message to edit not found';
    const text = method === 'editMessageText' ? String(params.text) : before.text;
    const markup = isKeyboard(params.reply_markup) ? params.reply_markup.inline_keyboard : [];
    const same =
      text === before.text &&
      JSON.stringify(markup) === JSON.stringify(before.replyMarkup?.inline_keyboard ?? []);
    return same
      ? 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message'
      : undefined;
  }

  private randomFailure(method: string): Failure | undefined {
    const random = this.random;
    if (!random || method === 'getMe' || (random.methods && !random.methods.has(method)))
      return undefined;
    if (random.next() >= random.rate) return undefined;
    const pick = random.next();
    return pick < 0.4 ? 429 : pick < 0.7 ? 500 : 502;
  }

  private answer(method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return fakeBotInfo;
      case 'sendMessage': {
        const stored = this.store(
          Number(params.chat_id),
          this.nextMessageId(Number(params.chat_id)),
          String(params.text),
          params.reply_markup,
        );
        return toMessage(stored);
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const key = `${Number(params.chat_id)}:${Number(params.message_id)}`;
        const before = this.messages.get(key);
        const text = method === 'editMessageText' ? String(params.text) : (before?.text ?? '');
        return toMessage(
          this.store(Number(params.chat_id), Number(params.message_id), text, params.reply_markup),
        );
      }
      default:
        // setWebhook, deleteWebhook, setMyCommands, sendChatAction, answerCallbackQuery…
        return true;
    }
  }

  private store(chatId: number, messageId: number, text: string, markup: unknown): StoredMessage {
    const stored: StoredMessage = { chatId, messageId, text };
    if (isKeyboard(markup) && markup.inline_keyboard.length > 0) stored.replyMarkup = markup;
    this.messages.set(`${chatId}:${messageId}`, stored);
    return stored;
  }

  /** Long polling: answers at once when updates are queued, else when one arrives or at `timeout`. */
  private async getUpdates(
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, unknown>,
  ): Promise<void> {
    const offset = Number(params.offset ?? 0);
    const limit = Number(params.limit ?? 100);
    const timeoutMs = Number(params.timeout ?? 0) * 1000;
    this.lastOffset = Math.max(this.lastOffset, offset);
    // Asking from an offset confirms everything below it, as Telegram does: forgotten.
    this.queue.splice(0, this.queue.length, ...this.queue.filter((u) => u.update_id >= offset));
    const available = () => this.queue.filter((u) => u.update_id >= offset).slice(0, limit);
    if (available().length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        this.waiters.add(wake);
        req.once('close', wake);
      });
    }
    reply(res, 200, { ok: true, result: available() });
  }
}

/** Builds updates as Telegram sends them, for one person or a group. */
export class UpdateFactory {
  constructor(private readonly fake: FakeTelegramApi) {}

  text(user: User, text: string): Update {
    return {
      update_id: this.fake.nextUpdateId(),
      message: { ...this.base(user), text, ...commandEntities(text) },
    };
  }

  photo(user: User): Update {
    const photo = [{ file_id: 'AgAD-photo', file_unique_id: 'photo-1', width: 90, height: 90 }];
    return { update_id: this.fake.nextUpdateId(), message: { ...this.base(user), photo } };
  }

  voice(user: User): Update {
    const voice = { file_id: 'AwAD-voice', file_unique_id: 'voice-1', duration: 3 };
    return { update_id: this.fake.nextUpdateId(), message: { ...this.base(user), voice } };
  }

  edited(user: User, text: string, messageId = 1): Update {
    const message = {
      ...this.base(user, messageId),
      text,
      edit_date: Math.floor(Date.now() / 1000),
    };
    return { update_id: this.fake.nextUpdateId(), edited_message: message };
  }

  group(user: User, text: string, chatId = -100_123): Update {
    const chat = {
      id: chatId,
      type: 'supergroup' as const,
      title: 'Conseil citoyen Nouveau Roubaix',
    };
    const message = {
      ...this.base(user, this.fake.nextMessageId(chatId)),
      chat,
      text,
      ...commandEntities(text),
    };
    return { update_id: this.fake.nextUpdateId(), message };
  }

  /** A tap on a button of a message the bot sent (as the chat shows it now). */
  callback(
    user: User,
    message: { messageId: number; text: string; replyMarkup?: InlineKeyboardMarkup },
    data: string,
  ): Update {
    const shown: Message = {
      ...this.base(user, message.messageId),
      from: { ...fakeBotInfo },
      message_id: message.messageId,
      text: message.text,
      ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
    };
    const query = {
      id: `cb-${this.fake.nextUpdateId()}`,
      from: user,
      chat_instance: `ci-${user.id}`,
      message: shown,
      data,
    };
    return { update_id: this.fake.nextUpdateId(), callback_query: query };
  }

  /** A message of this person's private chat; a new one unless its id is given. */
  private base(user: User, messageId = this.fake.nextMessageId(user.id)) {
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private' as const, first_name: user.first_name },
      from: user,
    };
  }
}

/** A leading /command is marked as such, as Telegram does. */
function commandEntities(text: string) {
  if (!text.startsWith('/')) return {};
  const length = text.split(/\s/)[0]?.length ?? 1;
  return { entities: [{ type: 'bot_command' as const, offset: 0, length }] };
}

function toMessage(stored: StoredMessage): Record<string, unknown> {
  return {
    message_id: stored.messageId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: stored.chatId, type: stored.chatId > 0 ? 'private' : 'supergroup' },
    from: fakeBotInfo,
    text: stored.text,
    ...(stored.replyMarkup ? { reply_markup: stored.replyMarkup } : {}),
  };
}

/**
 * Telegram's limits as token buckets: one for the whole bot (a second's worth of burst), one
 * per chat. A message over either is refused, and consumes nothing.
 */
class Pace {
  private readonly global: Bucket;
  private readonly chats = new Map<number, Bucket>();

  constructor(private readonly limits: FakeLimits) {
    this.global = new Bucket(limits.globalPerSecond, 1000 / limits.globalPerSecond);
  }

  /** 0 when the message may go now, else how many milliseconds until it may. */
  take(chatId: number): number {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = new Bucket(this.limits.perChatBurst, this.limits.perChatIntervalMs);
      this.chats.set(chatId, chat);
    }
    const wait = Math.max(chat.waitMs(), this.global.waitMs());
    if (wait > 0) return wait;
    chat.take();
    this.global.take();
    return 0;
  }
}

class Bucket {
  private tokens: number;
  private at = performance.now();

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
  ) {
    this.tokens = capacity;
  }

  waitMs(): number {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) / this.intervalMs);
    this.at = now;
    return this.tokens >= 1 ? 0 : (1 - this.tokens) * this.intervalMs;
  }

  take(): void {
    this.tokens -= 1;
  }
}

function tooManyRequests(seconds: number): Record<string, unknown> {
  return {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds}`,
    parameters: { retry_after: seconds },
  };
}

function failureBody(status: Failure): Record<string, unknown> {
  if (status === 429) return tooManyRequests(1);
  if (status === 403)
    return { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' };
  if (status === 502) return { ok: false, error_code: 502, description: 'Bad Gateway' };
  return { ok: false, error_code: 500, description: 'Internal Server Error' };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** JSON (what grammY sends), or a form whose values may be JSON-encoded. */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString('utf8');
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (text === '') return params;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? { ...params, ...Object.fromEntries(Object.entries(parsed)) }
      : params;
  }
  for (const [key, value] of new URLSearchParams(text)) params[key] = parseMaybeJson(value);
  return params;
}

function parseMaybeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function isKeyboard(value: unknown): value is InlineKeyboardMarkup {
  return (
    typeof value === 'object' &&
    value !== null &&
    'inline_keyboard' in value &&
    Array.isArray(value.inline_keyboard)
  );
}
