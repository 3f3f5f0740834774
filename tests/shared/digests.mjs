// Digests of every row op, elementwise op, loss, the LM head, calibration,
// classification and seeded sampler chains, on fixed inputs: { name: hex }.
// The same module runs in Node and in each browser engine
// (tests/browser/engines.mjs), so two runtimes agree bit for bit exactly when
// their digest maps are equal.
//
// Browser-safe (no Node imports). Everything outside logitkit is exact IEEE
// arithmetic (+ − × ÷, Math.fround, integer ops): no Math.exp/log/sin/pow,
// whose results differ between JS engines, so the inputs are the same bits
// everywhere. NaN inputs are written through integer views, since storing a
// JS NaN into a typed array may pick any NaN bits.

export const V = 128256;
export const TEMPERATURES = [0, 0.25, 0.7, 1, 1.3, 2, 3];
// The main chain's steps; the other chains take fewer (each still meets a
// +inf step, a ±1e30 step and tied maxima).
export const SAMPLER_STEPS = 256;
const OTHER_CHAIN_STEPS = 64;

// ---- hashing -------------------------------------------------------------
// Two 32-bit FNV-style lanes over 32-bit words. Each word step is a bijection
// of the state, so changing any one word (one bit of one output) always
// changes the digest.
class Hasher {
  constructor(flip) {
    this.a = 0x811c9dc5;
    this.b = 0x2545f491;
    this.words = 0;
    this.flip = flip; // { word, bit }: the self-test's one flipped output bit
  }

  word(w) {
    if (this.flip && this.words === this.flip.word) w ^= 1 << this.flip.bit;
    this.words++;
    this.a = Math.imul(this.a ^ w, 16777619) >>> 0;
    const b = Math.imul((this.b ^ w) >>> 0, 0x9e3779b1) >>> 0;
    this.b = ((b << 13) | (b >>> 19)) >>> 0;
  }

  value(v) {
    if (ArrayBuffer.isView(v)) {
      this.word(v.length);
      if (v.byteLength % 4 === 0 && v.byteOffset % 4 === 0) {
        const u = new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4);
        for (let i = 0; i < u.length; i++) this.word(u[i]);
      } else {
        const u = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        for (let i = 0; i < u.length; i++) this.word(u[i]);
      }
    } else if (typeof v === 'number') {
      // A JS number's NaN bits are the engine's business (it may canonicalise
      // them when storing into a Float64Array), so NaN is one marker here;
      // library outputs keep their bits in the typed arrays above.
      if (Number.isNaN(v)) { this.word(0x7ff80000); this.word(0x4e614e21); return; }
      const u = new Uint32Array(new Float64Array([v]).buffer);
      this.word(u[0]);
      this.word(u[1]);
    } else if (typeof v === 'string') {
      this.word(v.length);
      for (let i = 0; i < v.length; i++) this.word(v.charCodeAt(i));
    } else if (typeof v === 'boolean') {
      this.word(v ? 0xb001 : 0xb000);
    } else if (typeof v === 'bigint') {
      this.value(v.toString());
    } else if (v === null || v === undefined) {
      this.word(v === null ? 0x6e756c6c : 0x756e6466);
    } else if (Array.isArray(v)) {
      this.word(v.length);
      for (const e of v) this.value(e);
    } else if (typeof v === 'object') {
      for (const [k, e] of Object.entries(v)) {
        if (typeof e === 'function') continue;
        this.value(k);
        this.value(e);
      }
    } else {
      throw new TypeError(`digest: cannot hash ${typeof v}`);
    }
  }

  hex() {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }
}

