import { z } from 'zod';

/** A stored answer; `other` holds the free text after "Autre". */
export const answerValueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choice'), choiceId: z.string(), other: z.string().optional() }),
  z.object({
    kind: z.literal('choices'),
    choiceIds: z.array(z.string()),
    other: z.string().optional(),
  }),
  z.object({
    kind: z.literal('ranking'),
    choiceIds: z.array(z.string()),
    other: z.string().optional(),
  }),
  z.object({ kind: z.literal('scale'), value: z.number().int() }),
  z.object({ kind: z.literal('yesno'), value: z.boolean() }),
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('skipped') }),
]);

export type AnswerValue = z.infer<typeof answerValueSchema>;
