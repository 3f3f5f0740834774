// Runs in a Web Worker so the page stays responsive: logitkit and plain JS on
// the same seeded V = 128 256 logits, medians per call.
import { load } from '../dist/index.mjs';
import { measure, realisticLogits } from '../common/harness.mjs';
import * as plain from '../common/plain-js.mjs';

self.onmessage = async () => {
  const lk = await load();
  const n = 128256;
  const x = realisticLogits(n, 7);
  const out = new Float32Array(n);
  const chain = { topK: 50, topP: 0.9, minP: 0.05, temperature: 0.8 };
  const sampler = lk.sampler({ ...chain, seed: 1 });
  let u = 0.5;
  const rows = [
    ['softmax (Float32Array in and out)', () => lk.softmax(x, { out }), () => plain.softmax(x, out)],
    ['log-softmax', () => lk.logSoftmax(x, { out }), () => plain.logSoftmax(x, out)],
    ['greedy argmax', () => lk.argmax(x), () => plain.argmax(x)],
    ['top-k 50 → top-p 0.9 → min-p 0.05 → T 0.8 → sample', () => sampler.sample(x), () => plain.sampleChain(x, chain, (u = (u * 9301 + 49297) % 233280 / 233280))],
  ];
  for (const [name, ours, theirs] of rows) {
    // Browsers coarsen performance.now() (to 100 µs without cross-origin
    // isolation, 1 ms in Firefox and WebKit workers): samples of >= 20 ms keep
    // that out of the per-call figure. The first call (compilation, the
    // sampler's workspace) can take longer than measure()'s whole warm-up,
    // which would then size each sample at one call: made here, untimed.
    ours();
    theirs();
    const a = measure(ours, { samples: 15, minSampleMs: 20 }).median;
    const b = measure(theirs, { samples: 15, minSampleMs: 20 }).median;
    self.postMessage({ name, ours: a, theirs: b });
  }
  self.postMessage({ done: true, backend: lk.backend, simd: lk.simd });
};
