import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import data from '../../dialogs/consultations/conseils-citoyens-2017.json' with { type: 'json' };
import frData from '../../locales/fr/consultation.json' with { type: 'json' };
import enData from '../../locales/en/consultation.json' with { type: 'json' };
import {
  consultationSchema,
  type Consultation,
  type Question,
} from '../../dialogs/questionnaire-schema.js';

const localeFile = z.record(z.string(), z.string());
const fr = localeFile.parse(frData);
const en = localeFile.parse(enData);
const consultation = consultationSchema.parse(data);
const themeQuestions = consultation.themes.flatMap((t) => t.questions);
const allQuestions = [...consultation.profile, ...themeQuestions];

function question(id: string): Question {
  const found = allQuestions.find((q) => q.id === id);
  if (!found) throw new Error(`no question "${id}"`);
  return found;
}

/** Every locale key the consultation refers to, in file order. */
function referencedKeys(c: Consultation): string[] {
  const keys = [c.title, c.consent.summary, c.consent.details];
  for (const q of c.profile) keys.push(...questionKeys(q));
  for (const t of c.themes) {
    keys.push(t.title, t.intro);
    for (const q of t.questions) keys.push(...questionKeys(q));
  }
  keys.push(c.closing);
  return keys;
}

function questionKeys(q: Question): string[] {
  const keys = [q.text];
  if (q.help) keys.push(q.help);
  if ('choices' in q) {
    for (const c of q.choices) {
      keys.push(c.label);
      if (c.synonyms) keys.push(c.synonyms);
      if (c.help) keys.push(c.help);
    }
  }
  if (q.type === 'scale') keys.push(...q.labels);
  return keys;
}

/** Parses a modified copy of the shipped consultation. */
function parseBroken(mutate: (c: Consultation) => void) {
  const copy = structuredClone(consultationSchema.parse(data));
  mutate(copy);
  return consultationSchema.safeParse(copy);
}

function messages(result: ReturnType<typeof parseBroken>): string {
  return result.success ? '' : result.error.issues.map((i) => i.message).join('\n');
}

const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

const synonymsOf = (key: string | undefined, locale: Record<string, string>) =>
  key ? (locale[key] ?? '').split(' | ') : [];

