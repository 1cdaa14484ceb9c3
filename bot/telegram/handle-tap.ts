import type { Context } from 'grammy';
import type { CallbackQuery, InlineKeyboardMarkup } from 'grammy/types';
import type { EngineInput } from '../../dialogs/engine-input.js';
import { formatAnswer, rankOf } from '../../dialogs/format-answer.js';
import { findQuestion } from '../../dialogs/questionnaire-walk.js';
import { translator } from '../../dialogs/translate.js';
import type { HandledTurn } from '../handle-turn.js';
import type { ChannelContext } from '../serve-command.js';
import { parseCallbackData } from './callback-data.js';
import { langFromCode } from './input-from-update.js';
import { inboundIdOf, residentSendContext, runResidentTurn } from './run-resident-turn.js';
import { sentMessagesOf } from './sent-messages.js';
import { telegramReplies } from './telegram-replies.js';
import {
  answeredText,
  buttonLabel,
  plainLabel,
  renderReplies,
  type TelegramMessage,
} from './render-reply.js';
import { deliver, sendMessages, type SendContext } from './send-replies.js';

/**
 * A pressed button. The turn's replies make one message (see `renderReplies`): when it asks
 * the same thing again (a box ticked, a ranking growing, the review's pages, « voir plus »)
 * it replaces the tapped message; otherwise the tapped message is settled (the question with
 * what was chosen, its buttons gone) and the new one is sent. At most two message calls.
 */
export async function handleTap(ctx: Context, context: ChannelContext): Promise<void> {
  const query = ctx.callbackQuery;
  const chat = ctx.chat;
  if (!query || !chat || chat.type !== 'private') {
    await ctx.answerCallbackQuery().catch(() => undefined);
    return;
  }
  const t = translator(context.catalog, langFromCode(query.from.language_code));
  const message = query.message;
  const markup = message && 'reply_markup' in message ? message.reply_markup : undefined;
  const action = parseCallbackData(query.data);
  const label = query.data ? buttonLabel(markup, query.data) : undefined;
  let input: EngineInput | undefined;
  if (action.kind === 'choice')
    input = { kind: 'choice', promptId: action.promptId, choiceId: action.choiceId };
  if (action.kind === 'label' && label) input = { kind: 'text', text: plainLabel(label) };
  if (!input) {
    await ctx.answerCallbackQuery({ text: t('telegram.malformed_button') }).catch(() => undefined);
    return;
  }
  const turn = await runResidentTurn(ctx, context, input, { typing: false });
  const send = residentSendContext(ctx, context, chat.id, translator(context.catalog, turn.lang));
  const replies = telegramReplies(turn, send.t, context.config.PUBLIC_URL);
  const messages = renderReplies(replies, send.t);
  const promptId = action.kind === 'choice' ? action.promptId : undefined;
  const again = message ? sameQuestionAgain(turn, promptId, messages) : undefined;
  // A refusal (« 3 réponses au plus ») also pops up where the finger is: the edited message
  // may look the same as before when the same refusal comes twice.
  const refusal = again && rejected(turn) ? turn.replies.find((r) => !r.choices)?.text : undefined;
  await ctx
    .answerCallbackQuery(refusal ? { text: refusal.slice(0, MAX_CALLBACK_ANSWER) } : {})
    .catch(() => undefined);
  // Redelivered after a crash between its commit and its replies: they come back with it, and
  // only those that had not gone are sent.
  if (turn.duplicate && turn.replies.length === 0) return;
  if (message && again) {
    await replaceTapped(send, message, again);
    return;
  }
  const delivered = await sentMessagesOf(context, inboundIdOf(ctx), turn, messages.length);
  // The tapped message was settled before the first new one went.
  if (message && !delivered.has(0)) {
    const chosen = chosenText(turn, promptId, markup, label, context);
    const settled = await settleTapped(send, message, turn, chosen);
    if (settled === 'blocked') return;
  }
  await sendMessages(messages, send, delivered);
}

/**
 * The one message of the turn when it shows the tapped prompt again, still unanswered: the
 * tapped message becomes it.
 */
