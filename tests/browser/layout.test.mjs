// The demo page's layout at a desktop (1440 × 900) and a phone (390 × 844)
// viewport, light and dark: nothing wider than the screen (wide tables scroll
// inside their own box), one column on the phone, every chart's plot area at
// least 150 px tall, the playground's status clear of its neighbours, every
// control with an accessible name and no serious or critical axe-core
// violation. Screenshots of both viewports go to docs/ (the README shows them)
// and test-output/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startPage } from './browser.mjs';

const ctx = await startPage();
after(() => ctx.close());
const { page, url, errors } = ctx;
const outDir = new URL('../../test-output/', import.meta.url).pathname;
const docsDir = new URL('../../docs/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const VIEWPORTS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

// Waits for the playground's status, failing at once with its error if it shows one.
async function playgroundStatus(text) {
  await page.waitForFunction((t) => document.getElementById('pg-status').textContent === t || document.getElementById('pg-error').textContent !== '', text, { timeout: 60000 });
  assert.equal(await page.textContent('#pg-error'), '');
}

// The page fully drawn: explorer, calibration, the model loaded and one seeded
// run of the playground (its chart, tables and text), the training curve open.
async function open(viewport, colorScheme = 'light') {
  await page.emulateMedia({ colorScheme });
  await page.setViewportSize(viewport);
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('#explorer-table tbody tr').length > 0);
  await page.waitForFunction(() => document.querySelectorAll('#calibration-table tbody tr').length === 3);
  await playgroundStatus('model loaded');
  await page.fill('#pg-count', '24');
  await page.click('#pg-run');
  await playgroundStatus('done');
  await page.click('#draw');
  await page.$eval('#playground details', (d) => { d.open = true; });
  // Chart.js resizes on a ResizeObserver callback, a frame or more later.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// Elements that stick out to the right of the viewport, except inside a box
// that scrolls horizontally (a wide table in .table-scroll, a code block).
function overflowing() {
  const scrolls = (el) => { for (let e = el.parentElement; e; e = e.parentElement) if (/auto|scroll/.test(getComputedStyle(e).overflowX)) return true; return false; };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || scrolls(el)) continue;
    if (r.right > innerWidth + 0.5 || r.left < -0.5) wide.push(el.id || `${el.tagName.toLowerCase()}.${el.className}`);
  }
  return { scroll: document.documentElement.scrollWidth - innerWidth, wide };
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name} ${viewport.width} × ${viewport.height}: no horizontal overflow, charts at least 150 px tall, the status clear`, async () => {
    await open(viewport);
    assert.deepEqual(await page.evaluate(overflowing), { scroll: 0, wide: [] });
    // Every chart's plot area (Chart.js chartArea, reported by web/charts.mjs) is at least 150 px tall.
    const plots = await page.$$eval('canvas', (cs) => cs.map((c) => [c.id, Number(c.dataset.plotHeight)]));
    assert.equal(plots.length, 5);
    for (const [id, h] of plots) assert.ok(h >= 150, `${id}: plot area ${h} px tall`);
    // One column on the phone: the controls above the charts; side by side on the desktop.
    const [controls, charts] = await page.$$eval('#explorer .cols > *', (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    if (name === 'phone') assert.ok(charts.top >= controls.bottom, 'the charts come below the controls');
    else assert.ok(charts.left >= controls.right, 'the charts beside the controls');
    // The playground's status overlaps nothing around it.
    const overlaps = await page.evaluate(() => {
      const s = document.getElementById('pg-status').getBoundingClientRect();
      const hit = (r) => r.width > 0 && r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
      return Array.from(document.querySelectorAll('#playground h3, #playground button, #playground .field, #playground pre, #playground .help, #playground .chart, #pg-error'))
        .filter((el) => hit(el.getBoundingClientRect())).map((el) => el.id || el.textContent.slice(0, 30));
    });
    assert.equal(await page.textContent('#pg-status'), 'done');
    assert.deepEqual(overlaps, []);
    await page.screenshot({ path: `${outDir}/page-${name}.png`, fullPage: true });
    // The README's pictures: on the desktop, the top of the page as a visitor
    // first sees it; on the phone, the explorer's chart in its one column.
    await page.evaluate((phone) => {
      if (phone) document.getElementById('prob-chart').scrollIntoView({ block: 'center' });
      else scrollTo(0, 0);
    }, name === 'phone');
    await page.screenshot({ path: `${docsDir}/demo-${name}.png` });
    assert.deepEqual(errors, []);
  });
}

// axe-core's serious and critical violations, with the nodes they name.
async function axe() {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})`).join('; ')}`);
}

for (const scheme of ['light', 'dark']) {
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`accessibility, ${name}, ${scheme} theme: zero serious or critical axe-core violations`, async () => {
      await open(viewport, scheme);
      assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), scheme === 'dark');
      // The theme is applied: the page background is dark in the dark theme.
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor.match(/\d+/g).slice(0, 3).map(Number));
      assert.ok(scheme === 'dark' ? Math.max(...bg) < 60 : Math.min(...bg) > 200, `background ${bg}`);
      assert.deepEqual(await axe(), []);
      if (scheme === 'dark' && name === 'desktop') await page.screenshot({ path: `${outDir}/page-dark.png`, fullPage: true });
    });
  }
}

test('every control has an accessible name of its own (the sliders are not "slider 1")', async () => {
  await open(VIEWPORTS.desktop);
  const ids = await page.$$eval('input, select, textarea, button', (els) => els.map((el) => el.id));
  // The playground shows its sampling controls or its beam controls: each
  // control is read in the mode that shows it.
  const names = new Map();
  for (const mode of ['sample', 'beam']) {
    await page.selectOption('#pg-mode', mode);
    for (const id of ids) {
      if (names.has(id) || !(await page.isVisible(`#${id}`))) continue;
      // Chromium's accessibility tree as Playwright reads it: `- slider "Temperature 1"`.
      const snapshot = await page.locator(`#${id}`).ariaSnapshot();
      names.set(id, snapshot.match(/^- '?\w+ "([^"]+)"/)?.[1] ?? '');
    }
  }
  await page.selectOption('#pg-mode', 'sample');
  for (const id of ids) assert.ok(names.get(id)?.length > 1, `#${id} has no accessible name`);
  const named = Object.fromEntries(names);
  assert.match(named['pg-mode'], /^Decoding/);
  assert.match(named['pg-numBeams'], /^numBeams/);
  assert.match(named['pg-earlyStopping'], /^earlyStopping/);
  assert.match(named.temperature, /^Temperature/);
  assert.match(named.topP, /^top-p/);
  assert.match(named['pg-repetition'], /^Repetition penalty/);
  assert.match(named['cal-temperature'], /^Try a temperature/);
});