describe('the shipped consultation file', () => {
  it('parses with consultationSchema', () => {
    const result = consultationSchema.safeParse(data);
    expect(messages(result)).toBe('');
    expect(result.success).toBe(true);
  });

  it('has the expected identity, and no dates (they are deployment configuration)', () => {
    expect(consultation.specVersion).toBe(2);
    expect(consultation.id).toBe('cc2017');
    expect(consultation.version).toBe('2017-11-22.2');
    expect(consultation.timeZone).toBe('Europe/Paris');
    expect(data).not.toHaveProperty('opensAt');
    expect(data).not.toHaveProperty('closesAt');
  });

  it('has the six themes, in order', () => {
    expect(consultation.themes.map((t) => t.id)).toEqual([
      'education',
      'emploi',
      'formation',
      'mobilite',
      'parentalite',
      'culture',
    ]);
  });

  it('has 18–24 questions in the themes, 3–5 per theme', () => {
    expect(themeQuestions.length).toBeGreaterThanOrEqual(18);
    expect(themeQuestions.length).toBeLessThanOrEqual(24);
    for (const theme of consultation.themes) {
      expect(theme.questions.length, theme.id).toBeGreaterThanOrEqual(3);
      expect(theme.questions.length, theme.id).toBeLessThanOrEqual(5);
    }
  });

  it('uses every question type, "other" on several lists and at least one condition', () => {
    const types = new Set(themeQuestions.map((q) => q.type));
    for (const type of ['single', 'multiple', 'ranking', 'scale', 'yesno', 'text'] as const) {
      expect(types.has(type), type).toBe(true);
    }
    const withOther = allQuestions.filter((q) => 'other' in q && q.other);
    expect(withOther.length).toBeGreaterThanOrEqual(3);
    expect(themeQuestions.some((q) => q.when)).toBe(true);
  });

  it('asks for the role in the council in the profile, before the themes', () => {
    expect(consultation.profile.map((q) => q.id)).toEqual(['role']);
    const role = question('role');
    expect(role.type).toBe('single');
    if (role.type !== 'single') return;
    expect(role.choices.map((c) => c.id)).toEqual(['tire', 'volontaire', 'acteur']);
    expect(role.required).toBe(true);
  });

  it('offers « Sans avis » on every opinion question, never on a fact or a decision', () => {
    const withNoOpinion = allQuestions.filter((q) => 'noOpinion' in q && q.noOpinion);
    expect(withNoOpinion.map((q) => q.id)).toEqual([
      ...['edu_idees', 'edu_avec', 'edu_urgence', 'emp_frein', 'emp_idees', 'emp_urgence'],
      ...['for_besoins', 'for_urgence', 'mob_idees', 'mob_urgence', 'par_besoin', 'par_urgence'],
      ...['cul_idees', 'cul_urgence'],
    ]);
    for (const id of ['role', 'par_parent', 'atelier']) {
      const q = question(id);
      expect('noOpinion' in q && q.noOpinion, id).not.toBe(true);
    }
    // Every scale is an opinion: none can leave out « Sans avis ».
    for (const q of allQuestions.filter((q) => q.type === 'scale'))
      expect(q.type === 'scale' && q.noOpinion, q.id).toBe(true);
  });

  it('explains the choices people asked about (« ça veut dire quoi les codes … ? »)', () => {
    const q = question('emp_frein');
    const codes = 'choices' in q ? q.choices.find((c) => c.id === 'codes') : undefined;
    expect(codes?.help).toBe('cc2017.q.emp_frein.codes.help');
    expect(fr[codes?.help ?? '']).toMatch(/se présenter/);
  });

  it('keeps the 2017 employment question as it was', () => {
    const q = question('emp_frein');
    expect(consultation.themes.find((t) => t.id === 'emploi')?.questions).toContain(q);
    expect(q.type).toBe('ranking');
    if (q.type !== 'ranking') return;
    expect(q.top).toBe(3);
    expect(q.other).toBe(true);
    expect(q.help).toBeDefined();
    expect(fr[q.text]).toBe(
      "Quel est d'après vous le principal frein à l'emploi pour les habitants des quartiers ?",
    );
    expect(q.choices.map((c) => c.id)).toEqual([
      'discri',
      'reseau',
      'codes',
      'diplome',
      'qualif',
      'proxi',
      'offres',
      'indirect',
    ]);
    expect(q.choices.map((c) => fr[c.label])).toEqual([
      'Les discriminations',
      'Le manque de réseau personnel',
      'La non-connaissance des codes du monde du travail',
      "Un diplôme dans un domaine où il y a peu d'emplois",
      'Le manque de qualifications',
      "Peu d'emplois à proximité immédiate",
      "Le manque d'offres d'emploi sur le territoire élargi",
      "Des freins indirects (maîtrise de la langue, transports, garde d'enfants)",
    ]);
  });

  it('shows the parent follow-up only to parents', () => {
    const parent = question('par_parent');
    expect(parent.type).toBe('yesno');
    expect(question('par_besoin').when).toEqual({ question: 'par_parent', anyOf: [true] });
  });

  it('ends with the required yes/no volunteering question for the national workshop', () => {
    const culture = consultation.themes.at(-1)!;
    const last = culture.questions.at(-1)!;
    expect(last.id).toBe('atelier');
    expect(last.type).toBe('yesno');
    expect(last.required).toBe(true);
  });

  it('leaves the open "what already works" questions optional, with sensible bounds', () => {
    for (const q of themeQuestions.filter((q) => q.id.endsWith('_marche'))) {
      expect(q.type, q.id).toBe('text');
      expect(q.required, q.id).toBe(false);
      expect(q.help, q.id).toBeDefined();
    }
    for (const q of allQuestions) {
      if (q.type !== 'text') continue;
      expect(q.minLength, q.id).toBeGreaterThanOrEqual(1);
      expect(q.maxLength, q.id).toBeLessThanOrEqual(1000);
    }
  });

  it('states the number of picks in the question (multiple) or its help (ranking)', () => {
    for (const q of allQuestions) {
      if (q.type === 'multiple') {
        expect(q.max, q.id).toBeGreaterThanOrEqual(2);
        expect(q.max, q.id).toBeLessThanOrEqual(3);
        expect(fr[q.text], q.id).toContain(String(q.max));
        expect(en[q.text], q.id).toContain(String(q.max));
      }
      if (q.type === 'ranking') {
        expect(`${fr[q.text]} ${fr[q.help ?? ''] ?? ''}`, q.id).toContain(String(q.top));
        expect(`${en[q.text]} ${en[q.help ?? ''] ?? ''}`, q.id).toContain(String(q.top));
      }
    }
  });

  it('has conditions whose values can be answers of the question they depend on', () => {
    for (const q of allQuestions) {
      if (!q.when) continue;
      const target = question(q.when.question);
      for (const value of q.when.anyOf) {
        if (target.type === 'yesno') expect(typeof value, q.id).toBe('boolean');
        else if (target.type === 'scale') expect([1, 2, 3, 4, 5], q.id).toContain(value);
        else if ('choices' in target) {
          const ids: unknown[] = target.choices.map((c) => c.id);
          if (target.other) ids.push('other');
          expect(ids, q.id).toContain(value);
        } else expect.unreachable(`question "${q.id}" depends on a ${target.type} question`);
      }
    }
  });
});