function sameQuestionAgain(
  turn: HandledTurn,
  promptId: string | undefined,
  messages: readonly TelegramMessage[],
): TelegramMessage | undefined {
  if (promptId === undefined || messages.length !== 1) return undefined;
  const prompt = turn.replies.findLast((r) => (r.choices ?? []).length > 0);
  if (prompt?.promptId !== promptId) return undefined;
  const answered = turn.events.some(
    (e) =>
      (e.type === 'answer_recorded' || e.type === 'answer_changed') && e.questionId === promptId,
  );
  return answered ? undefined : messages[0];
}

async function replaceTapped(
  send: SendContext,
  message: TappedMessage,
  next: TelegramMessage,
): Promise<void> {
  const { api, chatId } = send;
  const reply_markup = next.keyboard ?? { inline_keyboard: [] };
  const sameText = 'text' in message && message.text === next.text;
  const shown = 'reply_markup' in message ? message.reply_markup : undefined;
  // The same refusal twice changes nothing: Telegram would refuse the edit.
  if (sameText && JSON.stringify(shown) === JSON.stringify(reply_markup)) return;
  // Only the ticks changed: the keyboard alone is lighter to send.
  await deliver(
    send,
    () =>
      sameText
        ? api.editMessageReplyMarkup(chatId, message.message_id, { reply_markup })
        : api.editMessageText(chatId, message.message_id, next.text, { reply_markup }),
    true,
  );
}

/**
 * The tapped message after the turn: the answer written under the question and the buttons
 * gone, so the same question cannot be answered twice; only the buttons taken away when the
 * tap was not taken (stale or refused: the engine says why).
 */
async function settleTapped(
  send: SendContext,
  message: TappedMessage,
  turn: HandledTurn,
  chosen: string | undefined,
): Promise<'sent' | 'blocked' | 'failed'> {
  const { api, chatId } = send;
  const noButtons = { reply_markup: { inline_keyboard: [] } };
  const text = 'text' in message ? message.text : undefined;
  if (rejected(turn) || text === undefined || chosen === undefined)
    return deliver(send, () => api.editMessageReplyMarkup(chatId, message.message_id, noButtons));
  return deliver(send, () =>
    api.editMessageText(chatId, message.message_id, answeredText(text, chosen), noButtons),
  );
}

/**
 * What was chosen, as the engine words an answer (« 1er Les discriminations ; 2e … »,
 * « 4/5 – Urgent », the ticked boxes); for « Autre » still to be written, the picks so far and
 * it; the tapped button's label for anything else.
 */
function chosenText(
  turn: HandledTurn,
  promptId: string | undefined,
  markup: InlineKeyboardMarkup | undefined,
  label: string | undefined,
  context: ChannelContext,
): string | undefined {
  const answer = turn.events.findLast(
    (e) =>
      (e.type === 'answer_recorded' || e.type === 'answer_changed') && e.questionId === promptId,
  );
  const question = promptId ? findQuestion(context.consultation, promptId) : undefined;
  if (answer && 'value' in answer && answer.value.kind !== 'skipped' && question)
    return formatAnswer(question, answer.value, context.catalog, turn.lang);
  if (label === undefined) return undefined;
  const tapped = plainLabel(label);
  const ticked = (markup?.inline_keyboard ?? [])
    .flat()
    .map((b) => b.text.replace(/^\d+\. /, ''))
    .filter((text) => text.startsWith('✓ '))
    .map((text) => text.slice(2));
  if (!question || answer || ticked.includes(tapped)) return tapped;
  if (question.type === 'multiple') return [...ticked, tapped].join(', ');
  if (question.type === 'ranking')
    return `${rankOf(ticked.length + 1, translator(context.catalog, turn.lang))} ${tapped}`;
  return tapped;
}

function rejected(turn: HandledTurn): boolean {
  return turn.events.some((e) => e.type === 'input_rejected');
}

/** Telegram shows at most this many characters of a callback's answer. */
const MAX_CALLBACK_ANSWER = 200;

type TappedMessage = NonNullable<CallbackQuery['message']>;
