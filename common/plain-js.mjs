// The careful plain-JavaScript implementations a user would otherwise write:
// float64 accumulation, one pass per step, no sorting.
export function softmax(x, out = new Float32Array(x.length)) {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  let s = 0;
  for (let i = 0; i < x.length; i++) { const e = Math.exp(x[i] - m); out[i] = e; s += e; }
  const inv = 1 / s;
  for (let i = 0; i < x.length; i++) out[i] *= inv;
  return out;
}

export function logSoftmax(x, out = new Float32Array(x.length)) {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] - m);
  const l = m + Math.log(s);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - l;
  return out;
}

export function argmax(x) {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

// The chain top-k → top-p → min-p → temperature → draw, as careful plain JS
// does it: a size-k min-heap over V (no full sort), then work on k entries.
export function sampleChain(x, { topK = 50, topP = 0.9, minP = 0.05, temperature = 0.8 }, u) {
  const heapV = new Float64Array(topK), heapI = new Int32Array(topK);
  let size = 0;
  const down = (i) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && heapV[l] < heapV[m]) m = l;
      if (r < size && heapV[r] < heapV[m]) m = r;
      if (m === i) return;
      [heapV[i], heapV[m]] = [heapV[m], heapV[i]];
      [heapI[i], heapI[m]] = [heapI[m], heapI[i]];
      i = m;
    }
  };
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (size < topK) {
      let j = size++;
      heapV[j] = v; heapI[j] = i;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (heapV[p] <= heapV[j]) break;
        [heapV[p], heapV[j]] = [heapV[j], heapV[p]];
        [heapI[p], heapI[j]] = [heapI[j], heapI[p]];
        j = p;
      }
    } else if (v > heapV[0]) {
      heapV[0] = v; heapI[0] = i;
      down(0);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapV[b] - heapV[a] || heapI[a] - heapI[b]);
  const z = order.map((i) => heapV[i]), ids = order.map((i) => heapI[i]);
  const w = z.map((v) => Math.exp(v - z[0]));
  const s = w.reduce((a, b) => a + b, 0);
  let n = 0, cum = 0;
  while (n < w.length && (cum < topP * s || n === 0)) cum += w[n++];
  while (n > 1 && w[n - 1] < minP) n--;
  const wt = z.slice(0, n).map((v) => Math.exp((v - z[0]) / temperature));
  let r = u * wt.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) if ((r -= wt[i]) < 0) return ids[i];
  return ids[n - 1];
}

// Naive plain JS: sort the whole vocabulary, then cut (what most snippets do).
export function sampleNaive(x, { topK = 0, topP = 1, minP = 0, temperature = 1 }, u) {
  const order = Array.from(x.keys()).sort((a, b) => x[b] - x[a] || a - b);
  let n = topK > 0 ? Math.min(topK, order.length) : order.length;
  const m = x[order[0]];
  const w = order.slice(0, n).map((i) => Math.exp(x[i] - m));
  const s = w.reduce((a, b) => a + b, 0);
  let k = 0, cum = 0;
  while (k < n && (cum < topP * s || k === 0)) cum += w[k++];
  n = k;
  while (n > 1 && w[n - 1] < minP) n--;
  const wt = order.slice(0, n).map((i) => Math.exp((x[i] - m) / temperature));
  let r = u * wt.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) if ((r -= wt[i]) < 0) return order[i];
  return order[n - 1];
}

// Penalties over a history (HF repetition penalty), on a copy.
export function penalize(x, history, penalty, out) {
  out.set(x);
  for (const t of new Set(history)) out[t] = out[t] > 0 ? out[t] / penalty : out[t] * penalty;
  return out;
}

// Log-probabilities of the top 20 tokens (a size-20 selection over V).
export function top20Logprobs(x) {
  const lp = logSoftmax(x);
  const best = [];
  for (let i = 0; i < lp.length; i++) {
    if (best.length < 20 || lp[i] > lp[best[best.length - 1]]) {
      best.push(i);
      best.sort((a, b) => lp[b] - lp[a] || a - b);
      if (best.length > 20) best.pop();
    }
  }
  return best.map((i) => [i, lp[i]]);
}

export function crossEntropy(x, labels, c) {
  let sum = 0;
  for (let r = 0; r < labels.length; r++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, x[r * c + k]);
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(x[r * c + k] - m);
    sum += m + Math.log(s) - x[r * c + labels[r]];
  }
  return sum / labels.length;
}

// Mean NLL of softmax(z / t) in float64, and the t minimising it by a
// golden-section search over log t in [1e-3, 1e3] to 1e-9.
function nllAt(z, labels, c, t) {
  let sum = 0;
  for (let r = 0; r < labels.length; r++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, z[r * c + k] / t);
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(z[r * c + k] / t - m);
    sum += m + Math.log(s) - z[r * c + labels[r]] / t;
  }
  return sum / labels.length;
}