describe('the consultation locale files', () => {
  const referenced = referencedKeys(consultation);

  it('follow the key naming convention', () => {
    const c = consultation;
    expect([c.title, c.consent.summary, c.consent.details, c.closing]).toEqual([
      'cc2017.title',
      'cc2017.consent.summary',
      'cc2017.consent.details',
      'cc2017.closing',
    ]);
    for (const t of c.themes) {
      expect(t.title).toBe(`cc2017.theme.${t.id}.title`);
      expect(t.intro).toBe(`cc2017.theme.${t.id}.intro`);
    }
    for (const q of allQuestions) {
      const base = `cc2017.q.${q.id}`;
      expect(q.text).toBe(`${base}.text`);
      if (q.help) expect(q.help).toBe(`${base}.help`);
      if ('choices' in q) {
        for (const choice of q.choices) {
          expect(['text', 'help']).not.toContain(choice.id);
          expect(choice.label).toBe(`${base}.${choice.id}`);
          if (choice.synonyms) expect(choice.synonyms).toBe(`${base}.${choice.id}.syn`);
        }
      }
      if (q.type === 'scale') {
        expect(q.labels).toEqual([1, 2, 3, 4, 5].map((n) => `cc2017.scale.urgency.${n}`));
      }
    }
  });

  it('define every key the consultation uses, in French and in English', () => {
    const missing = (locale: Record<string, string>) => referenced.filter((k) => !(k in locale));
    expect(missing(fr)).toEqual([]);
    expect(missing(en)).toEqual([]);
  });

  it('have exactly the same keys in French and in English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it('hold no unused keys', () => {
    const used = new Set(referenced);
    expect(Object.keys(fr).filter((k) => !used.has(k))).toEqual([]);
  });

  it('hold no empty or placeholder strings', () => {
    for (const [lang, locale] of [
      ['fr', fr],
      ['en', en],
    ] as const) {
      for (const [key, text] of Object.entries(locale)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        // No braces: the translator would read them as {placeholders}.
        expect(text, `${lang} ${key}`).not.toMatch(/TODO|FIXME|XXX|[{}]/);
        expect(text, `${lang} ${key}`).toBe(text.trim());
      }
    }
  });

  it('tell people the words that delete their answers and stop reminders', () => {
    for (const key of [consultation.consent.summary, consultation.consent.details]) {
      expect(fr[key]).toContain('« supprimer »');
      expect(fr[key]).toContain('« stop »');
      expect(en[key]).toContain('"delete"');
      expect(en[key]).toContain('"stop"');
    }
  });

  it('keep French free of the "QPV" acronym', () => {
    for (const [key, text] of Object.entries(fr)) expect(text, key).not.toMatch(/\bQPV\b/);
  });

  it('announce in each theme intro its number of questions', () => {
    for (const t of consultation.themes) {
      expect(fr[t.intro], t.id).toContain(`${t.questions.length} questions`);
      expect(en[t.intro], t.id).toContain(`${t.questions.length} questions`);
    }
  });

  it('keep choice labels short enough for phone buttons', () => {
    // The 2017 employment choices keep their original wording.
    const original = question('emp_frein');
    for (const q of allQuestions) {
      if (!('choices' in q)) continue;
      const limit = q === original ? 80 : 42;
      for (const c of q.choices) {
        expect(fr[c.label]!.length, c.label).toBeLessThanOrEqual(limit);
        expect(en[c.label]!.length, c.label).toBeLessThanOrEqual(limit);
      }
    }
    for (const n of [1, 2, 3, 4, 5]) {
      expect(fr[`cc2017.scale.urgency.${n}`]!.length).toBeLessThanOrEqual(20);
    }
  });

  it('have synonyms that are clean lists and never point to two choices', () => {
    // English speakers are matched against the English and the French synonyms together.
    for (const q of allQuestions) {
      if (!('choices' in q)) continue;
      for (const [lang, locales] of [
        ['fr', [fr]],
        ['en', [en, fr]],
      ] as const) {
        const owner = new Map<string, string>();
        for (const c of q.choices) {
          for (const locale of locales) owner.set(normalise(locale[c.label]!), c.id);
        }
        for (const c of q.choices) {
          for (const locale of locales) {
            for (const word of synonymsOf(c.synonyms, locale)) {
              const where = `${lang} ${c.synonyms}: "${word}"`;
              expect(word, where).toBe(word.trim());
              expect(word, where).not.toBe('');
              expect(word, where).not.toContain('|');
              const previous = owner.get(normalise(word));
              expect(previous ?? c.id, `${where} also selects "${previous}"`).toBe(c.id);
              owner.set(normalise(word), c.id);
            }
          }
        }
      }
    }
  });
});

