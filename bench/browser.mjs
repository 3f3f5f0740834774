// The browser run of the bench: bench/browser-entry.mjs (the same suite as
// Node's) bundled by esbuild, served from a loopback HTTP server with the
// logitkit and TensorFlow.js wasm files beside it, and run in Debian's
// headless Chromium, launched as the browser tests launch it (no browser download).
// The cold-cache rows run in a second page, /cold, served cross-origin
// isolated (COOP/COEP): they time each call alone, which needs its 5 µs timer
// (an ordinary page's is coarsened to 100 µs). The warm page stays as it was.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../common/chromium.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

export async function runBrowserBench(sizes, versions, { coldSizes = [], coldCalls = 200 } = {}) {
  const bundle = await build({
    entryPoints: [here('./browser-entry.mjs')], bundle: true, format: 'esm', platform: 'browser',
    target: 'es2022', write: false, logLevel: 'error', external: ['node:*'],
    // transformers.js and onnxruntime-web reach for Node modules behind runtime checks.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const page = '<!doctype html><meta charset="utf-8"><title>logitkit bench</title><script type="module" src="/bundle.js"></script>';
  const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  const routes = {
    '/': { type: '.html', body: page },
    '/cold': { type: '.html', body: page, headers: isolated },
    '/bundle.js': { type: '.js', body: bundle.outputFiles[0].contents },
  };
  const roots = { '/dist/': here('../dist/'), '/floor/': here('../build/wasm/'), '/tfjs/': here('./node_modules/@tensorflow/tfjs-backend-wasm/dist/'),
    '/ort/': here('./node_modules/onnxruntime-web/dist/') };
  // Which of TensorFlow.js's binaries the page fetched (printed beside its rows).
  const tfFetched = new Set();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/tfjs/')) tfFetched.add(path.slice(6));
    let hit = routes[path];
    for (const [prefix, dir] of Object.entries(roots)) {
      const file = dir + path.slice(prefix.length);
      if (!hit && path.startsWith(prefix) && !path.includes('..') && existsSync(file)) hit = { type: extname(file), body: readFileSync(file) };
    }
    if (!hit) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[hit.type] ?? 'application/octet-stream', ...hit.headers }).end(hit.body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await launchChromium();
  const open = async (path) => {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`http://127.0.0.1:${server.address().port}${path}`);
    await tab.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 60_000 })
      .catch(() => { throw new Error(`bench page ${path} did not load: ${errors.join('; ')}`); });
    return tab;
  };
  try {
    let out = {};
    if (sizes.length) {
      const tab = await open('/');
      out = await tab.evaluate(([s, v]) => window.runBench(s, v), [sizes, versions]);
      await tab.close();
    }
    if (coldSizes.length) {
      const tab = await open('/cold');
      out.cold = await tab.evaluate(([s, c]) => window.runCold(s, c), [coldSizes, coldCalls]);
      await tab.close();
    }
    return { ...out, tfFetched: [...tfFetched], browser: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    server.close();
  }
}
