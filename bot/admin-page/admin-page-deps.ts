import type { AdminApiDeps } from '../admin-api/admin-api-deps.js';
import type { CouncilIndex } from '../council-index.js';

/** What the admin page needs: the API's deps and the councils' search index (a Runtime has both). */
export interface AdminPageDeps extends AdminApiDeps {
  councils: CouncilIndex;
}