describe('consultationSchema on a broken copy', () => {
  it('rejects a duplicate question id', () => {
    const result = parseBroken((c) => {
      c.themes[1]!.questions[1]!.id = c.themes[0]!.questions[0]!.id;
    });
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('duplicate question id "edu_marche"');
  });

  it('rejects a condition on a later question', () => {
    const result = parseBroken((c) => {
      const parentalite = c.themes.find((t) => t.id === 'parentalite')!;
      const followUp = parentalite.questions.find((q) => q.when)!;
      followUp.when = { question: 'atelier', anyOf: [true] };
    });
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('depends on "atelier"');
  });

  it('rejects a condition on a question that does not exist', () => {
    const result = parseBroken((c) => {
      c.themes[4]!.questions.find((q) => q.when)!.when = { question: 'nowhere', anyOf: [true] };
    });
    expect(result.success).toBe(false);
  });

  it('rejects a ranking that asks for more picks than there are choices', () => {
    const result = parseBroken((c) => {
      const q = c.themes[1]!.questions.find((q) => q.id === 'emp_frein')!;
      if (q.type === 'ranking') q.top = q.choices.length + 2;
    });
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('asks for more picks than there are choices');
  });

  it('rejects a choice list that adds its own "other"', () => {
    const result = parseBroken((c) => {
      const q = c.themes[0]!.questions.find((q) => q.id === 'edu_idees')!;
      if ('choices' in q) q.choices.push({ id: 'other', label: 'cc2017.q.edu_idees.other' });
    });
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('not "other"');
  });

  it('rejects a choice of its own named "sans_avis" (the id of « Sans avis »)', () => {
    const result = parseBroken((c) => {
      const q = c.themes[0]!.questions.find((q) => q.id === 'edu_idees')!;
      if ('choices' in q) q.choices.push({ id: 'sans_avis', label: 'cc2017.q.edu_idees.mixite' });
    });
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('"sans_avis"');
  });

  it('accepts a condition on « Sans avis » only where it is offered', () => {
    const onScale = parseBroken((c) => {
      const q = c.themes[5]!.questions.find((q) => q.id === 'atelier')!;
      q.when = { question: 'cul_urgence', anyOf: ['sans_avis'] };
    });
    expect(messages(onScale)).toBe('');
    const onFact = parseBroken((c) => {
      const q = c.themes[4]!.questions.find((q) => q.id === 'par_besoin')!;
      q.when = { question: 'par_parent', anyOf: ['sans_avis'] };
    });
    expect(onFact.success).toBe(false);
  });

  it('rejects a duplicate theme id, an over-long id and a bad locale key', () => {
    expect(
      parseBroken((c) => {
        c.themes[5]!.id = 'education';
      }).success,
    ).toBe(false);
    expect(
      parseBroken((c) => {
        c.themes[0]!.questions[0]!.id = 'education_initiatives_existantes';
      }).success,
    ).toBe(false);
    expect(
      parseBroken((c) => {
        c.closing = 'CC2017 Closing';
      }).success,
    ).toBe(false);
  });

  it('rejects a theme without questions and a text question with minLength above maxLength', () => {
    expect(
      parseBroken((c) => {
        c.themes[2]!.questions = [];
      }).success,
    ).toBe(false);
    const result = parseBroken((c) => {
      const q = c.themes[0]!.questions[0]!;
      if (q.type === 'text') q.minLength = q.maxLength + 1;
    });
    expect(messages(result)).toContain('minLength is above maxLength');
  });
});
