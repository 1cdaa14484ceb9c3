import { z } from 'zod';

/**
 * The questionnaire as data. A consultation file is validated by `consultationSchema`;
 * every user-facing string is a locale key looked up in `locales/<lang>/`.
 *
 * « Sans avis » (`noOpinion: true`, on opinion questions) is one more choice, offered last.
 * Whatever the question type, it is stored as `{ kind: 'choice', choiceId: 'sans_avis' }`:
 * on a scale it is no number (an average of the 1–5 answers leaves it out), on a multiple
 * choice or a ranking it is never mixed with other choices. Exports show `sans_avis` in the
 * choices column.
 *
 * @example
 * { "id": "emp_frein", "type": "ranking", "text": "cc2017.q.emp_frein.text", "top": 3,
 *   "other": true, "choices": [{ "id": "discri", "label": "cc2017.q.emp_frein.discri" }, …] }
 */

/** A locale key: lower-case words separated by dots, dashes or underscores. */
export const localeKeySchema = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'not a locale key');

/** Short stable ids: they travel inside Telegram's 64-byte callback data. */
const idSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,23}$/, 'ids are 1–24 of a-z 0-9 _ -');

export const choiceSchema = z.object({
  id: idSchema,
  label: localeKeySchema,
  /** Locale key of a " | "-separated list of other words that select this choice. */
  synonyms: localeKeySchema.optional(),
  /** What the choice means, for someone who asks (« ça veut dire quoi … ? »). */
  help: localeKeySchema.optional(),
});

/** Shown only when an earlier answer is one of `anyOf` (a choice id, a scale value, yes/no). */
export const conditionSchema = z.object({
  question: idSchema,
  anyOf: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
});

const questionBase = {
  id: idSchema,
  text: localeKeySchema,
  help: localeKeySchema.optional(),
  required: z.boolean().default(true),
  when: conditionSchema.optional(),
};

const choiceList = z.array(choiceSchema).min(2).max(12);

/** The stored id of « Sans avis »: the same in every question, for exports and analysis. */
export const NO_OPINION = 'sans_avis';

/** Adds « Sans avis » after the other choices (see the doc comment at the top). */
const noOpinion = z.boolean().default(false);

export const singleChoiceQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('single'),
  choices: choiceList,
  /** Adds "Autre" at the end, followed by a free-text answer. */
  other: z.boolean().default(false),
  noOpinion,
});

export const multipleChoiceQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('multiple'),
  choices: choiceList,
  max: z.number().int().min(1),
  other: z.boolean().default(false),
  noOpinion,
});

export const rankingQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('ranking'),
  choices: choiceList,
  /** How many choices the respondent orders, most important first. */
  top: z.number().int().min(1),
  other: z.boolean().default(false),
  noOpinion,
});

export const scaleQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('scale'),
  /** One label per point, from 1 to 5. */
  labels: z.array(localeKeySchema).length(5),
  noOpinion,
});

export const yesNoQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('yesno'),
});

export const textQuestionSchema = z.object({
  ...questionBase,
  type: z.literal('text'),
  minLength: z.number().int().min(1).default(2),
  maxLength: z.number().int().min(1).max(4000).default(1000),
});

export const questionSchema = z.discriminatedUnion('type', [
  singleChoiceQuestionSchema,
  multipleChoiceQuestionSchema,
  rankingQuestionSchema,
  scaleQuestionSchema,
  yesNoQuestionSchema,
  textQuestionSchema,
]);

export const themeSchema = z.object({
  id: idSchema,
  title: localeKeySchema,
  intro: localeKeySchema,
  questions: z.array(questionSchema).min(1),
});

/** A time of day in the consultation's time zone, `HH:MM` (24 h). */
const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM');

/**
 * One scheduled reminder: `daysBefore` calendar days before the closing day (0: the closing
 * day itself), at `at` in the consultation's time zone.
 *
 * @example { "daysBefore": 7, "at": "10:00" }
 */
export const reminderSlotSchema = z.object({
  daysBefore: z.int().min(0).max(90),
  at: clockTimeSchema,
});

/**
 * How reminders behave: when the scheduled ones go (relative to `closesAt`), the hours when
 * nothing is sent (a reminder due then waits for the morning), how many one person gets and
 * how far apart. Every field has its default: a file may leave the whole block out.
 */
export const reminderSettingsSchema = z.object({
  schedule: z.array(reminderSlotSchema).default([
    { daysBefore: 7, at: '10:00' },
    { daysBefore: 3, at: '10:00' },
    { daysBefore: 0, at: '09:00' },
  ]),
  /** Nothing is sent from `from` until `to` (crossing midnight when `from` is later). */
  quietHours: z
    .object({ from: clockTimeSchema, to: clockTimeSchema })
    .default({ from: '20:00', to: '09:00' }),
  /** At most this many reminders per participant and consultation, whoever sends them. */
  maxPerParticipant: z.int().min(0).max(20).default(3),
  /** At least this many hours between two reminders to one person. */
  minHoursBetween: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
});

