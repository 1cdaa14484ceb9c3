import fc from 'fast-check';
import type { Route } from '../../bot/http/create-http-server.js';
import { callbackDataFor } from '../../bot/telegram/callback-data.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';

/** One HTTP request as the fuzzer sends it; `raw` bytes go out on a socket as they are. */
export interface FuzzRequest {
  /** Which entry point it aims at (for the counts in docs/RELIABILITY.md). */
  entry: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent byte for byte on a fresh socket instead (hostile targets, broken HTTP). */
  raw?: string;
  /** For the token properties: the token this request carries was mutated from a valid one. */
  mutatedToken?: boolean;
}

/** What the fuzzer knows of the server it attacks: its routes and the credentials it holds. */
export interface FuzzContext {
  routes: readonly Route[];
  directLineSecret: string;
  webhookSecret: string;
  /** Open conversations and their valid tokens. */
  conversations: { conversationId: string; token: string }[];
  /** A loopback address that answers like a Bot Framework connector. */
  serviceUrl: string;
}

// ---------------------------------------------------------------- chat fields

/** Characters that broke or could break something: halves of emoji, NUL, bidi, operators. */
const hostileChar = fc.constantFrom(
  '\u0000',
  '\ud83d',
  '\ude00',
  '\udfff',
  '👍🏽',
  '🇫🇷',
  '👨‍👩‍👧',
  'é',
  'e\u0301',
  '\u202e',
  '\ufeff',
  '\u2028',
  '\n',
  '\r\n',
  '\t',
  '"',
  "'",
  '\\',
  '$',
  '.',
  '{',
  '%',
  '%00',
  '<script>',
  'ﷺ',
  '𝕏',
  ' ',
);

/** U+FFFD and "[object " are what a broken write leaves: kept out of inputs so the store check can see them. */
const clean = (text: string) => text.replaceAll('\ufffd', '').replaceAll('[object ', '[obj ');

const words = fc.constantFrom(
  'oui',
  'non',
  'aide',
  'supprimer',
  'code',
  'pause',
  'retour',
  'résumé',
  '1',
  '2',
  '5',
  'autre',
  'je ne sais pas',
  'Roubaix',
  'stop',
  'help',
  'yes',
  '/start',
  '/start RBX7KQ',
  '/start ' + 'x'.repeat(70),
  '/stats',
  '/remind',
  '/coordinator ABCDEFGHJK',
  'Plus de bus le soir et une salle pour les jeunes.',
);

/** A chat message text: words the bot knows, any graphemes or code points, hostile characters, long ones. */
export const chatText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: words },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 3, arbitrary: fc.string({ unit: hostileChar, maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', '👍', 'é', 'e\u0301', '🇫🇷'),
          fc.integer({ min: 990, max: 4100 }),
        )
        .map(([char, count]) => char.repeat(Math.ceil(count / char.length))),
    },
  )
  .map(clean);

const hostileKey = fc.oneof(
  fc.constantFrom(
    '$where',
    '$gt',
    '$set',
    'a.b',
    '.',
    '\u0000',
    '',
    'promptId',
    'choiceId',
    'command',
    '__proto__',
    'constructor',
    '\ud800',
  ),
  fc.string({ maxLength: 8 }),
);
const leaf = fc.oneof(
  chatText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(2 ** 53 + 1, -0, 1e308),
);

/** A JSON value with every shape FerretDB or MongoDB might refuse: `$` and dotted keys, arrays in arrays, depth. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(hostileKey.map(clean), tie('node'), { maxKeys: 4 }),
  ),
})).node;

const consultation = (() => {
  const loaded = shippedConsultation();
  if (!loaded.ok) throw new Error('the shipped consultation does not load');
  return loaded.consultation;
})();
const promptIds = [
  '_consent',
  '_council',
  '_review',
  '_done',
  ...consultation.themes.flatMap((theme) => theme.questions.map((q) => q.id)),
];
const choiceIds = [
  'yes',
  'no',
  '_skip',
  '_done',
  'confirm',
  'other',
  '_no_opinion',
  ...consultation.themes.flatMap((theme) =>
    theme.questions.flatMap((q) => ('choices' in q ? q.choices.map((c) => c.id) : [])),
  ),
];

/** A button's value: mostly real prompt and choice ids (so turns go deep), sometimes not. */
export const choiceValue = fc.record({
  promptId: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...promptIds) }, chatText),
  choiceId: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...choiceIds) }, chatText),
});

