export { ChromiumMissingError, chromiumArgs, chromiumPath, launchChromium } from './browser.js';
export { type PageServer, startPageServer } from './page-server.js';