export const consultationSchema = z
  .object({
    specVersion: z.literal(2),
    id: idSchema,
    /** Recorded with every answer; change it whenever a question changes. */
    version: z.string().min(1),
    title: localeKeySchema,
    opensAt: z.iso.datetime({ offset: true }).optional(),
    closesAt: z.iso.datetime({ offset: true }).optional(),
    timeZone: z.string().default('Europe/Paris'),
    consent: z.object({
      summary: localeKeySchema,
      details: localeKeySchema,
      /** Recorded with each consent; change it whenever the consent text changes. */
      version: z.string().min(1).optional(),
    }),
    /** Asked before the themes, not counted in the progress (e.g. the role in the council). */
    profile: z.array(questionSchema),
    /**
     * The workshop the consultation prepares. A « yes » to `volunteerQuestion` (a yes/no
     * question) makes a volunteer; on a channel that cannot write to them later (the web) they
     * are asked, if they wish, for an e-mail or a phone number, kept apart from the answers
     * and deleted from `deleteAfter` on (when it is no longer asked either). Every volunteer
     * is also asked, optionally, whether they are a woman or a man, so that the draw can
     * balance it (kept with the contact, deleted with it); `askGender: false` does not ask.
     *
     * @example { "volunteerQuestion": "atelier", "deleteAfter": "2017-12-31T23:59:59+01:00" }
     */
    workshop: z
      .object({
        volunteerQuestion: idSchema,
        deleteAfter: z.iso.datetime({ offset: true }).optional(),
        askGender: z.boolean().optional(),
      })
      .optional(),
    themes: z.array(themeSchema).min(1),
    closing: localeKeySchema,
    reminders: reminderSettingsSchema.prefault({}),
  })
  .superRefine(checkReferences);

/** The version of the consent text, recorded with each consent (the consultation's own if unset). */
export function consentTextVersion(consultation: Consultation): string {
  return consultation.consent.version ?? consultation.version;
}

export type Choice = z.infer<typeof choiceSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Question = z.infer<typeof questionSchema>;
export type ChoiceQuestion = Extract<Question, { choices: unknown }>;
export type Theme = z.infer<typeof themeSchema>;
export type Consultation = z.infer<typeof consultationSchema>;
export type ReminderSettings = z.infer<typeof reminderSettingsSchema>;
export type ReminderSlot = z.infer<typeof reminderSlotSchema>;
export type ConsultationInput = z.input<typeof consultationSchema>;

/** Ids are unique, conditions point to an earlier question, bounds are coherent. */
function checkReferences(consultation: ConsultationInput, ctx: z.RefinementCtx): void {
  const seen = new Map<string, QuestionInput>();
  const questions = [...consultation.profile, ...consultation.themes.flatMap((t) => t.questions)];
  for (const question of questions) {
    if (seen.has(question.id))
      ctx.addIssue({ code: 'custom', message: `duplicate question id "${question.id}"` });
    const dependency = question.when ? seen.get(question.when.question) : undefined;
    if (question.when && !dependency) {
      ctx.addIssue({
        code: 'custom',
        message: `question "${question.id}" depends on "${question.when.question}", which is not asked before it`,
      });
    }
    if (
      question.when &&
      dependency &&
      !question.when.anyOf.every((value) => canAnswer(dependency, value))
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `question "${question.id}": its condition names a value "${question.when.question}" cannot have`,
      });
    }
    seen.set(question.id, question);
    if ('choices' in question) {
      const ids = new Set(question.choices.map((c) => c.id));
      if (ids.size !== question.choices.length || ids.has('other') || ids.has(NO_OPINION)) {
        ctx.addIssue({
          code: 'custom',
          message: `question "${question.id}": choice ids must be unique and not "other" or "${NO_OPINION}"`,
        });
      }
      const limit =
        question.type === 'multiple'
          ? question.max
          : question.type === 'ranking'
            ? question.top
            : 1;
      if (limit > question.choices.length + (question.other ? 1 : 0)) {
        ctx.addIssue({
          code: 'custom',
          message: `question "${question.id}": asks for more picks than there are choices`,
        });
      }
    }
    if (question.type === 'text' && (question.minLength ?? 2) > (question.maxLength ?? 1000)) {
      ctx.addIssue({
        code: 'custom',
        message: `question "${question.id}": minLength is above maxLength`,
      });
    }
  }
  const volunteerQuestion = consultation.workshop?.volunteerQuestion;
  if (volunteerQuestion !== undefined && seen.get(volunteerQuestion)?.type !== 'yesno') {
    ctx.addIssue({
      code: 'custom',
      message: `workshop.volunteerQuestion "${volunteerQuestion}" must be a yes/no question of the consultation`,
    });
  }
  const themeIds = new Set(consultation.themes.map((t) => t.id));
  if (themeIds.size !== consultation.themes.length)
    ctx.addIssue({ code: 'custom', message: 'duplicate theme id' });
  if (
    consultation.opensAt &&
    consultation.closesAt &&
    Date.parse(consultation.opensAt) >= Date.parse(consultation.closesAt)
  ) {
    ctx.addIssue({ code: 'custom', message: 'opensAt must be before closesAt' });
  }
}

type QuestionInput = z.input<typeof questionSchema>;

/** Whether an answer to `question` can be `value` (a choice id, a scale point, yes or no). */
function canAnswer(question: QuestionInput, value: string | number | boolean): boolean {
  if (value === NO_OPINION && 'noOpinion' in question && question.noOpinion === true) return true;
  switch (question.type) {
    case 'yesno':
      return typeof value === 'boolean';
    case 'scale':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
    case 'text':
      return false;
    default:
      return (
        question.choices.some((c) => c.id === value) ||
        (value === 'other' && question.other === true)
      );
  }
}
