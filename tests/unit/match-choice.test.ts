import { describe, expect, it } from 'vitest';
import {
  matchChoice,
  type ChoiceCandidate,
  type ChoiceMatch,
} from '../../dialogs/nlu/match-choice.js';
import { normalizeText } from '../../dialogs/nlu/normalize-text.js';

const themes: ChoiceCandidate[] = [
  { id: 'education', label: 'Éducation' },
  { id: 'emploi', label: 'Emploi', synonyms: ['travail', 'boulot'] },
  { id: 'formation', label: 'Formation' },
  { id: 'mobilite', label: 'Mobilité', synonyms: ['transports'] },
  { id: 'parentalite', label: 'Parentalité' },
  { id: 'culture', label: 'Culture' },
];

const agreement: ChoiceCandidate[] = [
  { id: 'agree', label: "Tout à fait d'accord" },
  { id: 'rather_agree', label: "Plutôt d'accord" },
  { id: 'rather_disagree', label: "Plutôt pas d'accord" },
  { id: 'disagree', label: "Pas du tout d'accord" },
];

const howOften: ChoiceCandidate[] = [
  { id: 'never', label: '0' },
  { id: 'few', label: '1 à 2' },
  { id: 'some', label: '3 à 5' },
  { id: 'many', label: 'plus de 5' },
];

const transport: ChoiceCandidate[] = [
  { id: 'bus', label: 'Transports en commun' },
  { id: 'school_bus', label: 'Transports scolaires' },
  { id: 'bike', label: 'Vélo' },
];

const one = (id: string): ChoiceMatch => ({ kind: 'one', id, sure: true });
const many = (...ids: string[]): ChoiceMatch => ({ kind: 'many', ids, sure: true });
const unsure = (id: string): ChoiceMatch => ({ kind: 'one', id, sure: false });
const none: ChoiceMatch = { kind: 'none' };

describe('matchChoice', () => {
  it.each([
    // by the number shown
    ['2', themes, one('emploi')],
    ['n°2', themes, one('emploi')],
    ['le 2', themes, one('emploi')],
    ['2.', themes, one('emploi')],
    ['2e', themes, one('emploi')],
    ['deux', themes, one('emploi')],
    ['two', themes, one('emploi')],
    ['premier', themes, one('education')],
    ['the first one', themes, one('education')],
    ['le dernier', themes, one('culture')],
    ['un', themes, one('education')],
    // by label, whatever the case, accents and surrounding words
    ['Éducation', themes, one('education')],
    ['EDUCATION', themes, one('education')],
    ['mobilite', themes, one('mobilite')],
    ['je dirais la mobilité !', themes, one('mobilite')],
    ["Plutôt d'accord", agreement, one('rather_agree')],
    ['plutot pas daccord', agreement, one('rather_disagree')],
    ['les transports en commun', transport, one('bus')],
    ['3 à 5', howOften, one('some')],
    ['plus de 5', howOften, one('many')],
    ['0', howOften, one('never')],
    // by synonym
    ['je dirais les transports', themes, one('mobilite')],
    ['le boulot', themes, one('emploi')],
    // with a typo
    ['emploie', themes, one('emploi')],
    ['mobilte', themes, one('mobilite')],
    ['parentalitee', themes, one('parentalite')],
    ['tout a fai dacord', agreement, one('agree')],
    ['transport scolaire', transport, one('school_bus')],
    // by a unique prefix of 4 letters or more
    ['cult', themes, one('culture')],
    ['educ', themes, one('education')],
    // several
    ['1, 3 et 5', themes, many('education', 'formation', 'parentalite')],
    ['emploi et culture', themes, many('emploi', 'culture')],
    ['culture, emploi', themes, many('emploi', 'culture')],
    ['la 2 et la culture', themes, many('emploi', 'culture')],
    ['2 et 2', themes, one('emploi')],
    ['emploi, le 2', themes, one('emploi')],
  ])('%j names a choice', (text, choices, expected) => {
    expect(matchChoice(text, choices)).toEqual(expected);
  });

  it.each([
    ['', themes],
    ['   ', themes],
    ['👍', themes],
    ['🚌🚌 !!', themes],
    ['2', []],
    // out of range
    ['7', themes],
    ['0', themes],
    ['1, 3 et 9', themes],
    // ambiguous: never a guess
    ["d'accord", agreement],
    ['plutôt', agreement],
    ["pas d'accord", agreement],
    ['transports', transport],
    ['1', howOften],
    ['5', howOften],
    ['les deux', themes],
    // too short to be a prefix, or unrelated
    ['cul', themes],
    ['information', themes],
    ['je sais pas', themes],
    ['une idée', themes],
    // a sentence that only mentions a choice in passing
    ['Il faudrait plus de bus le soir pour aller au travail', themes],
  ])('%j names no choice', (text, choices) => {
    expect(matchChoice(text, choices)).toEqual(none);
  });
});

