// Debian's Chromium driven by playwright-core, never a downloaded browser:
// used by the page tests (tests/browser), the engine checks and the bench's
// browser run. extraArgs: more command-line flags (e.g. a wasm tier).
import { chromium } from 'playwright-core';

export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync', ...extraArgs],
  });
}
