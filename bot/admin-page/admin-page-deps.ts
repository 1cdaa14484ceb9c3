import type { AdminApiDeps } from '../admin-api/admin-api-deps.js';
import type { CouncilIndex } from '../council-index.js';
import type { RuntimeReminders } from '../start-runtime.js';

/**
 * What the admin page needs: the API's deps, the councils' search index and the reminder
 * waves (a Runtime has all of it).
 */
export interface AdminPageDeps extends AdminApiDeps {
  councils: CouncilIndex;
  reminders: Pick<RuntimeReminders, 'repository' | 'nudge'>;
}
