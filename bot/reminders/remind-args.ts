import { parseArgs } from 'node:util';
import type { TargetStatus } from '../../storage/reminder-documents.js';
import { allTargetStatuses } from './plan-wave.js';

export const remindUsage: Record<'all' | 'plan' | 'send' | 'status', string> = {
  all: `Usage: concerto remind plan|send|status [options]   (concerto remind ACTION --help)

  plan     who would get a reminder now, and when; the scheduled ones
  send     send a reminder now (after confirmation); \`concerto serve\` sends it
  status   the waves and what they did; a progress bar while one is sent
`,
  plan: `Usage: concerto remind plan [--council CODE…] [--status not_started|in_progress]

  Shows, without writing anything, who a reminder sent now would reach, per council and
  status, who it would skip and why, when it would go (quiet hours wait for the morning),
  a sample of its text in each language, and the consultation's scheduled reminders.
    --council CODE   only this council (repeat for several); default: every council
    --status S       only not_started or in_progress participants; default: both
`,
  send: `Usage: concerto remind send [--council CODE…] [--status S] [--yes] [--wait]

  Creates a reminder wave now (it waits for the morning in the quiet hours); a running
  \`concerto serve\` (any of them) sends it, each reminder once, at Telegram's pace.
    --council CODE   only this council (repeat for several); default: every council
    --status S       only not_started or in_progress participants; default: both
    --yes            do not ask for confirmation (needed without a terminal)
    --wait           follow the wave until it is done, then print its totals
`,
  status: `Usage: concerto remind status [WAVE]

  Without WAVE: the consultation's waves, newest last, with what each did. With WAVE: that
  wave; while it is being sent, a progress bar (when stderr is a terminal), then the totals.
`,
};

export type RemindRequest =
  | { help: keyof typeof remindUsage }
  | { problem: string; action?: keyof typeof remindUsage }
  | { action: 'plan'; councilIds?: string[]; statuses: TargetStatus[] }
  | { action: 'send'; councilIds?: string[]; statuses: TargetStatus[]; yes: boolean; wait: boolean }
  | { action: 'status'; waveId?: string };

/** `concerto remind …` arguments, or the one problem with them. */
export function parseRemindArgs(args: readonly string[]): RemindRequest {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h') return { help: 'all' };
  if (action !== 'plan' && action !== 'send' && action !== 'status')
    return { problem: `unknown action "${action}": use plan, send or status` };
  if (rest.includes('--help') || rest.includes('-h')) return { help: action };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: {
        council: { type: 'string', multiple: true },
        status: { type: 'string' },
        ...(action === 'send' ? { yes: { type: 'boolean' }, wait: { type: 'boolean' } } : {}),
      },
      allowPositionals: action === 'status',
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const first = message.split('\n')[0] ?? message;
    return { action, problem: first.replace(/\. To specify a positional argument.*$/, '') };
  }
  const { values, positionals } = parsed;
  if (action === 'status') {
    if (values.council !== undefined || values.status !== undefined)
      return { action, problem: 'status takes a wave id, not --council or --status' };
    if (positionals.length > 1) return { action, problem: 'status takes at most one wave id' };
    return positionals[0] === undefined ? { action } : { action, waveId: positionals[0] };
  }
  const statuses = values.status === undefined ? [...allTargetStatuses] : [values.status];
  if (!statuses.every((s): s is TargetStatus => s === 'not_started' || s === 'in_progress'))
    return {
      action,
      problem: `--status must be not_started or in_progress, not "${values.status}"`,
    };
  const councilIds = values.council?.map((c) => c.trim().toUpperCase());
  if (councilIds?.some((c) => c === ''))
    return { action, problem: '--council needs a council code' };
  const target = { statuses, ...(councilIds ? { councilIds } : {}) };
  if (action === 'plan') return { action, ...target };
  return { action, ...target, yes: values.yes === true, wait: values.wait === true };
}
