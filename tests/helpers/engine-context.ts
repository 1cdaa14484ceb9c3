import { CouncilIndex } from '../../bot/council-index.js';
import type { EngineContext } from '../../dialogs/engine-context.js';
import {
  defaultCatalog,
  shippedConsultation,
  type ConsultationOverrides,
} from '../../dialogs/load-consultation.js';

/**
 * A few real councils from the QPV list, with invitation codes, for engine and channel tests:
 * two Saint-Denis (Seine-Saint-Denis and La Réunion) with more councils than one page shows.
 */
export const sampleCouncils = [
  {
    id: 'QN05981M',
    name: 'Nouveau Roubaix',
    commune: 'Roubaix',
    department: '59',
    invitationCodes: ['RBX7KQ'],
  },
  {
    id: 'QN05983M',
    name: 'Phalempins',
    commune: 'Tourcoing',
    department: '59',
    invitationCodes: ['TCG4HW'],
  },
  {
    id: 'QN00101M',
    name: 'Grande Reyssouze Terre Des Fleurs',
    commune: 'Bourg-en-Bresse',
    department: '01',
    invitationCodes: ['BRG2MX'],
  },
  {
    id: 'QN00102M',
    name: 'Croix Blanche',
    commune: 'Bourg-en-Bresse',
    department: '01',
    invitationCodes: ['BRG9TP'],
  },
  {
    id: 'QN09301M',
    name: 'Franc Moisin - Cosmonautes',
    commune: 'Saint-Denis',
    department: '93',
    invitationCodes: ['STD3RV'],
  },
  ...[
    ['QN09336I', 'Joncherolles - Fauvettes', '93', 'STD4JF'],
    ['QN09337M', 'Plaine - Landy - Bailly', '93', 'STD5PL'],
    ['QN09338M', 'Grand Centre - Sémard', '93', 'STD6GC'],
    ['QN09340I', 'Plaine Trezel - Chaudron', '93', 'STD7PT'],
    ['QN97426M', 'Le Bas De La Rivière', '974', 'RUN2BR'],
    ['QN97428I', 'Le Butor', '974', 'RUN3BT'],
  ].map(([id = '', name = '', department = '', code = '']) => ({
    id,
    name,
    commune: 'Saint-Denis',
    department,
    invitationCodes: [code],
  })),
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
