// Debian's Chromium driven by playwright-core (no browser download), and the
// demo page served by Vite on a free port.
import { createServer } from 'vite';
import { launchChromium } from '../../common/chromium.mjs';

export async function startPage() {
  const server = await createServer({
    configFile: new URL('../../web/vite.config.js', import.meta.url).pathname,
    server: { port: 0, strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  const url = server.resolvedUrls.local[0];
  const browser = await launchChromium();
  const page = await browser.newPage();
  // Waits and navigations are liveness guards, not verdicts: 120 s (as the
  // engine checks, tests/browser/engines.mjs) instead of playwright's 30 s, so
  // a first load through Vite or a model load on a busy host is not a failure.
  page.setDefaultTimeout(120000);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    url, page, errors,
    async close() { await browser.close(); await server.close(); },
  };
}
