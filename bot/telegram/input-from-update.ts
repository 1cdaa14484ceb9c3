import type { Message, Update } from 'grammy/types';
import {
  commandNames,
  type CommandName,
  type EngineInput,
  type MediaKind,
} from '../../dialogs/engine-input.js';
import type { Lang } from '../../dialogs/nlu/intent-name.js';

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
