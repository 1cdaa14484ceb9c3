import type { Db } from 'mongodb';
import type { FakeTelegramApi, RecordedCall } from '../helpers/fake-telegram-api.js';

/** What each resident types, in turn: consent, then answers and detours the engine always replies to. */
const script = [
  'bonjour',
  'oui',
  'je ne sais pas',
  '1',
  '2',
  'aide',
  '1',
  'oui',
  '3',
  'non',
  '2',
  'résumé',
];

/** A retry after a refused or failed send: a client's backoff, not a wait for a signal. */
const retryMs = 150;

export interface ResidentTally {
  name: string;
  /** Messages sent until the server acknowledged each (HTTP 200). */
  acknowledged: number;
  /** Sends that failed (connection refused or reset, 5xx, 503 while stopping) and were retried. */
  retries: number;
}

/** Someone answering through the real HTTP entry points, retrying each message until it is acknowledged. */
export interface Resident {
  readonly tally: ResidentTally;
  /** Sends the next message (retrying until acknowledged); false once the script is done. */
  step(): Promise<boolean>;
}

/**
 * Keeps every resident stepping until `stop()` (each finishes the message it is sending),
 * calling `onAck` after each acknowledged message.
 */
export function runResidents(residents: Resident[], onAck: () => void) {
  let stopping = false;
  const runs = residents.map(async (resident) => {
    while (!stopping && (await resident.step())) onAck();
  });
  return {
    /** Every resident went through its whole script. */
    done: Promise.all(runs).then(() => undefined),
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(runs);
    },
  };
}

async function until<T>(attempt: () => Promise<T | undefined>, tally: ResidentTally): Promise<T> {
  for (;;) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
    tally.retries += 1;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

/** A web page on Direct Line: its session, its messages (each with a client id), its polls. */
export class DirectLineResident implements Resident {
  readonly tally: ResidentTally;
  private conversation: { conversationId: string; token: string } | undefined;
  /** The server's ids of the acknowledged messages, by client id. */
  readonly acknowledgedIds = new Map<string, string>();
  private next = 0;

  constructor(
    private readonly baseUrl: string,
    name: string,
    private readonly messages = script.length,
  ) {
    this.tally = { name, acknowledged: 0, retries: 0 };
  }

  async step(): Promise<boolean> {
    if (this.next >= this.messages) return false;
    const conversation = (this.conversation ??= await until(() => this.open(), this.tally));
    const clientActivityId = `${this.tally.name}-${this.next}`;
    const text = script[this.next % script.length] ?? 'oui';
    const id = await until(async () => {
      const res = await fetch(
        `${this.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${conversation.token}`,
          },
          body: JSON.stringify({ type: 'message', text, channelData: { clientActivityId } }),
        },
      );
      if (res.status !== 200) return undefined;
      const body: unknown = await res.json();
      return typeof body === 'object' && body !== null && 'id' in body
        ? String(body.id)
        : undefined;
    }, this.tally);
    this.acknowledgedIds.set(clientActivityId, id);
    this.next += 1;
    this.tally.acknowledged += 1;
    return true;
  }

  private async open() {
    const res = await fetch(`${this.baseUrl}/web/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (res.status !== 200) return undefined;
    const body: unknown = await res.json();
    if (typeof body !== 'object' || body === null || !('token' in body)) return undefined;
    return {
      conversationId: String(Reflect.get(body, 'conversationId')),
      token: String(body.token),
    };
  }

  /** Every activity of the conversation, as a page polling from the start sees them. */
  async activities(): Promise<Record<string, unknown>[]> {
    const conversation = this.conversation;
    if (!conversation) return [];
    const all: Record<string, unknown>[] = [];
    let watermark = '';
    for (;;) {
      const res = await fetch(
        `${this.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities?watermark=${watermark}`,
        { headers: { authorization: `Bearer ${conversation.token}` } },
      );
      const body: unknown = await res.json();
      const page = typeof body === 'object' && body !== null ? Reflect.get(body, 'activities') : [];
      const next =
        typeof body === 'object' && body !== null ? String(Reflect.get(body, 'watermark')) : '';
      if (!Array.isArray(page) || page.length === 0 || next === watermark) return all;
      for (const item of page)
        if (typeof item === 'object' && item !== null)
          all.push(Object.fromEntries(Object.entries(item)));
      watermark = next;
    }
  }

  /** What was lost or doubled: acknowledged messages without replies, doubled messages or replies. */
  async audit(db: Db): Promise<Audit> {
    const activities = await this.activities();
    const mine = activities.filter((a) => Reflect.get(Object(a.from), 'role') === 'user');
    const clientIds = mine.map((a) =>
      String(Reflect.get(Object(a.channelData), 'clientActivityId')),
    );
    const replies = activities.filter((a) => Reflect.get(Object(a.from), 'role') === 'bot');
    const byReplyTo = new Map<string, string[]>();
    for (const reply of replies) {
      const key = String(reply.replyToId);
      byReplyTo.set(key, [
        ...(byReplyTo.get(key) ?? []),
        `${String(reply.text)}|${JSON.stringify(reply.channelData ?? {})}`,
      ]);
    }
    const lostReplies = [...this.acknowledgedIds.values()].filter(
      (id) => !byReplyTo.has(id),
    ).length;
    const doubledReplies = [...byReplyTo.values()].filter(
      (texts) => new Set(texts).size !== texts.length,
    ).length;
    const userId = String(Reflect.get(Object(replies[0]?.recipient), 'id'));
    return {
      ...(await answersAudit(db, `web:${userId}`, this.tally)),
      doubledMessages: clientIds.length - new Set(clientIds).size,
      lostReplies,
      doubledReplies,
    };
  }
}

/** A Telegram chat over the webhook: each update posted until answered 200, as Telegram does. */
export class TelegramResident implements Resident {
  readonly tally: ResidentTally;
  private next = 0;
  /** For each acknowledged update: the Bot API calls to this chat while it was being delivered. */
  readonly repliesByUpdate = new Map<number, RecordedCall[]>();

  constructor(
    private readonly baseUrl: string,
    private readonly fake: FakeTelegramApi,
    private readonly secret: string,
    readonly chatId: number,
    private messages = script.length,
  ) {
    this.tally = { name: `telegram:${chatId}`, acknowledged: 0, retries: 0 };
  }

  /** Sends only the first `count` messages of the script. */
  limitedTo(count: number): this {
    this.messages = count;
    return this;
  }

  async step(): Promise<boolean> {
    if (this.next >= this.messages) return false;
    const text = script[this.next % script.length] ?? 'oui';
    const updateId = this.fake.nextUpdateId();
    const from = { id: this.chatId, is_bot: false, first_name: 'Awa', language_code: 'fr' };
    const update = {
      update_id: updateId,
      message: {
        message_id: updateId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: this.chatId, type: 'private', first_name: 'Awa' },
        from,
        text,
      },
    };
    const before = this.fake.calls.length;
    await until(async () => {
      const res = await fetch(`${this.baseUrl}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': this.secret,
        },
        body: JSON.stringify(update),
      });
      return res.status === 200 ? true : undefined;
    }, this.tally);
    const sent = this.fake.calls
      .slice(before)
      .filter(
        (c) => c.method === 'sendMessage' && !c.failed && Number(c.params.chat_id) === this.chatId,
      );
    this.repliesByUpdate.set(updateId, sent);
    this.next += 1;
    this.tally.acknowledged += 1;
    return true;
  }

  async audit(db: Db): Promise<Audit> {
    const replies = [...this.repliesByUpdate.values()];
    return {
      ...(await answersAudit(db, `telegram:${this.chatId}`, this.tally)),
      doubledMessages: 0,
      lostReplies: replies.filter((calls) => calls.length === 0).length,
      // Messages, not updates: a message sent again for the same update counts once more.
      doubledReplies: replies.reduce((doubled, calls) => {
        const texts = calls.map((c) => String(c.params.text));
        return doubled + texts.length - new Set(texts).size;
      }, 0),
    };
  }
}

