import type { CouncilDirectory } from '../../dialogs/engine-context.js';
import type { Translate } from '../../dialogs/translate.js';
import { slashCommand } from './input-from-update.js';

export interface GroupPointer {
  text: string;
  button: string;
  /** The private chat, opened on the council's invitation when the group came with one. */
  url: string;
}

/**
 * The polite pointer a group gets: the consultation is one to one. A group opened from a
 * council's link (`t.me/<bot>?startgroup=CODE`, which Telegram posts as `/start@bot CODE`) or
 * a `/start CODE` typed there points to `t.me/<bot>?start=CODE`, so whoever follows it is
 * attached to that council.
 *
 * @example groupPointer('/start@concerto_bot rbx7kq', 'concerto_bot', councils, t).url
 *   // 'https://t.me/concerto_bot?start=RBX7KQ'
 */
export function groupPointer(
  text: string | undefined,
  botUsername: string,
  councils: CouncilDirectory,
  t: Translate,
): GroupPointer {
  const base = `https://t.me/${botUsername}`;
  const button = t('telegram.group.button');
  const slash = slashCommand(text);
  // A deep link's payload may hold only letters, digits, "_" and "-".
  const code = slash?.name === 'start' ? slash.argument.replace(/[^A-Za-z0-9_-]/g, '') : '';
  const council = code ? councils.byInvitationCode(code) : undefined;
  if (!council) return { text: t('telegram.group'), button, url: base };
  return {
    text: t('telegram.group.council', { council: `${council.name} (${council.commune})` }),
    button,
    url: `${base}?start=${code.toUpperCase()}`,
  };
}
