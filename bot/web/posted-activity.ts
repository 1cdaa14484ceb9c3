import { z } from 'zod';
import { commandNames } from '../../dialogs/engine-input.js';
import { textSchema, type InboundActivity } from './activity-to-input.js';

/** The ids the bot puts in its buttons (`_consent`, `edu_idees`, `QN05981M`…). */
const buttonId = z.string().regex(/^[\w.:-]{1,100}$/);
/**
 * A button that gives a command carries `/<command>` (dialogs/ask-current.ts commandChoice:
 * « Reprendre » is `/resume`, a reminder's « Ne plus me rappeler » is `/stop`): only the
 * engine's command names, so the slash opens no wider shape.
 */
const commandChoiceId = z.string().regex(new RegExp(`^/(?:${commandNames.join('|')})$`));
/** A client's id for its activity (Web Chat: a uuid-like string), or a user id. */
const clientId = z.string().regex(/^[\w.:@-]{1,100}$/);
export const userIdSchema = z.string().regex(/^[\w.:@-]{1,64}$/);

/**
 * The only `value`s a client sends: a button of ours (postBack `{ promptId, choiceId }`, the
 * choice possibly a command button's `/resume`; a reminder's `{ promptId: '_reminder',
 * choiceId: '/stop' | '/resume' }` is one of these), a
 * command (`{ command }`), the start event's invitation code. Exact shapes: nothing else is
 * stored, so a value with `$` or dotted keys, nesting or numbers never reaches the database.
 */
const valueSchema = z.union([
  z.strictObject({ promptId: buttonId, choiceId: z.union([buttonId, commandChoiceId]) }),
  z.strictObject({ command: z.enum(commandNames) }),
  // The start event's invitation code: whole characters only, like every text kept.
  textSchema(64),
]);

const postedSchema = z.object({
  type: z.enum(['message', 'event', 'typing']),
  // Whole characters only, counted in code points (half an emoji would be stored as U+FFFD).
  name: textSchema(50).optional(),
  text: textSchema().optional(),
  value: valueSchema.optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/)
    .optional(),
  from: z
    .object({ id: z.string().max(200).optional() })
    .loose()
    .optional(),
  // Our page sends clientActivityId; Microsoft's Web Chat spells it clientActivityID.
  channelData: z
    .object({
      clientActivityId: clientId.optional(),
      clientActivityID: clientId.optional(),
    })
    .loose()
    .optional(),
});

/** What the web channel takes from a posted activity; everything else is dropped. */
export interface PostedActivity extends InboundActivity {
  type: 'message' | 'event' | 'typing';
  clientActivityId?: string | undefined;
  /** How the client spelled it, so that its echo matches (Web Chat waits for it). */
  clientIdField?: 'clientActivityId' | 'clientActivityID' | undefined;
  /** The client's claim of who it is (used only where no user is bound). */
  fromId?: string | undefined;
}

export type PostedParse = { ok: true; activity: PostedActivity } | { ok: false; message: string };

/**
 * Checks a posted activity at the edge: a message (text of at most 4,000 characters, counted
 * in code points, or one of our button values), the start event, or typing. Anything else is
 * refused with a reason that names no content.
 */
export function parsePostedActivity(body: unknown): PostedParse {
  const parsed = postedSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describe(parsed.error) };
  const { type, name, text, value, locale, from, channelData } = parsed.data;
  if (type === 'event' && name !== 'start') return { ok: false, message: 'unsupported event' };
  const field =
    channelData?.clientActivityID !== undefined
      ? 'clientActivityID'
      : channelData?.clientActivityId !== undefined
        ? 'clientActivityId'
        : undefined;
  const fromId = from?.id;
  return {
    ok: true,
    activity: {
      type,
      ...(type === 'event' ? { name } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(locale ? { locale } : {}),
      ...(field ? { clientActivityId: channelData?.[field], clientIdField: field } : {}),
      ...(fromId !== undefined && fromId !== '' ? { fromId } : {}),
    },
  };
}

/** Which fields were wrong, never what they held. */
function describe(error: z.ZodError): string {
  const paths = [...new Set(error.issues.map((issue) => issue.path.join('.') || 'activity'))];
  return `not a supported activity (${paths.slice(0, 3).join(', ')})`;
}
