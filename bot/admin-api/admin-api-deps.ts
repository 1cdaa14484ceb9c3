import type { Db } from 'mongodb';
import type { Consultation } from '../../dialogs/questionnaire-schema.js';
import type { Catalog } from '../../dialogs/translate.js';
import type { Storage } from '../../storage/storage.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** What the admin API routes need: a Runtime has all of it. */
export interface AdminApiDeps {
  config: Config;
  db: Db;
  storage: Storage;
  consultation: Consultation;
  catalog: Catalog;
  log: Logger;
}
