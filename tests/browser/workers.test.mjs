// Several Web Workers in Chromium, each with its own instance, in parallel,
// give bit-identical results to the library in Node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { load } from '../../dist/index.mjs';
import { startPage } from './browser.mjs';

const ctx = await startPage();
after(() => ctx.close());

function work(lk) {
  let s = 12345;
  const x = Float32Array.from({ length: 50000 }, () => { s = (s * 1103515245 + 12345) >>> 0; return (s / 2 ** 32 - 0.5) * 20; });
  const sampler = lk.sampler({ topP: 0.9, temperature: 0.8, seed: 9 });
  const tokens = Array.from({ length: 50 }, () => sampler.next(x).token);
  return { softmax: Array.from(lk.softmax(x).subarray(0, 500)), logsumexp: lk.logsumexp(x)[0], tokens };
}

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
