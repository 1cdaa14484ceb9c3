import type { Context, NextFunction } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { z } from 'zod';
import { isWholeText } from '../../dialogs/code-points.js';
import {
  commandNames,
  type CommandName,
  type EngineInput,
  type MediaKind,
} from '../../dialogs/engine-input.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import type { Logger } from '../logger.js';

/** Telegram's ids: integers (chat ids of groups are negative), within what JavaScript holds exactly. */
const telegramId = z.int().refine(Number.isSafeInteger, { message: 'not a safe integer' });
/** Telegram's own limit is 4096 UTF-16 units; whole characters only. */
const telegramText = z
  .string()
  .max(4096)
  .refine(isWholeText, { message: 'contains a broken character' });

const userSchema = z
  .object({
    id: telegramId,
    is_bot: z.boolean().optional(),
    first_name: z.string().max(256).optional(),
    language_code: z.string().max(35).optional(),
  })
  .loose();
const chatSchema = z.object({ id: telegramId, type: z.string().max(20) }).loose();
const keyboardSchema = z
  .object({
    inline_keyboard: z
      .array(
        z.array(
          z
            .object({ text: z.string().max(4096), callback_data: z.string().max(64).optional() })
            .loose(),
        ),
      )
      .max(100),
  })
  .loose();
const messageSchema = z
  .object({
    message_id: telegramId,
    chat: chatSchema,
    from: userSchema.optional(),
    text: telegramText.optional(),
    caption: telegramText.optional(),
    reply_markup: keyboardSchema.optional(),
  })
  .loose();

/**
 * The fields of an update the bot reads, each of the type it expects (other fields and other
 * kinds of update pass through untouched): a `chat.id` sent as an object or a string is
 * refused here, instead of being stored as `telegram:[object Object]`, and `from.id` reaches
 * the coordinators' queries only as a number.
 */
export const telegramUpdateSchema = z
  .object({
    update_id: z.int().min(0).refine(Number.isSafeInteger, { message: 'not a safe integer' }),
    message: messageSchema.optional(),
    edited_message: messageSchema.optional(),
    channel_post: messageSchema.optional(),
    edited_channel_post: messageSchema.optional(),
    callback_query: z
      .object({
        id: z.string().min(1).max(256),
        from: userSchema,
        // Whole characters too: a forged button's data is written to the transcript.
        data: z
          .string()
          .max(256)
          .refine(isWholeText, { message: 'contains a broken character' })
          .optional(),
        message: messageSchema.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/**
 * Whether the fields of an update the bot reads are what they must be (never a throw). The
 * object itself goes on to grammY, unknown fields included: its type describes the rest.
 */
export function isTelegramUpdate(value: unknown): value is Update {
  return telegramUpdateSchema.safeParse(value).success;
}

/**
 * grammY middleware: an update whose fields are not what they must be goes no further (the
 * webhook refuses such a body with a 400 before; polling gets updates from Telegram itself,
 * so this is the same check for both modes). Only its id is logged.
 */
export function dropMalformedUpdates(log: Logger) {
  return async (ctx: Context, next: NextFunction): Promise<void> => {
    const update: unknown = ctx.update;
    if (isTelegramUpdate(update)) return next();
    const id: unknown = ctx.update.update_id;
    log.warn(
      { updateId: typeof id === 'number' ? id : undefined },
      'telegram: malformed update ignored',
    );
  };
}

/** What an update asks of the bot, before any storage is touched. */
export type TelegramInbound =
  | { kind: 'input'; input: EngineInput }
  /** Not a private chat: the consultation happens one to one; nothing is recorded. */
  | { kind: 'group' }
  /** An edited message: answers are not changed this way; nothing is recorded. */
  | { kind: 'edited' }
  | { kind: 'ignored' };

/**
 * Translates a message update into an engine input (callbacks are read from their data).
 *
 * @example inboundFromUpdate({ update_id: 1, message: { text: '/start RBX7KQ', … } })
 *   // { kind: 'input', input: { kind: 'start', payload: 'RBX7KQ' } }
 */
export function inboundFromUpdate(update: Update): TelegramInbound {
  const edited = update.edited_message ?? update.edited_channel_post;
  if (edited) return edited.chat.type === 'private' ? { kind: 'edited' } : { kind: 'ignored' };
  if (update.channel_post) return { kind: 'group' };
  const message = update.message;
  if (!message) return { kind: 'ignored' };
  if (message.chat.type !== 'private') return { kind: 'group' };
  if (message.text !== undefined) return { kind: 'input', input: inputFromText(message.text) };
  const media = mediaKind(message);
  return media ? { kind: 'input', input: { kind: 'media', media } } : { kind: 'ignored' };
}

/** `/start PAYLOAD`, `/command` (with or without @botname), or plain text for the NLU. */
export function inputFromText(text: string): EngineInput {
  const slash = slashCommand(text);
  if (!slash) return { kind: 'text', text };
  if (slash.name === 'start')
    return slash.argument ? { kind: 'start', payload: slash.argument } : { kind: 'start' };
  const command = commandNames.find((c): c is CommandName => c === slash.name);
  return command ? { kind: 'command', command } : { kind: 'text', text };
}

/** A slash command's name and argument (`/coordinator ABC` → ['coordinator', 'ABC']). */
export function slashCommand(
  text: string | undefined,
): { name: string; argument: string } | undefined {
  const match = /^\/([A-Za-z0-9_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec((text ?? '').trim());
  return match
    ? { name: (match[1] ?? '').toLowerCase(), argument: match[2]?.trim() ?? '' }
    : undefined;
}

/** en* → English, anything else (or nothing) → French, the reference language. */
export function langFromCode(code: string | undefined): Lang {
  return code?.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

function mediaKind(message: Message): MediaKind | undefined {
  if (message.photo) return 'photo';
  if (message.voice || message.audio) return 'voice';
  if (message.video || message.video_note || message.animation) return 'video';
  if (message.sticker) return 'sticker';
  if (message.document) return 'document';
  if (message.location || message.venue) return 'location';
  if (message.contact) return 'contact';
  // Service messages (members joining, pins…) are not something a person said.
  if (message.poll || message.dice || message.game || message.story) return 'other';
  return undefined;
}
