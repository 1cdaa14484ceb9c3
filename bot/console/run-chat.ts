import { createInterface } from 'node:readline';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { EngineReply, ReplyChoice } from '../../dialogs/engine-reply.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import type { HandledTurn, TurnHandler } from '../handle-turn.js';
import { inputFromLine } from './input-from-line.js';

export interface ChatOptions {
  handleTurn: TurnHandler;
  user: string;
  json: boolean;
  lang?: Lang;
  invite?: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Says "temporary problem" in the person's language when storage fails. */
  apology: (lang: Lang) => string;
}

/**
 * The terminal chat: one line in, the bot's replies out. With `json`, one JSON object per
 * line as in DESIGN.md, so scripts and tests can drive a whole questionnaire.
 */
export async function runChat(options: ChatOptions): Promise<void> {
  const identity = { channel: 'console' as const, externalId: options.user };
  let choices: ReplyChoice[] = [];
  let promptId: string | undefined;
  let lang: Lang = options.lang ?? 'fr';
  const print = (turn: HandledTurn) => {
    lang = turn.lang;
    const last = [...turn.replies].reverse().find((r) => r.choices);
    choices = turn.replies.at(-1)?.choices ?? last?.choices ?? [];
    promptId = (turn.replies.at(-1)?.choices ? turn.replies.at(-1) : last)?.promptId;
    for (const reply of turn.replies)
      options.output.write(options.json ? jsonLine(reply) : humanText(reply));
    if (options.json)
      for (const event of turn.events)
        options.output.write(`${JSON.stringify({ type: 'event', name: event.type })}\n`);
  };
  const send = async (input: EngineInput) => {
    try {
      print(await options.handleTurn(identity, input, { lang }));
    } catch (error) {
      process.stderr.write(`concerto: ${error instanceof Error ? error.message : String(error)}\n`);
      const text = options.apology(lang);
      options.output.write(options.json ? jsonLine({ text }) : `${text}\n`);
    }
  };
  await send({ kind: 'start', payload: options.invite });
  const lines = createInterface({ input: options.input, terminal: false });
  if (!options.json) options.output.write('> ');
  for await (const line of lines) {
    await send(inputFromLine(line, choices, promptId));
    if (!options.json) options.output.write('> ');
  }
}

function jsonLine(reply: EngineReply): string {
  return `${JSON.stringify({
    type: 'message',
    text: reply.text,
    ...(reply.choices ? { choices: reply.choices.map((c) => ({ id: c.id, label: c.label })) } : {}),
    ...(reply.progress ? { progress: reply.progress } : {}),
  })}\n`;
}

function humanText(reply: EngineReply): string {
  const lines: string[] = [];
  if (reply.progress) {
    const p = reply.progress;
    lines.push(`[${p.theme}/${p.themes} · ${p.question}/${p.questions}]`);
  }
  lines.push(reply.text);
  for (const [index, choice] of (reply.choices ?? []).entries())
    lines.push(`   ${index + 1}. ${choice.label}`);
  return `${lines.join('\n')}\n\n`;
}
