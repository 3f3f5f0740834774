// Timing harness: warm-up, then samples of batched calls (batches sized so a
// sample lasts >= ~1 ms, which keeps timer resolution out of sub-25 µs calls);
// reports the median and p10/p90 per call in microseconds.
export function measure(fn, { minSampleMs = 1, samples = 41, warmupMs = 50 } = {}) {
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < warmupMs) { fn(); calls++; }
  const perCall = (performance.now() - t0) / calls;
  const batch = Math.max(1, Math.ceil(minSampleMs / perCall));
  const times = [];
  for (let s = 0; s < samples; s++) {
    const a = performance.now();
    for (let i = 0; i < batch; i++) fn();
    times.push(((performance.now() - a) * 1000) / batch);
  }
  times.sort((a, b) => a - b);
  const q = (f) => times[Math.min(times.length - 1, Math.floor(f * times.length))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
}

// 3·N(0,1) logits with a few large spikes, from a fixed seed.
// A seeded xorshift32 stream of uniforms in [0, 1).
export function uniforms(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

// n draws of sigma·N(0, 1) (Box–Muller) from the stream u.
export function normalLogits(u, n, sigma) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = sigma * Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
  return x;
}

export function realisticLogits(n, seed = 1) {
  const u = uniforms(seed);
  const x = normalLogits(u, n, 3);
  for (let k = 0; k < 8; k++) x[Math.floor(u() * n)] = 12 + 4 * u();
  return x;
}

export function formatRow(cells, widths) {
  return cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join('  ');
}

// The same for async calls (peers whose ops return promises).
export async function measureAsync(fn, { samples = 21, warmupMs = 100, minSampleMs = 5 } = {}) {
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < warmupMs) { await fn(); calls++; }
  const batch = Math.max(1, Math.ceil(minSampleMs / ((performance.now() - t0) / calls)));
  const times = [];
  for (let s = 0; s < samples; s++) {
    const a = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    times.push(((performance.now() - a) * 1000) / batch);
  }
  times.sort((a, b) => a - b);
  const q = (f) => times[Math.min(times.length - 1, Math.floor(f * times.length))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
}

// Cold-cache timing (issue 27): between two sampling steps a model's forward
// pass runs and evicts the logits from the caches. evict() stands for it and
// runs before every call, outside the timed interval; each call is timed on
// its own (needs a fine timer: Node's, or a cross-origin-isolated page's 5 µs).
export function measureCold(fn, evict, { calls = 200, warmup = 5 } = {}) {
  for (let i = 0; i < warmup; i++) { evict(); fn(); }
  const times = [];
  for (let i = 0; i < calls; i++) {
    evict();
    const a = performance.now();
    fn();
    times.push((performance.now() - a) * 1000);
  }
  times.sort((a, b) => a - b);
  const q = (f) => times[Math.min(times.length - 1, Math.floor(f * times.length))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
}

// A model-sized buffer walk: one read and one write per 64-byte line of a
// buffer of `bytes` (well above the last-level cache), so whatever the timed
// call touched before is out of every cache level when it runs again.
export function makeEvictor(bytes) {
  const words = new Int32Array(bytes >>> 2);
  const walk = () => { for (let i = 0; i < words.length; i += 16) words[i] = (words[i] + 1) | 0; };
  walk();
  walk.bytes = words.length * 4;
  return walk;
}
