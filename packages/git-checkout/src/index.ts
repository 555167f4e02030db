// The public API: one commit of a repository into a folder, and how it fails.
export { type CheckedOutCommit, type CheckoutCommitOptions, checkoutCommit } from './checkout-commit.js';
export { GitCheckoutError, type GitCheckoutErrorCode } from './errors.js';
export { validateCloneUrl } from './validate/clone-url.js';
export { validateCommitSha } from './validate/commit-sha.js';
