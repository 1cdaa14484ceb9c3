import { expect } from 'vitest';

export interface Bot {
  text: string;
  promptId?: string | undefined;
  choices: { choiceId: string; title: string }[];
}

export interface Conversation {
  conversationId: string;
  token: string;
}

/** Plain HTTP calls to our Direct Line, as the chat page makes them. */
export function directLineHttp(baseUrl: string) {
  const api = `${baseUrl}/v3/directline`;
  const json = async (res: Response): Promise<Record<string, unknown>> => {
    const body: unknown = await res.json();
    if (typeof body !== 'object' || body === null) throw new Error('expected a JSON object');
    return Object.fromEntries(Object.entries(body));
  };
  return {
    async session(token?: string): Promise<Response> {
      return fetch(`${baseUrl}/web/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(token ? { token } : {}),
      });
    },
    async open(): Promise<Conversation> {
      const res = await this.session();
      expect(res.status).toBe(200);
      const body = await json(res);
      return { conversationId: String(body.conversationId), token: String(body.token) };
    },
    async post(conv: Conversation, activity: unknown, token = conv.token): Promise<Response> {
      return fetch(`${api}/conversations/${conv.conversationId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(activity),
      });
    },
    async poll(conv: Conversation, watermark = '', token = conv.token): Promise<Response> {
      return fetch(
        `${api}/conversations/${conv.conversationId}/activities?watermark=${watermark}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
    },
    /** Sends one activity and returns the bot's replies to it (stored before the POST returned). */
    async say(conv: Conversation, activity: Record<string, unknown>): Promise<Bot[]> {
      const res = await this.post(conv, activity);
      expect(res.status).toBe(200);
      const { id } = await json(res);
      const all = await json(await this.poll(conv));
      const activities = Array.isArray(all.activities) ? all.activities : [];
      return activities.flatMap((a: unknown) => (isReplyTo(a, String(id)) ? [toBot(a)] : []));
    },
    json,
  };
}

function isReplyTo(a: unknown, id: string): a is Record<string, unknown> {
  return typeof a === 'object' && a !== null && 'replyToId' in a && a.replyToId === id;
}

function toBot(a: Record<string, unknown>): Bot {
  const channelData = record(a.channelData);
  const actions = Array.isArray(record(a.suggestedActions).actions)
    ? record(a.suggestedActions).actions
    : [];
  const list: unknown[] = Array.isArray(actions) ? actions : [];
  return {
    text: String(a.text ?? ''),
    promptId: typeof channelData.promptId === 'string' ? channelData.promptId : undefined,
    choices: list.map((action) => {
      const r = record(action);
      return { choiceId: String(record(r.value).choiceId), title: String(r.title) };
    }),
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null
    ? Object.fromEntries(Object.entries(value))
    : {};
}
