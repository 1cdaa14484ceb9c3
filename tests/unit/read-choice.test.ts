import { describe, expect, it } from 'vitest';
import { choiceCandidates } from '../../dialogs/choice-candidates.js';
import type { ChoiceReading } from '../../dialogs/nlu/read-choice.js';
import { readChoice } from '../../dialogs/nlu/read-choice.js';
import { findQuestion } from '../../dialogs/questionnaire-walk.js';
import { engineContext } from '../helpers/engine-context.js';

const ctx = engineContext('2026-11-25T10:00:00+01:00');

function candidatesOf(questionId: string, lang: 'fr' | 'en' = 'fr') {
  const question = findQuestion(ctx.consultation, questionId);
  if (!question) throw new Error(`no question ${questionId}`);
  return choiceCandidates(question, ctx.catalog, lang);
}

const sure = (...ids: string[]): ChoiceReading => ({ kind: 'sure', ids });
const guess = (...ids: string[]): ChoiceReading => ({ kind: 'guess', ids });

describe('readChoice on the shipped urgency scale', () => {
  it.each([
    ['4', sure('4')],
    ['urgent', sure('4')],
    ['Très urgent', sure('5')],
    ['sans avis', sure('sans_avis')],
    ["pas d'avis", sure('sans_avis')],
  ])('%j is sure', (text, expected) => {
    expect(readChoice(text, candidatesOf('edu_urgence'))).toEqual(expected);
  });

  it.each([
    // the answers testers saw stored as 1/5
    ['je sais pas', guess('sans_avis')],
    ['jsp', guess('sans_avis')],
    ['bah je sais pas moi', guess('sans_avis')],
    ['pas trop', guess('2')],
    ['pas trop urgent', guess('2')],
    ['bof', guess('2')],
    ['moyen', guess('3')],
    ['super urgent', guess('5')],
    ['carrément', guess('5')],
    ['pas du tout', guess('1')],
  ])('%j is only a guess', (text, expected) => {
    expect(readChoice(text, candidatesOf('edu_urgence'))).toEqual(expected);
  });

  it.each(['peut-être', 'la culture', '🙂', 'je préfère les bus'])('%j is nothing', (text) => {
    expect(readChoice(text, candidatesOf('edu_urgence'))).toEqual({ kind: 'none' });
  });

  it('reads English the same way', () => {
    const scale = candidatesOf('edu_urgence', 'en');
    expect(readChoice('very urgent', scale)).toEqual(sure('5'));
    expect(readChoice('idk', scale)).toEqual(guess('sans_avis'));
    expect(readChoice('not really', scale)).toEqual(guess('2'));
    expect(readChoice('no opinion', scale)).toEqual(sure('sans_avis'));
  });
});

describe('readChoice on the shipped ranking of barriers to employment', () => {
  const barriers = candidatesOf('emp_frein');

  it('takes a number or a label for sure', () => {
    expect(readChoice('3', barriers)).toEqual(sure('codes'));
    expect(readChoice('les discriminations', barriers)).toEqual(sure('discri'));
    expect(readChoice('le réseau', barriers)).toEqual(sure('reseau'));
  });

  it('only guesses from a word of a label or an answer of its own', () => {
    expect(readChoice('non', barriers)).toEqual(guess('codes'));
    expect(readChoice("le piston c'est ça le problème", barriers)).toEqual(guess('reseau'));
  });
});
