// Several Web Workers in Chromium, each with its own instance, in parallel,
// give bit-identical results to the library in Node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { load } from '../../dist/index.mjs';
import { startPage } from './browser.mjs';
import { work } from '../js/concurrency-work.mjs';

const ctx = await startPage();
after(() => ctx.close());

test('four Web Workers in parallel match Node bit for bit', async () => {
  const { page, url, errors } = ctx;
  await page.goto(url);
  const dist = `${new URL(url).origin}/@fs${fileURLToPath(new URL('../../dist/index.mjs', import.meta.url))}`;
  const source = `import { load } from ${JSON.stringify(dist)};\n${work.toString()}\nload().then((lk) => postMessage(work(lk)));`;
  const results = await page.evaluate(async (src) => {
    const blob = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    return Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
      const w = new Worker(blob, { type: 'module' });
      w.onmessage = (e) => { resolve(e.data); w.terminate(); };
      w.onerror = (e) => reject(new Error(e.message));
    })));
  }, source);
  const expected = work(await load());
  for (const r of results) assert.deepEqual(r, expected);
  assert.deepEqual(errors, []);
});