export interface Audit {
  name: string;
  acknowledged: number;
  retries: number;
  committedTurns: number;
  lostAnswers: number;
  duplicateAnswers: number;
  doubledMessages: number;
  lostReplies: number;
  /** Web: messages whose replies came twice. Telegram: messages sent again for the same update. */
  doubledReplies: number;
}

/** Acknowledged messages against the turns committed for the identity: lost and doubled answers. */
async function answersAudit(db: Db, identityKey: string, tally: ResidentTally) {
  const turns = await committedTurns(db, identityKey);
  return {
    name: tally.name,
    acknowledged: tally.acknowledged,
    retries: tally.retries,
    committedTurns: turns,
    lostAnswers: Math.max(0, tally.acknowledged - turns),
    duplicateAnswers: Math.max(0, turns - tally.acknowledged),
  };
}

/** Every resident's audit, in order. */
export async function auditAll(
  residents: readonly { audit(db: Db): Promise<Audit> }[],
  db: Db,
): Promise<Audit[]> {
  const audits: Audit[] = [];
  for (const resident of residents) audits.push(await resident.audit(db));
  return audits;
}

/** Turns committed for an identity: its participant's version (one per turn, duplicates excluded). */
async function committedTurns(db: Db, identityKey: string): Promise<number> {
  const identity = await db
    .collection<{ _id: string; participantId: string }>('identities')
    .findOne({ _id: identityKey });
  if (!identity) return 0;
  const participant = await db
    .collection<{ _id: string; version: number }>('participants')
    .findOne({ _id: identity.participantId });
  return participant?.version ?? 0;
}

/** The sums of a set of audits, for assertions and the reliability report. */
export function totals(audits: Audit[]): Omit<Audit, 'name'> {
  const sum = (key: keyof Omit<Audit, 'name'>) => audits.reduce((n, a) => n + a[key], 0);
  return {
    acknowledged: sum('acknowledged'),
    retries: sum('retries'),
    committedTurns: sum('committedTurns'),
    lostAnswers: sum('lostAnswers'),
    duplicateAnswers: sum('duplicateAnswers'),
    doubledMessages: sum('doubledMessages'),
    lostReplies: sum('lostReplies'),
    doubledReplies: sum('doubledReplies'),
  };
}

/** Counts acknowledged messages and lets a test wait until there are at least so many. */
export function ackCounter() {
  let count = 0;
  let waiting: { count: number; resolve: () => void }[] = [];
  return {
    get count() {
      return count;
    },
    onAck(): void {
      count += 1;
      const ready = waiting.filter((w) => w.count <= count);
      waiting = waiting.filter((w) => w.count > count);
      for (const w of ready) w.resolve();
    },
    atLeast(target: number): Promise<void> {
      if (count >= target) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count: target, resolve }));
    },
  };
}
