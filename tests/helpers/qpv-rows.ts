import type { QpvRow } from '../../storage/parse-qpv-csv.js';

/** Nouveau Roubaix as the reference list has it (storage/reference/qpv-2024.csv). */
export const roubaixRow: QpvRow = {
  code: 'QN05981M',
  name: 'Nouveau Roubaix',
  commune: 'Roubaix',
  communeInsee: '59512',
  department: '59',
  departmentName: 'Nord',
};
