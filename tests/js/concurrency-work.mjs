// The work each worker does in the concurrency tests (tests/js/concurrency.test.mjs
// with worker_threads, tests/browser/workers.test.mjs with Web Workers): a
// self-contained function, so its source can be handed to a worker as text.
export function work(lk) {
  let s = 12345;
  const x = Float32Array.from({ length: 50000 }, () => { s = (s * 1103515245 + 12345) >>> 0; return (s / 2 ** 32 - 0.5) * 20; });
  const sampler = lk.sampler({ topP: 0.9, temperature: 0.8, seed: 9 });
  const tokens = Array.from({ length: 50 }, () => sampler.next(x).token);
  return { softmax: Array.from(lk.softmax(x).subarray(0, 500)), logsumexp: lk.logsumexp(x)[0], tokens };
}