const commandValue = fc.record({
  command: fc.oneof(
    fc.constantFrom('help', 'pause', 'summary', 'delete', 'back', 'code'),
    chatText,
  ),
});

// ---------------------------------------------------------------- HTTP pieces

const hostileTargets = [
  '//',
  '///',
  '//a:b',
  '//%',
  '/\\',
  '/\\\\x',
  '//a:b/c?d=%',
  '/%',
  '/%E0%A4%A',
  '/static/%',
  '/static/%E0%A4%A',
  '/c/%',
  '/c/%FF',
  '/v3/directline/conversations/%/activities',
  '/v3/directline/conversations/%E0%A4%A/stream',
  '/..%2f..%2fetc/passwd',
  '/%2e%2e/%2e%2e/',
  '*',
  'http://a:b/x',
  'http://[::1/x',
  '/?' + 'a'.repeat(9000),
  '/' + 'a'.repeat(20_000),
];

/** Printable ASCII: what the HTTP client accepts in a header value. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'Application/JSON; charset=UTF-8',
      'APPLICATION/JSON',
      'application/json;charset=latin1',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      'application/jsonx',
    ),
  },
  headerText,
);

const forwardedHeaders = fc.dictionary(
  fc.constantFrom(
    'x-forwarded-for',
    'forwarded',
    'x-real-ip',
    'x-forwarded-proto',
    'x-forwarded-host',
    'via',
  ),
  fc.constantFrom(
    '203.0.113.7',
    '127.0.0.1',
    'for=203.0.113.7',
    'https',
    'evil.example',
    '1.1 proxy',
    'unknown, 10.0.0.1',
  ),
  { maxKeys: 2 },
);

const otherHeaders = fc.dictionary(
  fc.constantFrom(
    'accept-encoding',
    'accept-language',
    'cookie',
    'origin',
    'referer',
    'x-telegram-bot-api-secret-token',
    'user-agent',
    'if-none-match',
    'range',
  ),
  headerText,
  { maxKeys: 3 },
);

/** A body: JSON of `value`, cut short, numbers JSON cannot write, nesting, or anything. */
function bodyOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.tuple(value, fc.nat()).map(([v, at]) => {
        const text = JSON.stringify(v) ?? '';
        return text.slice(0, at % (text.length + 1));
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '1e999',
        '{"value":1e999}',
        '{"type":"message","value":{"a":-1e999}}',
        '{"type":"message","text":"\\ud800"}',
        '{"type":"message","text":"a\\u0000b"}',
        '{"__proto__":{"admin":true},"type":"message","text":"x"}',
        '['.repeat(5000) + ']'.repeat(5000),
        '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
        '"' + 'x'.repeat(70_000) + '"',
        'null',
        '',
        '\u0000',
        '{"update_id":1e999}',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

/** A valid token changed a little: each of these must be refused (a copy that still works is a finding). */
function mutatedToken(token: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constant(token.replaceAll('-', '+').replaceAll('_', '/')),
      fc.constant(`${token}=`),
      fc.constant(`${token}.x`),
      fc.constant(token.slice(0, -1)),
      fc
        .nat({ max: token.length - 1 })
        .chain((at) =>
          fc
            .constantFrom('A', 'B', 'g', 'Q', 'w', '-', '_', '.')
            .map((char) => token.slice(0, at) + char + token.slice(at + 1)),
        ),
      // The last character's unused bits: base64url decodes several characters to the same bytes.
      fc
        .constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H')
        .map((char) => token.slice(0, -1) + char),
    )
    .filter((mutated) => mutated !== token);
}

function regexPath(pattern: RegExp): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern.source, pattern.flags.replace(/[^dgmsu]/g, '')), {
      maxLength: 120,
    });
  } catch {
    return fc.constant('/');
  }
}

