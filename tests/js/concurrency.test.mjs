// Several worker_threads, each with its own instance, in parallel, give
// bit-identical results to one instance on the main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { simd, lkPromise } from './helpers.mjs';
import { work } from './concurrency-work.mjs';

const lk = await lkPromise;
const WORK = `
  import { parentPort, workerData } from 'node:worker_threads';
  import { load } from ${JSON.stringify(new URL('../../dist/index.mjs', import.meta.url).href)};
  const lk = await load({ simd: workerData.simd });
  ${work.toString()}
  parentPort.postMessage(work(lk));
`;

test('four worker_threads in parallel match the main thread bit for bit', async () => {
  const expected = work(lk);
  const results = await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORK)}`), { workerData: { simd } });
    w.once('message', (r) => { resolve(r); w.terminate(); });
    w.once('error', reject);
  })));
  for (const r of results) assert.deepEqual(r, expected);
});
