// The three browser engines behind one small interface, each from Debian and
// none downloaded: Chromium (V8) through playwright-core, Firefox ESR
// (SpiderMonkey) through puppeteer-core over WebDriver BiDi, and WebKitGTK's
// MiniBrowser (JavaScriptCore) through WebKitWebDriver over plain W3C
// WebDriver, under Xvfb; each with its default WebAssembly tiering or one
// compiler tier forced. Used by tests/browser/engines-bitexact.mjs.
//
//   const e = await openEngine('firefox', { tier: 'ion' });
//   await e.goto(url);
//   const result = await e.run(async (arg) => { ... }, arg); // in the page; JSON in, JSON out
//   await e.close();
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createServer as createViteServer } from 'vite';
import { launchChromium } from '../../common/chromium.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/**
 * Each engine's WebAssembly compiler tiers, forced one at a time (by default
 * code starts in the first tier and hot functions move up, so a run mixes
 * them): V8's Liftoff and TurboFan, SpiderMonkey's baseline and Ion,
 * JavaScriptCore's BBQ, OMG (which cannot run alone: functions start in BBQ
 * and tier up at once) and its in-place interpreter (no SIMD there, and about
 * 30× slower: only with LK_ENGINE_TIERS=all).
 */
export const TIERS = {
  chromium: {
    liftoff: { args: ['--js-flags=--liftoff-only --no-wasm-tier-up'] },
    turbofan: { args: ['--js-flags=--no-liftoff'] },
  },
  firefox: {
    baseline: { prefs: { 'javascript.options.wasm_optimizingjit': false } },
    ion: { prefs: { 'javascript.options.wasm_baselinejit': false } },
  },
  webkit: {
    bbq: { env: { JSC_useWasmIPInt: '0', JSC_useWasmLLInt: '0', JSC_useOMGJIT: '0' } },
    omg: { env: { JSC_useWasmIPInt: '0', JSC_useWasmLLInt: '0', JSC_thresholdForOMGOptimizeAfterWarmUp: '0', JSC_thresholdForOMGOptimizeSoon: '0' } },
    interpreter: { env: { JSC_useBBQJIT: '0', JSC_useOMGJIT: '0' }, simd: false, slow: true },
  },
};

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** The demo's Vite dev server (web/vite.config.js) on a free port; it also serves the test fixtures. */
export async function startServer() {
  const server = await createViteServer({
    configFile: new URL('../../web/vite.config.js', import.meta.url).pathname,
    server: { port: 0, strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  return { url: server.resolvedUrls.local[0], close: () => server.close() };
}

/** A page-side call: fn's source applied to arg (JSON), its promise awaited. */
const callSource = (fn, arg) => `(${fn.toString()})(${JSON.stringify(arg ?? null)})`;

/** name: one of ENGINES; tier: 'default' or one of TIERS[name]. */
export async function openEngine(name, { tier = 'default', timeoutMs = 120000 } = {}) {
  if (!ENGINES.includes(name)) throw new RangeError(`engine: unknown '${name}' (known: ${ENGINES.join(', ')})`);
  const force = tier === 'default' ? {} : TIERS[name][tier];
  if (!force) throw new RangeError(`engine ${name}: unknown tier '${tier}' (known: default, ${Object.keys(TIERS[name]).join(', ')})`);
  const open = { chromium: openChromium, firefox: openFirefox, webkit: openWebKit }[name];
  return { ...(await open(timeoutMs, force)), tier };
}

// The page tests' Chromium (common/chromium.mjs) with the tier's flags.
async function openChromium(timeoutMs, { args = [] }) {
  const browser = await launchChromium(args);
  const page = await browser.newPage();
  page.setDefaultTimeout(timeoutMs);
  const errors = watchErrors(page);
  return {
    name: 'chromium',
    version: `Chromium ${browser.version()}`,
    errors,
    goto: async (url) => { await page.goto(url); },
    run: (fn, arg) => page.evaluate(callSource(fn, arg)),
    close: () => browser.close(),
  };
}

// Console errors and uncaught exceptions (playwright and puppeteer pages alike).
function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function openFirefox(timeoutMs, { prefs = {} }) {
  if (!existsSync(FIREFOX)) throw new Error(`engine firefox: ${FIREFOX} not found (scripts/setup.sh installs Debian's firefox-esr)`);
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout: timeoutMs,
    // No updates, telemetry or remote settings: nothing leaves the machine.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      // Long synchronous digest runs are expected: no slow-script interruption.
      'dom.max_script_run_time': 0,
      ...prefs,
    },
  });
  const page = await browser.newPage();
  page.setDefaultTimeout(timeoutMs);
  const errors = watchErrors(page);
  return {
    name: 'firefox',
    version: (await browser.version()).replace(/^firefox\//i, 'Firefox '),
    errors,
    goto: async (url) => { await page.goto(url); },
    run: (fn, arg) => page.evaluate(callSource(fn, arg)),
    close: () => browser.close(),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Resolves when the child writes a line matching re to the stream; rejects when it exits first.
function waitForOutput(child, stream, re, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no ready signal in ${ms} ms\n${text}`)), ms);
    stream.on('data', (d) => {
      text += d;
      const m = re.exec(text);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code})\n${text}`)); });
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