// ---- inputs --------------------------------------------------------------
function xorshift32(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

// Uniform in [0, 1) on a 2^-24 grid, and an approximately normal value (sum
// of four uniforms, centred and scaled): exact in float64.
function gen(seed) {
  const next = xorshift32(seed);
  const uniform = () => (next() >>> 8) / 16777216;
  const normal = () => (uniform() + uniform() + uniform() + uniform() - 2) * 1.7320508075688772;
  return { next, uniform, normal };
}

const fromBits = (bits) => new Float32Array(Uint32Array.from(bits).buffer);

// A language-model-like row: 3·N(0,1) with a few tokens 8–15 above.
function realisticRow(n, seed) {
  const g = gen(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.fround(3 * g.normal());
  for (let i = 0; i < 24; i++) x[g.next() % n] = Math.fround(8 + 7 * g.uniform());
  return x;
}

/**
 * The rows of the row ops, each V long: realistic; ties (a half-unit grid) with
 * a third masked to -inf and the maximum at five places; a few +inf entries;
 * |z| up to 1e30 with masks; all -inf; a tiny flat row with subnormals; a
 * confident step (one logit 40 above the rest).
 */
export function rowInputs(n = V) {
  const rows = [];
  rows.push(realisticRow(n, 11));
  {
    const g = gen(12);
    const x = realisticRow(n, 13);
    for (let i = 0; i < n; i++) {
      x[i] = Math.round(x[i] * 2) / 2;
      if (g.next() % 3 === 0) x[i] = -Infinity;
    }
    for (let i = 0; i < 5; i++) x[(i * 25013 + 17) % n] = 20;
    rows.push(x);
  }
  {
    const x = realisticRow(n, 14);
    x[3] = Infinity; x[(n >> 1) + 1] = Infinity; x[n - 1] = Infinity;
    x[4] = -Infinity; x[100] = -Infinity;
    rows.push(x);
  }
  {
    const g = gen(15);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.fround((g.uniform() - 0.5) * 2e30);
    x[7] = Math.fround(1e30); x[8] = Math.fround(-1e30); x[9] = Math.fround(1e30);
    for (let i = 0; i < n; i += 97) x[i] = -Infinity;
    rows.push(x);
  }
  rows.push(new Float32Array(n).fill(-Infinity));
  {
    const g = gen(16);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.fround((g.uniform() - 0.5) * 1e-30);
    const sub = fromBits([1, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000]);
    x.set(sub, n >> 2);
    rows.push(x);
  }
  {
    const x = realisticRow(n, 17);
    for (let i = 0; i < n; i++) x[i] = Math.fround(x[i] / 8);
    x[(n >> 1) + 5] = 40;
    rows.push(x);
  }
  const matrix = new Float32Array(rows.length * n);
  rows.forEach((r, i) => matrix.set(r, i * n));
  return { matrix, rows: rows.length, cols: n, list: rows };
}

// Special values (as float32 bits), NaNs included, and sweeps: every 2^14-th
// bit pattern (all exponents, both signs, NaNs) and a dense grid over the
// range where exp goes from subnormal to overflow.
const SPECIAL_BITS = [
  0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000,
  0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7f7fffff, 0xff7fffff,
  0x7149f2ca, 0xf149f2ca, // ±1e30
  0x42b17218, 0xc2b17218, 0x42cff1b5, 0xc2cff1b5, 0x42aeac50, 0xc2aeac50, 0x0da24260, 0x8da24260,
  0x7fc00000, 0xffc00000, 0x7fa00001, 0x7fc12345, // NaNs: quiet, negative, signalling, payload
];
const isNaNBits = (b) => (b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0;

export function elementwiseInputs() {
  const bits = [...SPECIAL_BITS];
  for (let i = 0; i < 1 << 18; i++) bits.push((i * 0x4000 + 0x1235) >>> 0);
  const withNaN = fromBits(bits);
  const finiteOrInf = fromBits(bits.filter((b) => !isNaNBits(b)));
  const grid = new Float32Array(1 << 16);
  for (let i = 0; i < grid.length; i++) grid[i] = Math.fround(-110 + (i * 200) / grid.length);
  const probBits = [];
  for (let b = 0; b <= 0x3f800000; b += 0x800) probBits.push(b);
  probBits.push(0x3f7fffff, 0x3f7ffffe, 0x3f000000, 0x80000000);
  return { withNaN, finiteOrInf, grid, probs: fromBits(probBits) };
}

// ---- the digests ---------------------------------------------------------
/**
 * lk: a loaded logitkit. flip: { key, word, bit } flips one bit of the named
 * digest's input words (the harness self-test). Returns { name: hex digest }.
 */
export function digests(lk, { flip } = {}) {
  const out = {};
  const put = (key, ...values) => {
    if (key in out) throw new Error(`digest: duplicate key ${key}`);
    const h = new Hasher(flip && flip.key === key ? flip : undefined);
    for (const v of values) h.value(v);
    out[key] = h.hex();
  };
  rowOps(lk, put);
  elementwiseOps(lk, put);
  losses(lk, put);
  linearAndClassify(lk, put);
  calibration(lk, put);
  samplerChains(lk, put);
  if (flip && !(flip.key in out)) throw new Error(`digest: no key ${flip.key} to flip`);
  return out;
}

function rowOps(lk, put) {
  const big = rowInputs();
  // Odd shapes too: rows shorter than a SIMD block, and a row length that is
  // not a multiple of the vector width.
  const small = { matrix: big.matrix.subarray(0, 37 * 13), cols: 13 };
  const mid = { matrix: big.matrix.subarray(V, V + 3 * 4099), cols: 4099 };
  for (const [name, m, temperatures] of [['V', big, TEMPERATURES], ['13', small, [0, 0.7, 3]], ['4099', mid, [0, 0.7, 3]]]) {
    const cols = m.cols;
    put(`argmax/${name}`, lk.argmax(m.matrix, { cols }));
    for (const t of temperatures) {
      put(`softmax/${name}/T=${t}`, lk.softmax(m.matrix, { cols, temperature: t }));
      put(`logSoftmax/${name}/T=${t}`, lk.logSoftmax(m.matrix, { cols, temperature: t }));
      put(`entropy/${name}/T=${t}`, lk.entropy(m.matrix, { cols, temperature: t }));
      if (t > 0) put(`logsumexp/${name}/T=${t}`, lk.logsumexp(m.matrix, { cols, temperature: t }));
    }
  }
  // Zero copy: in place in a LogitBuffer.
  const buf = lk.buffer(V);
  try {
    buf.view.set(big.list[1]);
    lk.softmax(buf, { out: buf, temperature: 0.8 });
    put('softmax/V/in-place-buffer/T=0.8', buf.view);
  } finally {
    buf.dispose();
  }
}

function elementwiseOps(lk, put) {
  const { withNaN, finiteOrInf, grid, probs } = elementwiseInputs();
  put('exp', lk.exp(withNaN), lk.exp(grid));
  put('log', lk.log(withNaN), lk.log(grid));
  for (const f of ['sigmoid', 'softplus', 'logSigmoid', 'log1mSigmoid']) put(f, lk[f](finiteOrInf), lk[f](grid));
  put('logit', lk.logit(probs));
  put('logit/eps=1e-6', lk.logit(probs, { eps: 1e-6 }));
  put('logit/eps=0.25', lk.logit(probs, { eps: 0.25 }));
}

function losses(lk, put) {
  const { list } = rowInputs();
  // Finite rows (cross-entropy with a -inf logit is +inf or NaN, as in PyTorch).
  const finite = [list[0], list[3].map((v) => (v === -Infinity ? Math.fround(-1e30) : v)), list[5], list[6]];
  const logits = new Float32Array(finite.length * V);
  finite.forEach((r, i) => logits.set(r, i * V));
  const n = finite.length;
  const labels = Int32Array.from({ length: n }, (_, r) => (r * 40009 + 4242) % V);
  labels[3] = 4242;
  const weight = Float32Array.from({ length: V }, (_, i) => 0.5 + (i % 7) / 4);
  put('crossEntropy/mean', lk.crossEntropy(logits, labels));
  put('crossEntropy/labelSmoothing', lk.crossEntropy(logits, labels, { labelSmoothing: 0.1 }));
  put('crossEntropy/none', lk.crossEntropy(logits, labels, { reduction: 'none' }));
  put('crossEntropy/weight-sum', lk.crossEntropy(logits, labels, { weight, reduction: 'sum' }));
  put('crossEntropy/ignoreIndex', lk.crossEntropy(logits, labels, { ignoreIndex: labels[1] }));
  // Soft labels: class probabilities.
  const C = 1000, m = 64;
  const g = gen(21);
  const small = Float32Array.from({ length: m * C }, () => Math.fround(4 * g.normal()));
  const soft = lk.softmax(Float32Array.from({ length: m * C }, () => Math.fround(2 * g.normal())), { cols: C });
  put('crossEntropy/probabilities', lk.crossEntropy(small, soft, { classes: C }),
    lk.crossEntropy(small, soft, { classes: C, reduction: 'none', labelSmoothing: 0.05 }));
  const smallLabels = Int32Array.from({ length: m }, (_, i) => (i * 37) % C);
  put('nllLoss', lk.nllLoss(lk.logSoftmax(small, { cols: C }), smallLabels),
    lk.nllLoss(lk.logSoftmax(small, { cols: C }), smallLabels, { reduction: 'none' }));
  // BCE: logits up to ±1e30 and ±inf-free, targets in [0, 1].
  const bceLogits = Float32Array.from({ length: m * C }, (_, i) => (i % 101 === 0 ? Math.fround((g.uniform() - 0.5) * 2e30) : small[i] * 3));
  const targets = Float32Array.from({ length: m * C }, () => g.uniform());
  const posWeight = Float32Array.from({ length: C }, (_, i) => 0.25 + (i % 5) / 2);
  put('bceWithLogits', lk.bceWithLogits(bceLogits, targets, { classes: C }),
    lk.bceWithLogits(bceLogits, targets, { classes: C, posWeight, reduction: 'none' }));
  const logP = lk.logSoftmax(small, { cols: C });
  put('klDiv', lk.klDiv(logP, soft, { classes: C, reduction: 'batchmean' }),
    lk.klDiv(logP, lk.logSoftmax(small.map((v) => v / 2), { cols: C }), { classes: C, logTarget: true, reduction: 'none' }));
}

function linearAndClassify(lk, put) {
  const g = gen(31);
  const d = 64, vocab = 32000;
  const W = Float32Array.from({ length: vocab * d }, () => Math.fround(0.1 * g.normal()));
  const bias = Float32Array.from({ length: vocab }, () => Math.fround(0.01 * g.normal()));
  const h = Float32Array.from({ length: 3 * d }, () => Math.fround(g.normal()));
  put('linear', lk.linear(W, h, { inFeatures: d, bias }), lk.linear(W.subarray(0, 4099 * d), h, { inFeatures: d }));
  const { matrix } = rowInputs(1000);
  const finite = matrix.subarray(0, 2 * 1000);
  put('topClasses', lk.topClasses(matrix, { cols: 1000, k: 7 }));
  put('decide', lk.decide(finite, { cols: 1000, threshold: 0.3 }));
  put('multiLabel', lk.multiLabel(normals(g, 48 * 12, 3), { cols: 12, threshold: 0.4 }));
  put('diagnose', lk.diagnose(matrix, { cols: 1000 }));
  const q = normals(g, 4 * 96, 1), docs = normals(g, 500 * 96, 1);
  put('similarity', lk.similarity(q, docs, { dim: 96 }), lk.similarity(q, docs, { dim: 96, metric: 'dot', scale: 100 }));
  put('retrieve', lk.retrieve(q, docs, { dim: 96, k: 5, scale: 100, temperature: 0.7 }));
}

const normals = (g, n, scale) => Float32Array.from({ length: n }, () => Math.fround(scale * g.normal()));

function calibration(lk, put) {
  const g = gen(41);
  const n = 2000, C = 10;
  const labels = Int32Array.from({ length: n }, () => g.next() % C);
  const logits = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) logits[i * C + c] = Math.fround(3 * g.normal() + (c === labels[i] ? 4 : 0));
  }
  const fit = lk.fitTemperature(logits, labels);
  put('fitTemperature', fit.toJSON(), fit.apply(logits.subarray(0, 50 * C)));
  put('calibrationMetrics', lk.calibrationMetrics(logits, labels), lk.calibrationMetrics(logits, labels, { bins: 10, temperature: 1.7 }));
}

// ---- seeded sampler chains --------------------------------------------------
// The logits of step s: a base row rotated by s·7919 (masks and ties move),
// every 50th step with +inf entries, every 40th the ±1e30 row, ties at the max.
function stepLogits(bases, s, x) {
  const base = s % 40 === 23 ? bases.huge : bases.row;
  const o = (s * 7919) % V;
  x.set(base.subarray(o), 0);
  x.set(base.subarray(0, o), V - o);
  if (s % 50 === 17) { x[(s * 31) % V] = Infinity; x[(s * 131 + 7) % V] = Infinity; }
  if (s % 9 === 4) { x[(s * 17) % V] = 30; x[(s * 19 + 1) % V] = 30; }
  return x;
}

function stepRecord(r) {
  return [r.token, r.logprob, r.rawLogprob, r.entropy, r.candidates, r.topLogprobs.map((t) => [t.token, t.logprob])];
}

function samplerChains(lk, put) {
  const { list } = rowInputs();
  const bases = { row: list[1], huge: list[3] };
  const prompt = Int32Array.from({ length: 40 }, (_, i) => (i * 7919 + 13) % V);
  const x = new Float32Array(V);
  const chains = {
    // The chain DESIGN.md benchmarks, with every report: penalties → top-k → top-p → min-p → T.
    'penalties-topK-topP-minP-T0.8': { temperature: 0.8, topK: 50, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1,
      frequencyPenalty: 0.2, presencePenalty: 0.1, penaltyLastN: 64, seed: 42, topLogprobs: 5, rawLogprob: true, entropy: true, prompt },
    // The full distribution: the draw needs every weight.
    'topP0.95-T1.3': { temperature: 1.3, topP: 0.95, seed: '18446744073709551615', stream: 3, topLogprobs: 5, rawLogprob: true, entropy: true },
    greedy: { temperature: 0, seed: 1, topLogprobs: 5, rawLogprob: true, entropy: true },
    // Temperature first (HF order), at T = 3, with typical-p, min-p, bias, bans, n-gram and DRY.
    'hf-T3-typical-minP-dry': { temperature: 3, typicalP: 0.95, minP: 0.02, order: 'hf', seed: 7, topLogprobs: 5, topLogprobsFinal: true,
      entropy: true, logitBias: { 5: 2.5, 77: -100 }, bannedTokens: [1, 2, 3], noRepeatNgramSize: 3, dryMultiplier: 0.8, prompt },
    mirostat2: { mirostat: 2, mirostatTau: 5, mirostatEta: 0.1, seed: 11, topLogprobs: 5, rawLogprob: true },
  };
  for (const [name, options] of Object.entries(chains)) {
    const main = name === 'penalties-topK-topP-minP-T0.8';
    const steps = main ? SAMPLER_STEPS : OTHER_CHAIN_STEPS;
    let s = lk.sampler(options);
    const buf = main ? lk.buffer(V) : null; // the zero-copy path
    const records = [];
    try {
      for (let step = 0; step < steps; step++) {
        stepLogits(bases, step, x);
        let input = x;
        if (buf) { buf.view.set(x); input = buf; }
        records.push(stepRecord(s.next(input)));
        if (step === steps / 2) {
          // Resume from JSON halfway: the 64-bit RNG state round-trips.
          const resumed = lk.samplerFromJSON(JSON.stringify(s));
          s.dispose();
          s = resumed;
        }
      }
    } finally {
      s.dispose();
      buf?.dispose();
    }
    put(`sampler/${name}/tokens`, records.map((r) => r[0]));
    put(`sampler/${name}/results`, records);
  }
  // Kept sets and their probabilities.
  const viewer = lk.sampler({ temperature: 0.7, topK: 400, topP: 0.98, minP: 0.001, seed: 3 });
  const dists = [];
  for (let step = 0; step < 40; step++) {
    const { ids, probs } = viewer.distribution(stepLogits(bases, step * 5, x));
    dists.push(ids, probs);
  }
  viewer.dispose();
  put('sampler/distribution', dists);
  // A batch: each row its own sampler and stream.
  const samplers = [0, 1, 2, 3].map((i) => lk.sampler({ temperature: 0.9, topP: 0.9, seed: 5, stream: i, topLogprobs: 3 }));
  const batch = new Float32Array(4 * V);
  const rows = [];
  for (let step = 0; step < 50; step++) {
    for (let r = 0; r < 4; r++) batch.set(stepLogits(bases, step * 4 + r, x), r * V);
    for (const res of lk.sampleRows(samplers, batch, { cols: V })) rows.push(stepRecord(res));
  }
  samplers.forEach((s) => s.dispose());
  put('sampler/sampleRows', rows);
  // Speculative decoding acceptance on probabilities at V.
  const k = 4;
  const target = lk.softmax(Float32Array.from({ length: (k + 1) * V }, (_, i) => list[0][(i * 3) % V]), { cols: V, temperature: 0.8 });
  const draft = lk.softmax(Float32Array.from({ length: k * V }, (_, i) => list[0][(i * 5) % V]), { cols: V, temperature: 0.9 });
  const draftTokens = Int32Array.from(lk.argmax(draft, { cols: V }));
  const verdicts = [];
  for (let seed = 0; seed < 24; seed++) verdicts.push(lk.speculativeVerify(target, draft, draftTokens, { seed }));
  put('sampler/speculativeVerify', verdicts);
}

/** The keys whose digests differ (or exist on one side only), sorted. */
export function compareDigests(expected, got) {
  const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
  return [...keys].filter((k) => expected[k] !== got[k]).sort();
}
