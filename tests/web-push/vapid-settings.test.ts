import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.js';
import { placeholderSubject, vapidSubjectOf } from '../../bot/web-push/vapid-details.js';
import { newVapidKeys } from '../../storage/vapid-keys.js';

const problemsOf = (env: Record<string, string>) => {
  const parsed = parseConfig(env);
  return parsed.ok ? [] : parsed.problems;
};

describe('the VAPID settings', () => {
  it('take a key pair made together, and a mailto: or https subject', () => {
    const keys = newVapidKeys();
    const parsed = parseConfig({
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: ` ${keys.privateKey} `,
      VAPID_SUBJECT: 'mailto:dpo@example.org',
    });
    expect(parsed.ok && parsed.config).toMatchObject({
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'mailto:dpo@example.org',
    });
    expect(problemsOf({ VAPID_SUBJECT: 'https://concertation.example.org/contact' })).toEqual([]);
  });

  it('refuse half a pair, two keys of different pairs, malformed keys and subjects, naming each', () => {
    const one = newVapidKeys();
    const other = newVapidKeys();
    expect(problemsOf({ VAPID_PUBLIC_KEY: one.publicKey })).toEqual([
      'VAPID_PRIVATE_KEY: is required when VAPID_PUBLIC_KEY is set',
    ]);
    expect(problemsOf({ VAPID_PRIVATE_KEY: one.privateKey })).toEqual([
      'VAPID_PUBLIC_KEY: is required when VAPID_PRIVATE_KEY is set',
    ]);
    expect(
      problemsOf({ VAPID_PUBLIC_KEY: one.publicKey, VAPID_PRIVATE_KEY: other.privateKey }),
    ).toEqual([
      'VAPID_PUBLIC_KEY: is not the public key of VAPID_PRIVATE_KEY (generate the two together)',
    ]);
    const problems = problemsOf({
      VAPID_PUBLIC_KEY: 'not-a-key',
      VAPID_PRIVATE_KEY: one.privateKey.slice(1),
      VAPID_SUBJECT: 'http://example.org',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'VAPID_PUBLIC_KEY',
      'VAPID_PRIVATE_KEY',
      'VAPID_SUBJECT',
    ]);
    expect(problemsOf({ VAPID_SUBJECT: 'dpo@example.org' })).toEqual([
      'VAPID_SUBJECT: must be a mailto: address or an https address, e.g. mailto:dpo@example.org',
    ]);
  });

  it('name who push services may contact: VAPID_SUBJECT, else the privacy contact, else an https PUBLIC_URL', () => {
    const base = { PUBLIC_URL: 'http://localhost:3000' };
    expect(
      vapidSubjectOf({ ...base, VAPID_SUBJECT: 'mailto:a@b.fr', PRIVACY_CONTACT: 'c@d.fr' }),
    ).toBe('mailto:a@b.fr');
    expect(vapidSubjectOf({ ...base, PRIVACY_CONTACT: 'dpo@example.org' })).toBe(
      'mailto:dpo@example.org',
    );
    expect(vapidSubjectOf({ ...base, PRIVACY_CONTACT: 'https://example.org/dpo' })).toBe(
      'https://example.org/dpo',
    );
    expect(vapidSubjectOf({ PUBLIC_URL: 'https://concerto.example.org/chat' })).toBe(
      'https://concerto.example.org',
    );
    expect(vapidSubjectOf(base)).toBe(placeholderSubject);
  });
});