async function openWebKit(timeoutMs, { env = {} }) {
  for (const [what, path, pkg] of [['WebKitWebDriver', WEBKIT_DRIVER, 'webkit2gtk-driver'], ['MiniBrowser', MINIBROWSER, 'libwebkit2gtk-4.1-0']]) {
    if (!existsSync(path)) throw new Error(`engine webkit: ${what} not found at ${path} (scripts/setup.sh installs Debian's ${pkg})`);
  }
  // Xvfb picks a free display and writes its number to fd 3.
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const children = [xvfb];
  const cleanup = async () => { for (const c of children.reverse()) await stop(c); };
  try {
    const [, display] = await waitForOutput(xvfb, xvfb.stdio[3], /^(\d+)\n/, 'Xvfb');
    const port = await freePort();
    const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // JSC_* options reach the web process through the environment.
      env: { ...process.env, DISPLAY: `:${display}`, WEBKIT_DISABLE_COMPOSITING_MODE: '1', LIBGL_ALWAYS_SOFTWARE: '1', ...env },
    });
    children.push(driver);
    driver.stderr.on('data', () => {}); // drained; its messages are MiniBrowser's GTK chatter
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/status`)).ok, 'WebKitWebDriver /status', 20000);
    const wd = async (method, path, body) => {
      const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
      return json.value;
    };
    const session = await wd('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    const id = session.sessionId;
    await wd('POST', `/session/${id}/timeouts`, { script: timeoutMs, pageLoad: timeoutMs });
    return {
      name: 'webkit',
      version: `WebKitGTK ${session.capabilities.browserVersion} (MiniBrowser)`,
      errors: [], // W3C WebDriver has no console events; page errors surface through run()
      goto: async (url) => { await wd('POST', `/session/${id}/url`, { url }); },
      async run(fn, arg) {
        const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => ${callSource(fn, arg)}).then((value) => done({ value }), (e) => done({ error: String(e && e.stack ? e + '\\n' + e.stack : e) }));`;
        const r = await wd('POST', `/session/${id}/execute/async`, { script, args: [] });
        if (r && r.error !== undefined) throw new Error(`in WebKit: ${r.error}`);
        return r?.value;
      },
      async close() {
        await wd('DELETE', `/session/${id}`).catch(() => {});
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function until(check, what, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await check()) return; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`${what}: not ready in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * In the page: polls predicate (a page-side function) every 50 ms until it
 * returns a truthy value, which is returned; throws after ms.
 */
export function waitInPage(engine, predicate, arg, ms = 120000) {
  return engine.run(async ({ src, arg, ms }) => {
    const f = (0, eval)(`(${src})`);
    const end = Date.now() + ms;
    for (;;) {
      const v = await f(arg);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${src}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, { src: predicate.toString(), arg, ms });
}
