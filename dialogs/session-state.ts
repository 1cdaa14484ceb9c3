import { z } from 'zod';
import { answerValueSchema } from './answer-value.js';

const langSchema = z.enum(['fr', 'en']);

const councilRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  commune: z.string(),
  /** Département code ("59", "2A", "974"), shown beside the commune. */
  department: z.string().optional(),
});

/** A question awaiting more than one message: "Autre" text, ranking picks, ticked boxes. */
const pendingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('other'), questionId: z.string(), picks: z.array(z.string()) }),
  z.object({
    kind: z.literal('picks'),
    questionId: z.string(),
    picks: z.array(z.string()),
    other: z.string().optional(),
  }),
  z.object({ kind: z.literal('confirm_delete') }),
  z.object({ kind: z.literal('language') }),
  z.object({
    kind: z.literal('councils'),
    candidates: z.array(councilRefSchema),
    /** What was searched, from which result, and how many matched: for « voir plus ». */
    query: z.string().optional(),
    offset: z.number().int().min(0).optional(),
    total: z.number().int().min(0).optional(),
  }),
  z.object({ kind: z.literal('review_theme'), themeId: z.string() }),
  z.object({ kind: z.literal('consent_details') }),
  /** A typed answer the engine understood only in part: proposed, stored once confirmed. */
  z.object({
    kind: z.literal('confirm'),
    questionId: z.string(),
    choiceIds: z.array(z.string()),
    /** Picks made before (ticked boxes, ranking so far), kept whatever the reply. */
    picks: z.array(z.string()),
    other: z.string().optional(),
  }),
  /** An invitation link of another council than the participant's: switch to it? */
  z.object({ kind: z.literal('switch_council'), councilId: z.string() }),
  /** A volunteer for the workshop is asked how to reach them (workshop-contact-step.ts). */
  z.object({ kind: z.literal('workshop_contact') }),
  /** A volunteer is asked, optionally, their gender for the workshop's balance (workshop-gender-step.ts). */
  z.object({ kind: z.literal('workshop_gender') }),
]);

/**
 * Everything the engine needs to resume a conversation. Stored as is; parsed on every read,
 * so a document written by an older version is upgraded or refused, never half-understood.
 */
export const sessionStateSchema = z.object({
  v: z.literal(1),
  lang: langSchema,
  consultationId: z.string(),
  stage: z.enum(['consent', 'council', 'questions', 'review', 'done']),
  /** The question on screen while stage is "questions". */
  current: z.string().optional(),
  answers: z.record(z.string(), answerValueSchema),
  pending: pendingSchema.optional(),
  /** Consecutive failed tries at the current prompt. */
  failures: z.number().int().min(0),
  councilId: z.string().optional(),
  /** Invitation code seen before consent, applied once consent is given. */
  invitation: z.string().optional(),
  consented: z.boolean(),
  remindersOff: z.boolean(),
  completedThemes: z.array(z.string()),
  /** The questionnaire was confirmed once (later changes do not complete it again). */
  completed: z.boolean(),
  /** Set when an answer is changed from the summary: go back there afterwards. */
  editing: z.boolean(),
  /**
   * False until the welcome and the consent question were shown (someone new, or after a
   * deletion): their first message, whatever it says, gets them. Absent in states written
   * before it existed, which had all been welcomed.
   */
  greeted: z.boolean().optional(),
  /**
   * The council question was asked (or answered by an invitation). Someone who consented
   * while there were no councils is asked once councils exist.
   */
  councilAsked: z.boolean().optional(),
  /** The channel could not deliver to them (blocked the bot); cleared by their next message. */
  unreachable: z.boolean().optional(),
  /**
   * A volunteer for the workshop left a contact (kept apart, never in the state) or said no
   * thanks; absent: not asked, or no longer a volunteer.
   */
  workshopContact: z.enum(['given', 'declined']).optional(),
  /** The same for the gender question of the workshop's balance (the answer is kept apart too). */
  workshopGender: z.enum(['given', 'declined']).optional(),
});

export type SessionState = z.infer<typeof sessionStateSchema>;
export type PendingStep = NonNullable<SessionState['pending']>;
export type CouncilRef = z.infer<typeof councilRefSchema>;
export type Lang = z.infer<typeof langSchema>;

/** The state of someone who has not said anything yet. */
export function initialState(consultationId: string, lang: Lang): SessionState {
  return {
    v: 1,
    lang,
    consultationId,
    stage: 'consent',
    answers: {},
    failures: 0,
    consented: false,
    remindersOff: false,
    completedThemes: [],
    completed: false,
    editing: false,
    greeted: false,
  };
}
