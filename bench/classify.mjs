// Classification and retrieval rows for `npm run bench`: similarity of one
// query to 100 000 × 384 embeddings (in wasm memory), retrieval top-5, and
// top-5 classes with probabilities of 256 rows × 1000 classes; each beside the
// careful plain-JavaScript version (float64 accumulation, no sort).
import { measure, formatRow, realisticLogits } from '../common/harness.mjs';

// ---- plain JS references ----
function plainCosine(q, docs, dim, scale, out) {
  let qq = 0;
  for (let i = 0; i < dim; i++) qq += q[i] * q[i];
  const qn = Math.sqrt(qq);
  for (let j = 0, o = 0; o < out.length; j += dim, o++) {
    let s = 0, dd = 0;
    for (let i = 0; i < dim; i++) { const d = docs[j + i]; s += q[i] * d; dd += d * d; }
    out[o] = (scale * s) / Math.max(qn * Math.sqrt(dd), 1e-8);
  }
  return out;
}

// Top-k of one row by insertion into a k-list (fast for small k), with softmax probabilities.
function plainTopK(x, off, cols, k, idx, prob, at) {
  let m = -Infinity;
  for (let i = 0; i < cols; i++) if (x[off + i] > m) m = x[off + i];
  let s = 0;
  for (let i = 0; i < cols; i++) s += Math.exp(x[off + i] - m);
  let n = 0;
  for (let i = 0; i < cols; i++) {
    const v = x[off + i];
    if (n === k && v <= x[off + idx[at + k - 1]]) continue;
    let j = n < k ? n++ : k - 1;
    while (j > 0 && x[off + idx[at + j - 1]] < v) { idx[at + j] = idx[at + j - 1]; j--; }
    idx[at + j] = i;
  }
  for (let j = 0; j < k; j++) prob[at + j] = Math.exp(x[off + idx[at + j]] - m) / s;
}

function plainTopKRows(x, rows, cols, k, idx, prob) {
  for (let r = 0; r < rows; r++) plainTopK(x, r * cols, cols, k, idx, prob, r * k);
}

function embeddings(n, dim, seed) {
  let s = seed >>> 0 || 1;
  const x = new Float32Array(n * dim);
  for (let i = 0; i < x.length; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; x[i] = s / 4294967296 - 0.5; }
  return x;
}

/** Prints the classification / retrieval rows; `modules` maps a name to a loaded Logitkit. */
export function runClassifyBench(modules) {
  const n = Number(process.env.LK_BENCH_DOCS ?? 100000), dim = 384, rows = 256, cols = 1000, k = 5;
  const docs = embeddings(n, dim, 11), query = embeddings(1, dim, 12);
  const logits = realisticLogits(rows * cols, 13);
  const results = [];
  const add = (op, impl, fn, opts) => results.push({ op, impl, ...measure(fn, opts) });
  const slow = { samples: 11, warmupMs: 20 };
  for (const [name, lk] of Object.entries(modules)) {
    const buf = lk.buffer(n * dim);
    buf.view.set(docs);
    const out = lk.buffer(n);
    add(`cosine similarity, ${n} × ${dim}`, name, () => lk.similarity(query, buf, { dim, scale: 100, out }), slow);
    add(`dot similarity, ${n} × ${dim}`, name, () => lk.similarity(query, buf, { dim, metric: 'dot', out }), slow);
    add(`retrieve top-5 of ${n} × ${dim}`, name, () => lk.retrieve(query, buf, { dim, scale: 100, k }), slow);
    add(`top-5 classes + probs, ${rows} × ${cols}`, name, () => lk.topClasses(logits, { cols, k }));
    buf.dispose();
    out.dispose();
  }
  const sim = new Float32Array(n), idx = new Int32Array(rows * k), prob = new Float32Array(rows * k);
  add(`cosine similarity, ${n} × ${dim}`, 'plain JS', () => plainCosine(query, docs, dim, 100, sim), slow);
  add(`top-5 classes + probs, ${rows} × ${cols}`, 'plain JS', () => plainTopKRows(logits, rows, cols, k, idx, prob));

  console.log('Classification and retrieval (µs per call: median [p10, p90]; ratio = time / logitkit wasm SIMD time)');
  const widths = [40, 24, 10, 22, 8];
  console.log(formatRow(['operation', 'implementation', 'median', '[p10, p90]', 'ratio'], widths));
  for (const op of new Set(results.map((r) => r.op))) {
    const ref = results.find((r) => r.op === op && r.impl === Object.keys(modules)[0])?.median;
    for (const r of results.filter((q) => q.op === op)) {
      console.log(formatRow([op, r.impl, r.median.toFixed(1), `[${r.p10.toFixed(1)}, ${r.p90.toFixed(1)}]`, ref ? (r.median / ref).toFixed(2) : '–'], widths));
    }
  }
  console.log('');
}
