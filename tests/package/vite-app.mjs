// node tests/package/vite-app.mjs <consumer dir>: the consumer project (with
// logitkit installed from the packed tarball) gets the app in vite-app/,
// `vite build` bundles it, and the built app runs in Debian's Chromium
// (playwright-core): softmax on the main thread with the wasm found by the
// bundler, with a custom wasmUrl, and inside a module Web Worker.
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const app = process.argv[2];
cpSync(new URL('./vite-app/', import.meta.url), app, { recursive: true });
mkdirSync(join(app, 'public/custom-wasm'), { recursive: true });
for (const f of ['logitkit-simd.wasm', 'logitkit-baseline.wasm']) {
  cpSync(join(app, 'node_modules/logitkit/dist', f), join(app, 'public/custom-wasm', f));
}
const config = { root: app, configFile: false, logLevel: 'warn', worker: { format: 'es' }, build: { target: 'es2022', outDir: join(app, 'dist') } };
await build(config);

const server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0 } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage();
  const wasmRequests = [];
  const errors = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(new URL(r.url()).pathname); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.resolvedUrls.local[0]);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
  const r = await page.evaluate(() => window.__result);
  assert.equal(r.error, undefined, r.error);
  const ref = (() => { const e = [4.5, -1.2, 0.8].map((v) => Math.exp(v - 4.5)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); })();
  const close = (p) => p.every((v, i) => Math.abs(v - ref[i]) < 4e-7 * ref[i] + 1e-9);
  assert.equal(r.main.backend, 'wasm-simd128');
  assert.ok(close(r.main.softmax), `main: ${r.main.softmax}`);
  assert.ok(r.main.webllmToken === 0 || r.main.webllmToken === 2);
  assert.equal(r.custom.backend, 'scalar');
  assert.ok(close(r.custom.softmax), `custom: ${r.custom.softmax}`);
  assert.equal(r.worker.error, undefined, r.worker.error);
  assert.equal(r.worker.backend, 'wasm-simd128');
  assert.ok(close(r.worker.softmax), `worker: ${r.worker.softmax}`);
  assert.ok(wasmRequests.includes('/custom-wasm/logitkit-baseline.wasm'), `custom wasmUrl fetched: ${wasmRequests}`);
  assert.ok(wasmRequests.some((p) => /^\/assets\/logitkit-simd-.*\.wasm$/.test(p)), `bundled wasm fetched: ${wasmRequests}`);
  assert.deepEqual(errors, []);
  console.log(`vite build → Chromium: main thread, custom wasmUrl and Web Worker ok (wasm fetched: ${wasmRequests.join(', ')})`);
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
