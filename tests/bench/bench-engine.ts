import { resumeSession, startSession } from '../../dialogs/resume-session.js';
import { engineContext } from '../helpers/engine-context.js';
import { nextInput } from './next-input.js';
import { quantile } from './quantile.js';

/**
 * Engine steps per second, one core, no NLU: a whole questionnaire answered by taps and
 * typed numbers, over and over.
 */
export function benchEngine(seconds = 3): string[] {
  const ctx = engineContext('2026-11-25T10:00:00+01:00');
  let steps = 0;
  let questionnaires = 0;
  const stepTimes: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    let result = startSession({ kind: 'start', payload: 'RBX7KQ' }, 'fr', ctx);
    steps += 1;
    for (
      let guard = 0;
      guard < 200 && !result.events.some((e) => e.type === 'questionnaire_completed');
      guard += 1
    ) {
      const input = nextInput(result.replies.at(-1));
      const start = performance.now();
      result = resumeSession(result.state, input, ctx);
      stepTimes.push(performance.now() - start);
      steps += 1;
    }
    questionnaires += 1;
  }
  stepTimes.sort((a, b) => a - b);
  const perSecond = steps / seconds;
  return [
    `engine ${Math.round(perSecond).toLocaleString('en')} steps/s on one core without NLU ` +
      `(${questionnaires} whole questionnaires; step median ${quantile(stepTimes, 0.5).toFixed(3)} ms, ` +
      `p99 ${quantile(stepTimes, 0.99).toFixed(3)} ms) (target: ≥ 50,000 steps/s)`,
  ];
}
