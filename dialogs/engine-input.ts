import type { IntentGuess } from './nlu/intent-name.js';

/** Commands a person can give at any point, typed as words, as a slash command or as a button. */
export const commandNames = [
  'start',
  'help',
  'resume',
  'back',
  'skip',
  'summary',
  'language',
  'stop',
  'delete',
  'pause',
  'code',
  'explain',
] as const;
export type CommandName = (typeof commandNames)[number];

/** What the non-text message was, so the reply can say what is accepted instead. */
export type MediaKind =
  'photo' | 'voice' | 'video' | 'sticker' | 'document' | 'location' | 'contact' | 'other';

/**
 * One thing a person did, already translated from the channel.
 *
 * @example { kind: 'text', text: 'les transports', intent: { intent: 'skip', score: 0.2 } }
 */
export type EngineInput =
  | { kind: 'start'; payload?: string | undefined }
  | { kind: 'text'; text: string; intent?: IntentGuess | null | undefined }
  | { kind: 'choice'; promptId: string; choiceId: string }
  | { kind: 'command'; command: CommandName }
  | { kind: 'media'; media: MediaKind }
  /** The channel could not deliver to the person (they blocked the bot): no reply. */
  | { kind: 'undeliverable' }
  /** What became of a continuation code the person typed (see continuation-step.ts). */
  | { kind: 'continuation'; outcome: ContinuationOutcome };

/** `linked`: the code was good; `moved`: good, and this identity left another started conversation. */
export type ContinuationOutcome = 'linked' | 'moved' | 'invalid' | 'too_many';
