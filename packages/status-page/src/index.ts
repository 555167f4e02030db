export { statusPageContentSecurityPolicy, statusPageHeaders } from './content-security-policy.js';
export { type EnvironmentPageOptions, renderEnvironmentPage } from './environment-page.js';
export { type EnvironmentsPageOptions, renderEnvironmentsPage } from './environments-page.js';
export { buildWithoutFailureText, withoutFailureText } from './failure-text.js';
export { escapeHtml } from './html.js';
export { type NewestImportOrder, newestImportOrder } from './import-order.js';
export type { PageAccess } from './page-access.js';
export {
  type BuildReportView,
  type CacheRefreshView,
  type ImportSourceView,
  readBuildReport,
  type ServiceReportView,
} from './report-view.js';
export { renderSignInPage, type SignInPageOptions } from './sign-in-page.js';
export type { BuildRecord, EnvironmentDetail, EnvironmentSummary } from './view-types.js';
