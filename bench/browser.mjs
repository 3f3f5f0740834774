// The browser run of the bench: bench/browser-entry.mjs (the same suite as
// Node's) bundled by esbuild, served from a loopback HTTP server with the
// logitkit and TensorFlow.js wasm files beside it, and run in Debian's
// headless Chromium, launched as the browser tests launch it (no browser download).
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../common/chromium.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

export async function runBrowserBench(sizes, versions) {
  const bundle = await build({
    entryPoints: [here('./browser-entry.mjs')], bundle: true, format: 'esm', platform: 'browser',
    target: 'es2022', write: false, logLevel: 'error', external: ['node:*'],
    // transformers.js and onnxruntime-web reach for Node modules behind runtime checks.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const routes = {
    '/': { type: '.html', body: '<!doctype html><meta charset="utf-8"><title>logitkit bench</title><script type="module" src="/bundle.js"></script>' },
    '/bundle.js': { type: '.js', body: bundle.outputFiles[0].contents },
  };
  const roots = { '/dist/': here('../dist/'), '/floor/': here('../build/wasm/'), '/tfjs/': here('./node_modules/@tensorflow/tfjs-backend-wasm/dist/'),
    '/ort/': here('./node_modules/onnxruntime-web/dist/') };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let hit = routes[path];
    for (const [prefix, dir] of Object.entries(roots)) {
      const file = dir + path.slice(prefix.length);
      if (!hit && path.startsWith(prefix) && !path.includes('..') && existsSync(file)) hit = { type: extname(file), body: readFileSync(file) };
    }
    if (!hit) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[hit.type] ?? 'application/octet-stream' }).end(hit.body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 60_000 })
      .catch(() => { throw new Error(`bench page did not load: ${errors.join('; ')}`); });
    const out = await page.evaluate(([s, v]) => window.runBench(s, v), [sizes, versions]);
    return { ...out, browser: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    server.close();
  }
}
