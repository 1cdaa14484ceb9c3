import { describe, expect, it } from 'vitest';
import { resumeSession, startSession } from '../../dialogs/resume-session.js';
import { engineContext } from '../helpers/engine-context.js';

const closesAt = '2017-12-05T23:59:59+01:00';

describe('a consultation that has closed', () => {
  it('does not redeem a continuation code typed after the deadline, and says it is closed', () => {
    const open = engineContext('2017-12-01T10:00:00+01:00', { closesAt });
    const started = startSession({ kind: 'start', payload: 'RBX7KQ' }, 'fr', open);
    const whileOpen = resumeSession(started.state, { kind: 'text', text: 'k7qh-m3px' }, open);
    expect(whileOpen.events.map((e) => e.type)).toContain('continuation_code_entered');

    const closed = engineContext('2017-12-06T10:00:00+01:00', { closesAt });
    const late = resumeSession(started.state, { kind: 'text', text: 'k7qh-m3px' }, closed);
    expect(late.events.map((e) => e.type)).not.toContain('continuation_code_entered');
    expect(late.replies.map((r) => r.text).join('\n')).toMatch(/5 décembre/);
  });
});
