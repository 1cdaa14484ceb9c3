/** One bot message as the web page reads it. */
interface WebReply {
  text: string;
  promptId: string | undefined;
  choices: string[];
}

export interface WebResidentOptions {
  baseUrl: string;
  /** A distinct client address (X-Forwarded-For, the servers run with TRUST_PROXY=true). */
  address: string;
  thinkMs: () => number;
  until: number;
  /**
   * Each answer's round trip: the POST and the GET that reads its replies; a failure names
   * its cause (an HTTP status, or the error's code such as UND_ERR_CONNECT_TIMEOUT).
   */
  onAnswer: (ms: number, ok: boolean, cause?: string) => void;
}

/**
 * A resident on the web chat over real HTTP, as the page does it: a session, then each answer
 * POSTed to Direct Line and its replies read with the watermark; taps « C'est tout »/« Oui »
 * when offered, else the first real choice, else types. Stops at the end of the questionnaire
 * or at `until`. A failed request counts as an error and ends this resident.
 */
export async function webResident(options: WebResidentOptions): Promise<void> {
  // A refused or timed-out connection is an error of the run, not a crash of the benchmark.
  const started = performance.now();
  await converse(options).catch((error: unknown) =>
    options.onAnswer(performance.now() - started, false, failureCause(error)),
  );
}

async function converse(options: WebResidentOptions): Promise<void> {
  const headers = { 'content-type': 'application/json', 'x-forwarded-for': options.address };
  const session = await fetch(`${options.baseUrl}/web/session`, {
    method: 'POST',
    headers,
    body: '{}',
  });
  if (session.status !== 200) {
    options.onAnswer(0, false, `session ${session.status}`);
    return;
  }
  const { conversationId, token } = await objectOf(session);
  const api = `${options.baseUrl}/v3/directline/conversations/${String(conversationId)}/activities`;
  const auth = { ...headers, authorization: `Bearer ${String(token)}` };
  let watermark = '';
  const say = async (activity: Record<string, unknown>): Promise<WebReply[] | undefined> => {
    const started = performance.now();
    const posted = await fetch(api, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(activity),
    });
    await posted.arrayBuffer();
    const read = posted.ok
      ? await fetch(`${api}?watermark=${watermark}`, { headers: auth })
      : posted;
    const ok = posted.ok && read.ok;
    const body = ok ? await objectOf(read) : {};
    options.onAnswer(
      performance.now() - started,
      ok,
      ok ? undefined : posted.ok ? `GET ${read.status}` : `POST ${posted.status}`,
    );
    if (!ok) return undefined;
    watermark = String(body.watermark ?? watermark);
    const activities: unknown[] = Array.isArray(body.activities) ? body.activities : [];
    return activities.map(replyOf).filter((r) => r !== undefined);
  };
  let replies = await say({ type: 'event', name: 'start', value: 'RBX7KQ' });
  for (let turn = 0; turn < 150 && replies; turn += 1) {
    const last = replies.at(-1);
    if (!last || /Merci beaucoup pour votre participation/.test(last.text)) return;
    await new Promise((resolve) => setTimeout(resolve, options.thinkMs()));
    if (performance.now() > options.until) return;
    const pick =
      last.choices.find((c) => ['_done', 'confirm', 'yes'].includes(c)) ??
      last.choices.find((c) => !c.startsWith('_') && c !== 'other' && c !== 'none');
    replies = await say(
      pick && last.promptId
        ? { type: 'message', value: { promptId: last.promptId, choiceId: pick } }
        : { type: 'message', text: 'Des bus plus tard le soir' },
    );
  }
}

/** What made a request fail, in a word: fetch's own error code, else the error's name. */
export function failureCause(error: unknown): string {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code = recordOf(cause).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

function replyOf(activity: unknown): WebReply | undefined {
  const a = recordOf(activity);
  if (recordOf(a.from).role === 'user' || a.type !== 'message') return undefined;
  const channelData = recordOf(a.channelData);
  const actions = recordOf(a.suggestedActions).actions;
  return {
    text: String(a.text ?? ''),
    promptId: typeof channelData.promptId === 'string' ? channelData.promptId : undefined,
    choices: (Array.isArray(actions) ? actions : []).map((action: unknown) =>
      String(recordOf(recordOf(action).value).choiceId),
    ),
  };
}

async function objectOf(res: Response): Promise<Record<string, unknown>> {
  return recordOf(await res.json());
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null
    ? Object.fromEntries(Object.entries(value))
    : {};
}
