export const intentNames = [
  'help',
  'back',
  'skip',
  'resume',
  'summary',
  'language',
  'stop',
  'delete',
  'pause',
  'yes',
  'no',
  'code',
  'explain',
] as const;
export type IntentName = (typeof intentNames)[number];
export type { Lang } from '../session-state.js';
export interface IntentGuess {
  intent: IntentName;
  score: number;
}
