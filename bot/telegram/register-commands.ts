import type { Api } from 'grammy';
import type { Catalog } from '../../dialogs/translate.js';
import { translator } from '../../dialogs/translate.js';

/** The menu shown by Telegram next to the text field, in the order people need it. */
const menuCommands = [
  'start',
  'help',
  'resume',
  'back',
  'skip',
  'summary',
  'language',
  'code',
  'stop',
  'delete',
] as const;

/** French for everyone, English for people whose Telegram is in English. */
export async function registerCommands(api: Api, catalog: Catalog): Promise<void> {
  for (const lang of ['fr', 'en'] as const) {
    const t = translator(catalog, lang);
    const commands = menuCommands.map((command) => ({
      command,
      description: t(`telegram.command.${command}`),
    }));
    await api.setMyCommands(commands, lang === 'en' ? { language_code: 'en' } : {});
  }
}