const urgency: ChoiceCandidate[] = [
  { id: '1', label: 'Pas urgent' },
  { id: '2', label: 'Peu urgent' },
  { id: '3', label: 'Assez urgent' },
  { id: '4', label: 'Urgent' },
  { id: '5', label: 'Très urgent' },
];

const barriers: ChoiceCandidate[] = [
  { id: 'discri', label: 'Les discriminations' },
  { id: 'codes', label: 'La non-connaissance des codes du monde du travail' },
  { id: 'sport', label: "Plus d'activités sportives" },
];

const withNoOpinion: ChoiceCandidate[] = [
  ...themes,
  { id: 'sans_avis', label: 'Sans avis', synonyms: ["pas d'avis"], unnumbered: true },
];

describe('matchChoice, sure or not', () => {
  it.each([
    // hedges around a choice leave it sure
    ['mobilité, je crois', themes, one('mobilite')],
    ['je choisis le 2', themes, one('emploi')],
    ['franchement la culture', themes, one('culture')],
    // an apostrophe left out, a plural, a letter left out of a short word
    ['lemploi', themes, one('emploi')],
    ['les discrimination', barriers, one('discri')],
  ])('%j names a choice for sure', (text, choices, expected) => {
    expect(matchChoice(text, choices)).toEqual(expected);
  });

  it.each([
    // a choice among words of its own: proposed, not taken
    ["j'ai 2 enfants", themes, unsure('emploi')],
    ['les transports mais surtout le soir', themes, unsure('mobilite')],
    // only a word such as « pas », « très », « non », « plus » names it
    ['très', urgency, unsure('5')],
    ['non', barriers, unsure('codes')],
    ['plus tard', barriers, unsure('sport')],
    // « sais » is no typo of « sans » (four letters are too few): only « pas » is left
    ['je sais pas', withNoOpinion, unsure('sans_avis')],
    // only part of a label: « tout à fait » of « Tout à fait d'accord »
    ['tout à fait', agreement, unsure('agree')],
    // a short word a typo away from a choice's: « saute » and « santé »
    ['on saute', [{ id: 'indirect', label: 'Freins', synonyms: ['santé'] }], unsure('indirect')],
    // one word of a longer synonym: « teachers » in « parent-teacher meetings »
    [
      'more teachers',
      [{ id: 'parents', label: 'Parents', synonyms: ['parent-teacher meetings'] }],
      unsure('parents'),
    ],
  ])('%j only suggests a choice', (text, choices, expected) => {
    expect(matchChoice(text, choices)).toEqual(expected);
  });

  it.each([
    // ruled out by a negation
    ['pas la mobilité', themes],
    ['surtout pas le travail', themes],
    ['not the culture', themes],
    // a number never names « Sans avis »
    ['7', withNoOpinion],
  ])('%j names no choice', (text, choices) => {
    expect(matchChoice(text, choices)).toEqual(none);
  });

  it('counts numbers among the numbered choices only', () => {
    expect(matchChoice('6', withNoOpinion)).toEqual(one('culture'));
    expect(matchChoice('sans avis', withNoOpinion)).toEqual(one('sans_avis'));
  });
});

describe('normalizeText', () => {
  it.each([
    ["  L'Éducation, SVP ! 🙏 ", 'l education svp'],
    ['Cœur   de   VILLE', 'coeur de ville'],
    ['n°2', 'n 2'],
    ['ÇA MARCHE', 'ca marche'],
  ])('%j → %j', (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  it.each(['', '🙏🙏', ' ?! '])('%j → empty', (text) => {
    expect(normalizeText(text)).toBe('');
  });
});
