import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, as root, with nothing that reaches outside this machine
 * (its background services would be refused by the closed network, many at a time).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
