import type { AnswerValue } from '../../dialogs/answer-value.js';
import type { Question } from '../../dialogs/questionnaire-schema.js';
import { allQuestions } from '../../dialogs/questionnaire-walk.js';
import { shippedConsultation } from '../../dialogs/load-consultation.js';
import type { AnswerDoc, ParticipantDoc } from '../../storage/documents.js';
import type { ExportSource } from '../../storage/export-source.js';
import type { ParticipantSummary } from '../../storage/storage.js';
import { generatedAnswer, generatedParticipant } from '../helpers/export-seed.js';

const loaded = shippedConsultation();
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
export const benchConsultation = loaded.consultation;
export const benchQuestions: readonly Question[] = allQuestions(benchConsultation);

const texts = [
  'Plus de bus le soir après 21 h, et une salle pour les jeunes du quartier',
  "L'aide aux devoirs au centre social marche bien ; il faudrait plus de bénévoles",
  'Appelez-moi au 06 12 34 56 78 pour en parler',
  "Des « cafés des parents » à l'école, le samedi matin",
];

const councils = ['QN05981M', 'QN05983M', 'QN00101M', 'QN09301M', 'QN97426M'];
const at = new Date('2017-11-28T17:42:00Z');

/** The answer of generated participant `p` to question `q`: every type, « Autre » and « Sans avis ». */
export function generatedValue(question: Question, p: number): AnswerValue {
  const pick = (n: number) =>
    ('choices' in question ? question.choices[(p + n) % question.choices.length]?.id : undefined) ??
    'x';
  switch (question.type) {
    case 'text':
      return { kind: 'text', text: texts[p % texts.length] ?? '' };
    case 'single':
      return p % 7 === 0 && question.other
        ? { kind: 'choice', choiceId: 'other', other: 'autre chose' }
        : { kind: 'choice', choiceId: pick(0) };
    case 'multiple':
      return p % 11 === 0 && question.noOpinion
        ? { kind: 'choice', choiceId: 'sans_avis' }
        : { kind: 'choices', choiceIds: [pick(0), pick(1)] };
    case 'ranking':
      return { kind: 'ranking', choiceIds: [pick(0), pick(1), pick(2)] };
    case 'scale':
      return { kind: 'scale', value: (p % 5) + 1 };
    case 'yesno':
      return { kind: 'yesno', value: p % 2 === 0 };
  }
}

export function participantIdOf(p: number): string {
  return `bench-${String(p).padStart(8, '0')}`;
}

/** Participant `p` as stored: a council, completed, every question answered. */
export function benchParticipant(p: number): ParticipantDoc {
  return generatedParticipant(participantIdOf(p), {
    councilId: councils[p % councils.length] ?? 'QN05981M',
    status: 'completed',
    answered: benchQuestions.length,
    at,
  });
}

/** How many participants hold `answers` answers (every question each). */
export function participantsFor(answers: number): number {
  return Math.ceil(answers / benchQuestions.length);
}

/** The answers of participant `p`, as stored. */
export function benchAnswers(p: number): AnswerDoc[] {
  return benchQuestions.map((q) =>
    generatedAnswer(participantIdOf(p), q.id, generatedValue(q, p), at),
  );
}

/**
 * The same data without a database: what the export pipeline (selection, rows, masking,
 * formats) costs on its own, beside what reading from the server costs.
 */
export function memoryExportSource(participantCount: number): ExportSource {
  const byId = new Map(benchQuestions.map((q) => [q.id, q]));
  return {
    councils: async () =>
      councils.map((councilId) => ({
        councilId,
        name: `Conseil ${councilId}`,
        commune: 'Commune',
        department: '59',
      })),
    async *participants(): AsyncGenerator<ParticipantSummary> {
      for (let p = 0; p < participantCount; p += 1) {
        const {
          _id,
          state: _s,
          recentInboundIds: _r,
          lastTurn: _l,
          ...summary
        } = benchParticipant(p);
        yield { participantId: _id, ...summary };
      }
    },
    async *answers(ids) {
      for (const id of ids) {
        const [participantId = '', questionId = ''] = id.split(':');
        const question = byId.get(questionId);
        if (!question) continue;
        const {
          _id,
          history: _h,
          ...answer
        } = generatedAnswer(
          participantId,
          questionId,
          generatedValue(question, Number(participantId.slice(6))),
          at,
        );
        yield answer;
      }
    },
    async *transcripts() {},
  };
}
