import { describe, expect, it } from 'vitest';
import { isAboutTheBot, questionBackOf } from '../../dialogs/nlu/question-back-of.js';

describe('questionBackOf', () => {
  it.each([
    ['pourquoi ?', 'why', ''],
    ['Pk ?', 'why', ''],
    ['oui mais pourquoi ?', 'why', ''],
    ['à quoi ça sert', 'why', ''],
    ['why?', 'why', ''],
    ["c'est quoi ce truc", 'what', 'truc'],
    ['c koi', 'what', ''],
    ['ça veut dire quoi les codes du monde du travail ?', 'what', 'codes monde travail'],
    ["c'est quoi la VAE ?", 'what', 'vae'],
    ['hein ?', 'what', ''],
    ['what is this', 'what', ''],
    ['what does it mean?', 'what', ''],
  ])('%j asks back (%s)', (text, kind, about) => {
    expect(questionBackOf(text)).toEqual({ kind, about });
  });

  it.each([
    'pourquoi pas',
    'pourquoi pas ?',
    'why not',
    'oui',
    'on peut revenir en arrière ?',
    'what we need is more buses',
    "Je ne comprends pas pourquoi il n'y a pas de bus",
    '',
  ])('%j does not', (text) => {
    expect(questionBackOf(text)).toBeUndefined();
  });

  it('tells a question about the bot from a sentence that answers a free-text question', () => {
    const aboutBot = questionBackOf('pourquoi cette question ?');
    const answer = questionBackOf('pourquoi rien pour les jeunes le soir ?');
    expect(aboutBot && isAboutTheBot(aboutBot)).toBe(true);
    expect(answer && isAboutTheBot(answer)).toBe(false);
  });
});
