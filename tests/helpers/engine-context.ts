import { CouncilIndex } from '../../bot/council-index.js';
import type { EngineContext } from '../../dialogs/engine-context.js';
import {
  defaultCatalog,
  shippedConsultation,
  type ConsultationOverrides,
} from '../../dialogs/load-consultation.js';

/** A few real councils from the QPV list, with invitation codes, for engine and channel tests. */
export const sampleCouncils = [
  { id: 'QN05981M', name: 'Nouveau Roubaix', commune: 'Roubaix', invitationCodes: ['RBX7KQ'] },
  { id: 'QN05983M', name: 'Phalempins', commune: 'Tourcoing', invitationCodes: ['TCG4HW'] },
  {
    id: 'QN00101M',
    name: 'Grande Reyssouze Terre Des Fleurs',
    commune: 'Bourg-en-Bresse',
    invitationCodes: ['BRG2MX'],
  },
  {
    id: 'QN00102M',
    name: 'Croix Blanche',
    commune: 'Bourg-en-Bresse',
    invitationCodes: ['BRG9TP'],
  },
  {
    id: 'QN09301M',
    name: 'Franc Moisin - Cosmonautes',
    commune: 'Saint-Denis',
    invitationCodes: ['STD3RV'],
  },
];

/** The shipped consultation with the given dates, the shipped strings and the sample councils. */
export function engineContext(now: string, overrides: ConsultationOverrides = {}): EngineContext {
  const loaded = shippedConsultation(overrides);
  if (!loaded.ok) throw new Error(`shipped consultation is invalid: ${loaded.problems.join('; ')}`);
  return {
    now: new Date(now),
    consultation: loaded.consultation,
    catalog: defaultCatalog,
    councils: new CouncilIndex(sampleCouncils),
    newContinuationCode: 'K7QH-M3PX',
  };
}
