import type { AdminPageDeps } from './admin-page-deps.js';
import type { PageHandler } from './page-request.js';
import { escapeHtml } from '../synthesis/html-parts.js';
import { renderAdminPage, sendPage } from './render-admin-page.js';

// Placeholder until the reminders branch lands on this one (see the brief): the page then
// plans, confirms and sends waves through bot/reminders/.
export function remindersPage(_deps: AdminPageDeps): PageHandler {
  return async (request) => {
    sendPage(
      request.res,
      200,
      renderAdminPage(request.frame, {
        title: request.t('admin.reminders.title'),
        body: `<p>${escapeHtml(request.t('admin.reminders.not_yet'))}</p>`,
      }),
    );
  };
}
export const planReminders = remindersPage;
export const sendReminders = remindersPage;