// ---------------------------------------------------------------- requests

/**
 * Every request the fuzzer sends: each route of the server (its own list, so routes added by
 * other channels are covered), hostile targets and broken HTTP, and deep requests that carry
 * valid credentials so that the chat fields reach the turn pipeline: Direct Line activities
 * and polls, tokens, the page's session, the Telegram webhook, /api/messages, the stream.
 */
export function fuzzRequests(context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const conversation = fc.constantFrom(...context.conversations);
  const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD');
  const anyBody = bodyOf(hostileValue);

  const generic = fc
    .tuple(
      fc.constantFrom(...context.routes),
      fc.boolean(),
      methods,
      contentType,
      otherHeaders,
      fc.option(anyBody),
      fc.option(conversation),
    )
    .chain(([route, ownMethod, method, type, headers, body, conv]) =>
      (typeof route.path === 'string' ? fc.constant(route.path) : regexPath(route.path)).map(
        (path) => ({
          entry: `route ${String(route.path)}`,
          method: ownMethod ? route.method : method,
          path,
          headers: {
            ...headers,
            ...(body === null ? {} : { 'content-type': type }),
            ...(conv ? { authorization: `Bearer ${conv.token}` } : {}),
          },
          ...(body === null ? {} : { body }),
        }),
      ),
    );

  const hostilePath = fc
    .tuple(
      fc.constantFrom(...hostileTargets),
      fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS'),
      fc.boolean(),
    )
    .map(([target, method, upgrade]) => ({
      entry: upgrade ? 'hostile target (upgrade)' : 'hostile target',
      method,
      path: target,
      headers: {},
      raw:
        `${method} ${target} HTTP/1.1\r\nhost: localhost\r\nconnection: ${upgrade ? 'upgrade' : 'close'}\r\n` +
        (upgrade
          ? 'upgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
          : '') +
        (method === 'POST'
          ? 'content-type: application/json\r\ncontent-length: 2\r\n\r\n{}'
          : '\r\n'),
    }));

  const brokenHttp = fc
    .oneof(
      fc.constantFrom(
        'HELLO\r\n\r\n',
        'GET / HTTP/1.1\r\nbad header\r\n\r\n',
        'GET / HTTP/9.9\r\nhost: x\r\n\r\n',
        `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(70_000)}\r\n\r\n`,
        'POST /web/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
        'POST /web/session HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello',
        'POST /telegram/webhook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"update_id":',
        'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\nGET /healthz HTTP/1.1\r\nhost: x\r\n\r\n',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 300 }),
    )
    .map((raw) => ({ entry: 'broken HTTP', method: '-', path: '-', headers: {}, raw }));

  const activity = fc.record(
    {
      type: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('message', 'event', 'typing') },
        fc.constantFrom('conversationUpdate', 'invoke', ''),
        chatText,
      ),
      text: chatText,
      value: fc.oneof({ weight: 3, arbitrary: choiceValue }, commandValue, hostileValue),
      name: fc.oneof(fc.constant('start'), chatText),
      locale: fc.oneof(fc.constantFrom('fr-FR', 'en-GB', 'en', 'de'), chatText),
      channelData: fc.oneof(
        fc.record({ clientActivityId: fc.oneof(fc.uuid(), chatText) }, { requiredKeys: [] }),
        fc.record({ clientActivityID: fc.uuid() }),
        hostileValue,
      ),
      from: fc.record({ id: chatText, role: fc.constantFrom('user', 'bot') }),
    },
    { requiredKeys: [] },
  );

  // What the page sends, with any words in it: the turns go deep into the questionnaire.
  const plausibleActivity = fc.oneof(
    fc.record({
      type: fc.constant('message'),
      text: chatText,
      channelData: fc.record({ clientActivityId: fc.uuid() }),
    }),
    fc.record({
      type: fc.constant('message'),
      text: fc.constantFrom('', 'x'),
      value: choiceValue,
      channelData: fc.record({ clientActivityId: fc.uuid() }),
    }),
    fc.record({ type: fc.constant('message'), value: commandValue }),
    fc.record({
      type: fc.constant('event'),
      name: fc.constant('start'),
      value: fc.oneof(fc.constantFrom('', 'RBX7KQ'), chatText),
      locale: fc.constantFrom('fr-FR', 'en-GB'),
    }),
  );
  const directLineActivity = fc
    .tuple(
      conversation,
      fc.oneof(
        { weight: 9, arbitrary: fc.constant('own') },
        fc.constantFrom('other', 'secret', 'none'),
      ),
      fc.oneof(
        { weight: 3, arbitrary: plausibleActivity.map((v) => JSON.stringify(v)) },
        bodyOf(activity),
      ),
      fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, contentType),
    )
    .map(([conv, auth, body, type]) => {
      const other =
        context.conversations.find((c) => c.conversationId !== conv.conversationId) ?? conv;
      const bearer =
        auth === 'own'
          ? conv.token
          : auth === 'other'
            ? other.token
            : auth === 'secret'
              ? context.directLineSecret
              : undefined;
      return {
        entry: 'Direct Line activity POST',
        method: 'POST',
        path: `/v3/directline/conversations/${conv.conversationId}/activities`,
        headers: { 'content-type': type, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body,
      };
    });

  const directLinePoll = fc
    .tuple(
      conversation,
      fc.oneof(
        fc.nat().map(String),
        fc.constantFrom('', '-1', '1e999', 'NaN', '99999999999', '0x10', '%', '1.5'),
        chatText,
      ),
    )
    .map(([conv, watermark]) => ({
      entry: 'Direct Line activity GET',
      method: 'GET',
      path: `/v3/directline/conversations/${conv.conversationId}/activities?watermark=${encodeQuery(watermark)}`,
      headers: { authorization: `Bearer ${conv.token}` },
    }));

  const directLineTokens = fc
    .tuple(
      conversation,
      fc.constantFrom(
        'tokens/generate',
        'tokens/refresh',
        'conversations',
        'conversation',
        'stream-url',
      ),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('mutated') },
        fc.constantFrom('own', 'secret', 'none'),
        chatText.map((t) => `garbage:${t}`),
      ),
    )
    .chain(([conv, what, kind]) =>
      (kind === 'mutated'
        ? mutatedToken(conv.token)
        : fc.constant(
            kind === 'own'
              ? conv.token
              : kind === 'secret'
                ? context.directLineSecret
                : kind === 'none'
                  ? ''
                  : kind.slice(8),
          )
      ).map((token) => {
        const path =
          what === 'conversation'
            ? `/v3/directline/conversations/${conv.conversationId}`
            : what === 'stream-url'
              ? `/v3/directline/conversations/${conv.conversationId}?watermark=1`
              : `/v3/directline/${what}`;
        const header: Record<string, string> = {};
        if (token !== '') header.authorization = `Bearer ${token.replace(/[^\x20-\x7e]/g, '')}`;
        return {
          entry: `Direct Line ${what}`,
          method: what === 'conversation' || what === 'stream-url' ? 'GET' : 'POST',
          path,
          headers: header,
          mutatedToken: kind === 'mutated',
        };
      }),
    );

  const webSession = fc
    .tuple(
      conversation,
      fc.oneof(
        fc.constant('mutated'),
        fc.constant('own'),
        fc.constant('none'),
        fc.constant('value'),
      ),
      hostileValue,
    )
    .chain(([conv, kind, value]) =>
      (kind === 'mutated' ? mutatedToken(conv.token) : fc.constant(conv.token)).map((token) => ({
        entry: 'web session',
        method: 'POST',
        path: '/web/session',
        headers: { 'content-type': 'application/json' },
        body:
          JSON.stringify(kind === 'none' ? {} : kind === 'value' ? { token: value } : { token }) ??
          '{}',
        mutatedToken: kind === 'mutated',
      })),
    );

  const telegramId = fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 5000, max: 5012 }) },
    { weight: 2, arbitrary: fc.integer({ min: -1_000_000_000_000, max: 2 ** 40 }) },
    fc.constantFrom(0, -1, 2 ** 53, 1.5, '5001', { $gt: 0 }, null, [5001], true),
    fc.object({ maxDepth: 1 }),
  );
  const user = fc.record(
    {
      id: telegramId,
      is_bot: fc.boolean(),
      first_name: chatText,
      language_code: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('fr', 'en', 'en-GB', 'de') },
        chatText,
      ),
    },
    { requiredKeys: ['id'] },
  );
  const keyboard = fc.record({
    inline_keyboard: fc.array(
      fc.array(
        fc.record({
          text: chatText,
          callback_data: fc.oneof(
            chatText,
            choiceValue.map((c) => callbackDataFor(c.promptId, c.choiceId, 0)),
          ),
        }),
        { maxLength: 3 },
      ),
      { maxLength: 3 },
    ),
  });
  const message = fc.record(
    {
      message_id: fc.oneof({ weight: 8, arbitrary: fc.nat() }, fc.constantFrom(-1, 1.5, 'x', null)),
      date: fc.nat(),
      chat: fc.record(
        {
          id: telegramId,
          type: fc.oneof(
            { weight: 8, arbitrary: fc.constant('private') },
            fc.constantFrom('group', 'supergroup', 'channel'),
            chatText,
          ),
        },
        { requiredKeys: ['id'] },
      ),
      from: user,
      text: chatText,
      caption: chatText,
      photo: fc.constant([{ file_id: 'x', file_unique_id: 'y', width: 1, height: 1 }]),
      voice: fc.constant({ file_id: 'x', file_unique_id: 'y', duration: 1 }),
      sticker: hostileValue,
      location: fc.constant({ latitude: 50.69, longitude: 3.18 }),
      reply_markup: keyboard,
    },
    { requiredKeys: ['chat'] },
  );
  const update = fc
    .record(
      {
        update_id: fc.oneof(
          { weight: 10, arbitrary: fc.integer({ min: 1, max: 2_000_000_000 }) },
          fc.constantFrom(-1, 0, 1.5, 2 ** 60, '7', null),
        ),
        message,
        edited_message: message,
        channel_post: message,
        callback_query: fc.record(
          {
            id: fc.oneof(fc.uuid(), chatText),
            from: user,
            chat_instance: fc.string(),
            data: fc.oneof(
              {
                weight: 4,
                arbitrary: choiceValue.map((c) => callbackDataFor(c.promptId, c.choiceId, 0)),
              },
              fc.constantFrom('~0', '~999', '!remind:confirm', '!remind:cancel', ':', 'a:'),
              chatText,
            ),
            message,
          },
          { requiredKeys: ['from'] },
        ),
        my_chat_member: hostileValue,
      },
      { requiredKeys: ['update_id'] },
    )
    .filter((u) => Object.keys(u).length <= 3);

  // What Telegram sends: a private chat among a few people, any words, real buttons.
  const person = fc.integer({ min: 5000, max: 5012 });
  const plausibleUpdate = fc
    .tuple(
      fc.integer({ min: 1, max: 2_000_000_000 }),
      person,
      fc.constantFrom('fr', 'en'),
      fc.boolean(),
      chatText,
      choiceValue,
    )
    .map(([updateId, id, lang, tap, text, choice]) => {
      const from = { id, is_bot: false, first_name: 'Awa', language_code: lang };
      const message = {
        message_id: updateId % 100_000,
        date: 1_700_000_000,
        chat: { id, type: 'private', first_name: 'Awa' },
        from,
        text,
      };
      if (!tap) return { update_id: updateId, message };
      const data = callbackDataFor(choice.promptId, choice.choiceId, 0);
      const bot = { id: 7_000_000_001, is_bot: true, first_name: 'Concerto' };
      const shown = {
        ...message,
        from: bot,
        reply_markup: { inline_keyboard: [[{ text: 'Oui', callback_data: data }]] },
      };
      return {
        update_id: updateId,
        callback_query: { id: `cb${updateId}`, from, chat_instance: 'ci', data, message: shown },
      };
    });
  const telegramWebhook = fc
    .tuple(
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(context.webhookSecret) },
        fc.constantFrom('', 'wrong', context.webhookSecret + 'x'),
      ),
      fc.oneof(
        { weight: 3, arbitrary: plausibleUpdate.map((u) => JSON.stringify(u)) },
        bodyOf(update),
      ),
      fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, contentType),
    )
    .map(([secret, body, type]) => ({
      entry: 'Telegram webhook',
      method: 'POST',
      path: '/telegram/webhook',
      headers: {
        'content-type': type,
        ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body,
    }));

  const account = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        { id: fc.oneof(fc.constantFrom('u1', 'u2', 'u3'), chatText), name: chatText },
        { requiredKeys: ['id'] },
      ),
    },
    hostileValue,
  );
  const botFrameworkActivity = fc.record(
    {
      type: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('message', 'conversationUpdate', 'event') },
        fc.constantFrom('invoke', 'messageReaction', 'installationUpdate'),
        chatText,
      ),
      id: fc.oneof(fc.uuid(), chatText),
      channelId: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('emulator', 'webchat', 'msteams') },
        chatText,
      ),
      serviceUrl: fc.oneof(
        { weight: 10, arbitrary: fc.constant(context.serviceUrl) },
        fc.constantFrom(
          'http://169.254.169.254/latest/meta-data/',
          'https://evil.example/',
          'file:///etc/passwd',
          'http://user:pw@127.0.0.1:1/',
          'http://localhost:1/',
          'http://127.0.0.1:99999/',
          'gopher://127.0.0.1/',
          'http://[::1]:1/',
          '',
        ),
        chatText,
      ),
      from: account,
      recipient: account,
      conversation: fc.oneof(
        {
          weight: 6,
          arbitrary: fc.record({ id: fc.oneof(fc.constantFrom('c1', 'c2'), chatText) }),
        },
        hostileValue,
      ),
      text: chatText,
      value: fc.oneof(choiceValue, commandValue, hostileValue),
      locale: fc.oneof(fc.constantFrom('fr-FR', 'en-US'), chatText),
      name: chatText,
      membersAdded: fc.array(account, { maxLength: 3 }),
      deliveryMode: fc.oneof(fc.constantFrom('normal', 'expectReplies'), chatText),
      timestamp: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        chatText,
      ),
      channelData: hostileValue,
      attachments: hostileValue,
    },
    { requiredKeys: [] },
  );

  // What the Emulator sends: a few users, any words, buttons, members joining.
  const plausibleBotFramework = fc
    .tuple(
      fc.uuid(),
      fc.constantFrom('u1', 'u2', 'u3'),
      fc.constantFrom('message', 'message', 'message', 'conversationUpdate'),
      chatText,
      fc.option(choiceValue),
      fc.constantFrom('normal', 'expectReplies'),
    )
    .map(([id, user, type, text, value, deliveryMode]) => ({
      type,
      id,
      channelId: 'emulator',
      serviceUrl: context.serviceUrl,
      from: { id: user, name: 'User' },
      recipient: { id: 'concerto-bot', name: 'Bot' },
      conversation: { id: `conv-${user}` },
      locale: 'fr-FR',
      timestamp: new Date(0).toISOString(),
      deliveryMode,
      ...(type === 'conversationUpdate'
        ? { membersAdded: [{ id: user }] }
        : value
          ? { text: '', value }
          : { text }),
    }));
  const botFramework = fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: plausibleBotFramework.map((a) => JSON.stringify(a)) },
        bodyOf(botFrameworkActivity),
      ),
      fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, forwardedHeaders),
      fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, contentType),
      fc.option(headerText, { freq: 4 }),
    )
    .map(([body, forwarded, type, authorization]) => ({
      entry: 'Bot Framework /api/messages',
      method: 'POST',
      path: '/api/messages',
      headers: {
        'content-type': type,
        ...forwarded,
        ...(authorization === null ? {} : { authorization }),
      },
      body,
    }));

  const stream = fc
    .tuple(
      conversation,
      fc.oneof(fc.constant('own'), fc.constant('mutated'), fc.constant('none')),
      fc.oneof(fc.nat().map(String), chatText),
    )
    .chain(([conv, kind, watermark]) =>
      (kind === 'mutated'
        ? mutatedToken(conv.token)
        : fc.constant(kind === 'own' ? conv.token : '')
      ).map((token) => {
        const target = `/v3/directline/conversations/${conv.conversationId}/stream?watermark=${encodeQuery(watermark)}&t=${encodeQuery(token)}`;
        return {
          entry: 'Direct Line stream upgrade',
          method: 'GET',
          path: target,
          headers: {},
          raw: `GET ${target} HTTP/1.1\r\nhost: localhost\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
          mutatedToken: kind === 'mutated',
        };
      }),
    );

  const staticPaths = fc
    .oneof(
      fc.constantFrom(
        '/',
        '/c/RBX7KQ',
        '/c/rbx7kq.',
        '/c/x%C2%BB',
        '/favicon.ico',
        '/static/chat.js',
        '/static/chat.000000000000.css',
        '/mentions-legales/',
        '/confidentialite',
        '/accessibilite',
        '/robots.txt',
        '/healthz',
        '/readyz',
        '/metrics',
      ),
      fc.string({ unit: hostileChar, maxLength: 12 }).map((tail) => `/static/${tail}`),
      fc.string({ unit: hostileChar, maxLength: 12 }).map((tail) => `/c/${tail}`),
    )
    .chain((path) =>
      fc
        .record(
          {
            'accept-encoding': fc.constantFrom(
              'br',
              'gzip',
              'identity',
              'gzip;q=0, br;q=0',
              '*',
              '',
            ),
            'accept-language': fc.oneof(
              fc.constantFrom('en', 'fr-FR,fr;q=0.9', 'en;q=0, fr;q=0', 'zz'),
              headerText,
            ),
          },
          { requiredKeys: [] },
        )
        .map((headers) => ({ entry: 'static and pages', method: 'GET', path, headers })),
    );

  return fc.oneof(
    { weight: 6, arbitrary: generic },
    { weight: 2, arbitrary: hostilePath },
    { weight: 1, arbitrary: brokenHttp },
    { weight: 10, arbitrary: directLineActivity },
    { weight: 2, arbitrary: directLinePoll },
    { weight: 3, arbitrary: directLineTokens },
    { weight: 2, arbitrary: webSession },
    { weight: 10, arbitrary: telegramWebhook },
    { weight: 6, arbitrary: botFramework },
    { weight: 2, arbitrary: stream },
    { weight: 2, arbitrary: staticPaths },
  );
}

/** encodeURIComponent, with half a surrogate pair sent as the invalid UTF-8 a broken client sends. */
function encodeQuery(text: string): string {
  return text
    .replace(/\p{Cs}/gu, '\u0000')
    .split('\u0000')
    .map(encodeURIComponent)
    .join('%ED%A0%80');
}
