import type { Api } from 'grammy';
import type { CommandName } from '../../dialogs/engine-input.js';
import type { Catalog } from '../../dialogs/translate.js';
import { translator } from '../../dialogs/translate.js';

/**
 * The menu Telegram shows next to the text field, in the order people need it, with the words
 * of each language: `/aide`, `/retour`, `/recap`… in French (the engine reads them,
 * dialogs/command-from-text.ts), `/help`, `/back`, `/summary`… in English. Telegram allows only
 * lower-case letters, digits and "_" in a command, hence `/recap` without its accent.
 */
export const menuCommands: Record<'fr' | 'en', readonly [string, CommandName][]> = {
  fr: [
    ['start', 'start'],
    ['aide', 'help'],
    ['reprendre', 'resume'],
    ['retour', 'back'],
    ['passer', 'skip'],
    ['recap', 'summary'],
    ['langue', 'language'],
    ['code', 'code'],
    ['stop', 'stop'],
    ['supprimer', 'delete'],
  ],
  en: [
    ['start', 'start'],
    ['help', 'help'],
    ['resume', 'resume'],
    ['back', 'back'],
    ['skip', 'skip'],
    ['summary', 'summary'],
    ['language', 'language'],
    ['code', 'code'],
    ['stop', 'stop'],
    ['delete', 'delete'],
  ],
};

/**
 * French for everyone (the default menu, and the one for French Telegram apps), English for
 * people whose Telegram is in English.
 */
export async function registerCommands(api: Api, catalog: Catalog): Promise<void> {
  for (const scope of [undefined, 'fr', 'en'] as const) {
    const lang = scope ?? 'fr';
    const t = translator(catalog, lang);
    const commands = menuCommands[lang].map(([command, name]) => ({
      command,
      description: t(`telegram.command.${name}`),
    }));
    await api.setMyCommands(commands, scope ? { language_code: scope } : {});
  }
}
