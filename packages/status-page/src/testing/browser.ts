import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (`.ci/debian-packages` installs it); Playwright never downloads a browser here. */
export const chromiumPath = process.env.DEPLOYER_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, no sandbox (tests run as root), and nothing that reaches beyond the machine. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumMissingError extends Error {
  readonly code = 'CHROMIUM_MISSING';
  constructor(path: string) {
    super(
      `no chromium at ${path}: install Debian's chromium (.ci/debian-packages) or set DEPLOYER_TEST_CHROMIUM`,
    );
    this.name = 'ChromiumMissingError';
  }
}

/**
 * A real headless Chromium for tests, driven by playwright-core. Each launch gets a new temporary
 * user-data directory (Playwright makes it and removes it on close), so cookies and storage never leak
 * from one test to another; open a `browser.newContext()` per user.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new ChromiumMissingError(chromiumPath);
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs], headless: true });
}
