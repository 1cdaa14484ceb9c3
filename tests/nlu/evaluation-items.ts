import { z } from 'zod';
import { intentNames } from '../../dialogs/nlu/intent-name.js';
import evaluationSet from './evaluation-set.json' with { type: 'json' };
import holdoutSet from './holdout-set.json' with { type: 'json' };
import phoneSet from './phone-set.json' with { type: 'json' };

const itemsSchema = z.object({
  items: z.array(
    z.object({
      text: z.string(),
      lang: z.enum(['fr', 'en']),
      intent: z.enum([...intentNames, 'none']),
      /** For an answer: the choices it names at the questions the engine test drives. */
      means: z.record(z.string(), z.array(z.string())).optional(),
    }),
  ),
});

export type Item = z.infer<typeof itemsSchema>['items'][number];

/** The three NLU evaluation sets (see evaluation.test.ts for what each one is for). */
export const evaluationSets = {
  evaluation: itemsSchema.parse(evaluationSet).items,
  holdout: itemsSchema.parse(holdoutSet).items,
  phone: itemsSchema.parse(phoneSet).items,
};
