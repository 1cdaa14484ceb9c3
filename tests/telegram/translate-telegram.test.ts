import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { callbackDataFor, parseCallbackData } from '../../bot/telegram/callback-data.js';
import {
  inboundFromUpdate,
  inputFromText,
  langFromCode,
} from '../../bot/telegram/input-from-update.js';

const user = { id: 5, is_bot: false, first_name: 'Awa' };
const chat = { id: 5, type: 'private' as const, first_name: 'Awa' };

function message(fields: Record<string, unknown>): Update {
  return { update_id: 1, message: { message_id: 1, date: 0, chat, from: user, ...fields } };
}

describe('callback data', () => {
  it('carries the prompt and the choice, and reads them back', () => {
    const data = callbackDataFor('tire', 'transport', 0);
    expect(data).toBe('tire:transport');
    expect(parseCallbackData(data)).toEqual({
      kind: 'choice',
      promptId: 'tire',
      choiceId: 'transport',
    });
  });

  it('falls back to the label when the ids do not fit in 64 bytes', () => {
    const data = callbackDataFor('q'.repeat(40), 'c'.repeat(40), 3);
    expect(data).toBe('~3');
    expect(parseCallbackData(data)).toEqual({ kind: 'label' });
  });

  it('calls anything else malformed', () => {
    for (const data of [undefined, '', 'nocolon', ':x', 'x:', 'é'.repeat(40)]) {
      expect(parseCallbackData(data)).toEqual({ kind: 'malformed' });
    }
  });
});

describe('updates to engine inputs', () => {
  it('reads a deep link, commands and plain text', () => {
    expect(inputFromText('/start RBX7KQ')).toEqual({ kind: 'start', payload: 'RBX7KQ' });
    expect(inputFromText('/start')).toEqual({ kind: 'start' });
    expect(inputFromText('/summary@concerto_bot')).toEqual({ kind: 'command', command: 'summary' });
    expect(inputFromText('/nonsense')).toEqual({ kind: 'text', text: '/nonsense' });
    expect(inputFromText('les transports')).toEqual({ kind: 'text', text: 'les transports' });
  });

  it('names media, and sets groups and edits apart', () => {
    expect(inboundFromUpdate(message({ photo: [] }))).toEqual({
      kind: 'input',
      input: { kind: 'media', media: 'photo' },
    });
    expect(inboundFromUpdate(message({ location: { latitude: 0, longitude: 0 } }))).toMatchObject({
      input: { media: 'location' },
    });
    const group = {
      update_id: 2,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: -1, type: 'group' as const, title: 'g' },
        from: user,
        text: 'hi',
      },
    };
    expect(inboundFromUpdate(group)).toEqual({ kind: 'group' });
    const edited = {
      update_id: 3,
      edited_message: { message_id: 1, date: 0, edit_date: 1, chat, from: user, text: 'x' },
    };
    expect(inboundFromUpdate(edited)).toEqual({ kind: 'edited' });
  });

  it('chooses English for en* and French otherwise', () => {
    expect(langFromCode('en-GB')).toBe('en');
    expect(langFromCode('de')).toBe('fr');
    expect(langFromCode(undefined)).toBe('fr');
  });
});