export function fitTemperature(z, labels, c) {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(1e-3), b = Math.log(1e3);
  let x1 = b - g * (b - a), x2 = a + g * (b - a);
  let f1 = nllAt(z, labels, c, Math.exp(x1)), f2 = nllAt(z, labels, c, Math.exp(x2));
  while (b - a > 1e-9) {
    if (f1 < f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = nllAt(z, labels, c, Math.exp(x1)); }
    else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = nllAt(z, labels, c, Math.exp(x2)); }
  }
  return Math.exp((a + b) / 2);
}

// Top-p alone → draw, as careful plain JS does it: one pass for the max, one
// for exp and the sum (float64), a 1024-bin histogram of the mass by how far
// below the max each logit is, and a sort of the boundary bin's entries only
// (no sort of the vocabulary). Returns the token for the uniform u.
export function sampleTopP(x, topP, u, scratch = new Float64Array(x.length)) {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  const bins = 1024, width = 32 / bins;  // 32 nats below the max; deeper is one last bin
  const hist = new Float64Array(bins);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp(x[i] - m);
    scratch[i] = e;
    s += e;
    hist[Math.min(bins - 1, ((m - x[i]) / width) | 0)] += e;
  }
  let b = 0, cum = 0;
  while (b < bins - 1 && cum + hist[b] < topP * s) cum += hist[b++];
  // Bins before b are kept whole; in bin b, keep in logit order while the mass before is < p·S.
  const edge = [];
  let kept = 0;
  for (let i = 0; i < x.length; i++) {
    const k = Math.min(bins - 1, ((m - x[i]) / width) | 0);
    if (k < b) kept += scratch[i];
    else if (k === b) edge.push(i);
  }
  edge.sort((i, j) => x[j] - x[i] || i - j);
  const keep = new Set();
  for (const i of edge) { if (cum >= topP * s && keep.size + kept > 0) break; keep.add(i); cum += scratch[i]; kept += scratch[i]; }
  let r = u * kept;
  for (let i = 0; i < x.length; i++) {
    const k = Math.min(bins - 1, ((m - x[i]) / width) | 0);
    if (k < b || keep.has(i)) if ((r -= scratch[i]) < 0) return i;
  }
  return argmax(x);
}

// One beam-search step as a careful plain-JS caller writes it (no EOS): per
// row the log-softmax normaliser l_r (max pass, float64 exp-sum pass), then
// over all numBeams × V candidates running_r + x - l_r, the best 2·numBeams
// kept by a min-heap (a cheap threshold test first; ties to the lower flat
// index, as HF's reference does), sorted; the numBeams best continue.
// Returns the next rows' parents, tokens and running scores.
export function beamStep(x, numBeams, V, running) {
  const K = 2 * numBeams;
  const heapV = new Float64Array(K), heapI = new Int32Array(K);
  let size = 0;
  // "a below b" in the min-heap: lower value, or the same value at a higher index.
  const below = (a, b) => heapV[a] < heapV[b] || (heapV[a] === heapV[b] && heapI[a] > heapI[b]);
  const swap = (a, b) => {
    const v = heapV[a]; heapV[a] = heapV[b]; heapV[b] = v;
    const i = heapI[a]; heapI[a] = heapI[b]; heapI[b] = i;
  };
  for (let r = 0; r < numBeams; r++) {
    const o = r * V;
    let m = -Infinity;
    for (let v = 0; v < V; v++) if (x[o + v] > m) m = x[o + v];
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(x[o + v] - m);
    const shift = running[r] - (m + Math.log(s));
    for (let v = 0; v < V; v++) {
      const c = x[o + v] + shift;
      if (size < K) {
        let j = size++;
        heapV[j] = c; heapI[j] = o + v;
        while (j > 0) {
          const p = (j - 1) >> 1;
          if (!below(j, p)) break;
          swap(j, p);
          j = p;
        }
      } else if (c > heapV[0]) {
        heapV[0] = c; heapI[0] = o + v;
        for (let i = 0; ;) {
          const l = 2 * i + 1, rr = l + 1;
          let k = i;
          if (l < size && below(l, k)) k = l;
          if (rr < size && below(rr, k)) k = rr;
          if (k === i) break;
          swap(i, k);
          i = k;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapV[b] - heapV[a] || heapI[a] - heapI[b]).slice(0, numBeams);
  return {
    parents: Int32Array.from(order, (i) => Math.floor(heapI[i] / V)),
    tokens: Int32Array.from(order, (i) => heapI[i] % V),
    scores: Float64Array.from(order, (i) => heapV[i]),
  };
}
