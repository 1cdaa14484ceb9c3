import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CouncilIndex } from '../../bot/council-index.js';
import { watchCouncils, type CouncilWatch } from '../../bot/watch-councils.js';
import { addInvitationCode, importCouncils } from '../../storage/council-repository.js';
import { derivedInvitationCode } from '../../storage/invitation-code.js';
import { ensureIndexes } from '../../storage/open-database.js';
import { roubaixRow } from '../helpers/qpv-rows.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const tourcoing = { ...roubaixRow, code: 'QN05983M', name: 'Phalempins', commune: 'Tourcoing' };

/** Resolves with the next value `subscribe`'s callback gets, or fails after `ms`. */
function nextSignal<T>(ms: number): { wait: Promise<T>; signal: (value: T) => void } {
  let signal: (value: T) => void = () => undefined;
  const wait = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no signal within ${ms} ms`)), ms);
    signal = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
  });
  return { wait, signal };
}

describe('watchCouncils', () => {
  let database: TestDatabase;
  let watch: CouncilWatch | undefined;
  beforeEach(async () => {
    database = await useTestDatabase();
    await ensureIndexes(database.db);
  });
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await database.drop();
  });

  it('loads the councils, then sees an import and a new code without a restart', async () => {
    const { db } = database;
    await importCouncils(db, [roubaixRow]);
    const index = new CouncilIndex();
    let reloaded = nextSignal<number>(10_000);
    watch = await watchCouncils(db, index, {
      intervalMs: 25,
      onReload: (size) => reloaded.signal(size),
    });
    expect(index.size).toBe(1);
    expect(await reloaded.wait).toBe(1); // the first load
    expect(index.byId(tourcoing.code)).toBeUndefined();

    reloaded = nextSignal<number>(10_000);
    await importCouncils(db, [roubaixRow, tourcoing]);
    expect(await reloaded.wait).toBe(2);
    expect(index.byId(tourcoing.code)).toMatchObject({ commune: 'Tourcoing', department: '59' });
    expect(index.byInvitationCode(derivedInvitationCode(tourcoing.code))?.id).toBe(tourcoing.code);
    expect(index.search('tourcoing', 6).councils[0]?.id).toBe(tourcoing.code);

    reloaded = nextSignal<number>(10_000);
    await addInvitationCode(db, roubaixRow.code, 'rbx-2017');
    await reloaded.wait;
    expect(index.byInvitationCode('RBX2017')?.id).toBe(roubaixRow.code);
  });

  it('keeps the councils it has and reports a failed check when the database goes away', async () => {
    await importCouncils(database.db, [roubaixRow]);
    const own = await useTestDatabase(); // its own client, closed under the watch below
    const index = new CouncilIndex();
    const failed = nextSignal<unknown>(10_000);
    watch = await watchCouncils(own.client.db(database.name), index, {
      intervalMs: 25,
      onError: (error) => failed.signal(error),
    });
    await own.client.close();
    expect(await failed.wait).toBeInstanceOf(Error);
    expect(index.byId(roubaixRow.code)?.commune).toBe('Roubaix');
    expect(index.size).toBe(1);
  });
});
