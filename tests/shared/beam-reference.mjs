// A float64 reference of Hugging Face transformers' beam search (_beam_search in
// generation/utils.py at commit 000034a44ef887621d9b36001a5eb7c46e64cb3f),
// written from its source: dense rows, full stable sorts where HF calls
// torch.topk (ties to the lower flat index). Shared by tests/js/beam.test.mjs
// (a toy model) and the ecosystem tests (the playground's character model,
// a transformers.js model). model(b, gen) returns prompt b's logits after the
// generated tokens gen; mask(b, gen), if given, a grammar bitmask for that row.
// With doSample, HF's warpers (logits_process.py: temperature, top-k, top-p,
// min-p with min_tokens_to_keep) and torch.multinomial without replacement as
// torch computes it (topk of p / q, q ~ Exp(1)) with logitkit's uniforms.
import { uniform } from './philox.mjs';

export function logSoftmax(z) {
  let m = -Infinity;
  for (const x of z) m = Math.max(m, x);
  let s = 0;
  for (const x of z) s += Math.exp(x - m);
  const ls = Math.log(s);
  return Array.from(z, (x) => x - m - ls);
}

export const argsortDesc = (v) => Array.from(v.keys()).sort((a, b) => v[b] - v[a] || a - b);

function softmax(x) {
  const m = Math.max(...x);
  if (m === -Infinity) return x.map(() => 0);
  const e = x.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// HF's warpers on one row of processed log-probabilities, in place; mk = min_tokens_to_keep.
export function warp(l, o, mk) {
  const V = l.length, t = o.temperature ?? 1;
  if (t !== 1) for (let i = 0; i < V; i++) l[i] /= t;
  if ((o.topK ?? 0) !== 0) {  // TopKLogitsWarper: scores < topk(scores, k)[-1] removed
    const k = Math.min(Math.max(o.topK, mk), V), kth = [...l].sort((a, b) => b - a)[k - 1];
    for (let i = 0; i < V; i++) if (l[i] < kth) l[i] = -Infinity;
  }
  if ((o.topP ?? 1) < 1) {  // TopPLogitsWarper: ascending sort, cumsum(softmax) <= 1 - top_p removed, last mk kept
    const asc = argsortDesc(l).reverse(), p = softmax(asc.map((i) => l[i]));
    let cum = 0;
    const remove = p.map((x) => (cum += x) <= 1 - o.topP);
    for (let i = V - Math.min(mk, V); i < V; i++) remove[i] = false;
    asc.forEach((tok, i) => { if (remove[i]) l[tok] = -Infinity; });
  }
  if ((o.minP ?? 0) > 0) {  // MinPLogitsWarper: probs < min_p * max(probs) removed, the mk best kept
    const p = softmax(l), top = Math.max(...p), desc = argsortDesc(l);
    for (let i = Math.min(mk, V); i < V; i++) if (p[desc[i]] < o.minP * top) l[desc[i]] = -Infinity;
  }
}

// torch.multinomial(softmax(acc), K, replacement=False): the K largest p / q,
// q_x = -log(1 - u_x), u_x uniform number counter + x of (seed, stream); ties (p = 0) by lower index.
export function drawCandidates(acc, K, seed, stream, counter) {
  const m = Math.max(...acc);
  const key = acc.map((a, x) => {
    const p = a === -Infinity ? 0 : Math.exp(a - m);
    return p > 0 ? p / -Math.log(1 - uniform(seed, stream, BigInt(counter) + BigInt(x))) : 0;
  });
  return argsortDesc(key).slice(0, K);
}

// HF's processors (utils.py _get_logits_processor order) on one row of log-probabilities, in place.
function process(l, o, b, gen, cur, eos, mask) {
  const V = l.length;
  const hist = [...(o.prompts?.[b] ?? []), ...gen];
  for (const [t, v] of Object.entries(o.logitBias ?? {})) l[t] += v;
  if ((o.repetitionPenalty ?? 1) !== 1) for (const t of new Set(hist)) l[t] = l[t] < 0 ? l[t] * o.repetitionPenalty : l[t] / o.repetitionPenalty;
  const n = o.noRepeatNgramSize ?? 0;
  if (n > 0 && hist.length + 1 >= n) {
    const pre = hist.slice(hist.length - (n - 1)).join();
    for (let i = 0; i + n <= hist.length; i++) if (hist.slice(i, i + n - 1).join() === pre) l[hist[i + n - 1]] = -Infinity;
  }
  for (const w of o.badWords ?? []) {
    const pre = w.slice(0, -1);
    if (pre.length <= hist.length && hist.slice(hist.length - pre.length).join() === pre.join()) l[w[w.length - 1]] = -Infinity;
  }
  if (cur < (o.minNewTokens ?? 0)) for (const t of eos) l[t] = -Infinity;
  for (const t of o.suppressTokens ?? []) l[t] = -Infinity;
  if (cur === 0) for (const t of o.beginSuppressTokens ?? []) l[t] = -Infinity;
  if (mask) { const m = mask(b, gen); for (let t = 0; t < V; t++) if (!((m[t >> 5] >>> (t & 31)) & 1)) l[t] = -Infinity; }
}

// HF's _beam_search in float64: per step the parents, tokens and running scores
// of the next rows, and per prompt the finished hypotheses, best first.
export function reference(o, model, mask) {
  if ((o.numBeamGroups ?? 1) > 1) return groupReference(o, model, mask);
  const B = o.batchSize ?? 1, nb = o.numBeams ?? 1, V = o.vocabSize, maxNew = o.maxNewTokens ?? 20;
  const eos = o.eosTokenId === undefined ? [] : [o.eosTokenId].flat();
  const lp = o.lengthPenalty ?? 1, es = o.earlyStopping ?? false, nrs = o.numReturnSequences ?? 1;
  const K = Math.max(2, 1 + eos.length) * nb, big = 1e9;
  const run = [], runScore = [], fin = [], finScore = [], finLp = [], finDone = [], unsat = [];
  for (let b = 0; b < B; b++) {
    run.push(Array.from({ length: nb }, () => []));
    runScore.push(Array.from({ length: nb }, (_, j) => (j === 0 ? 0 : -big)));
    fin.push(Array.from({ length: nb }, () => []));
    finScore.push(new Array(nb).fill(-big)), finLp.push(new Array(nb).fill(0)), finDone.push(new Array(nb).fill(false));
    unsat.push(true);
  }
  const steps = [];
  for (let cur = 0; ; ) {
    let allHit = true;
    const step = { parents: [], tokens: [], scores: [] };
    for (let b = 0; b < B; b++) {
      const acc = [];
      for (let j = 0; j < nb; j++) {
        const l = logSoftmax(model(b, run[b][j]));
        process(l, o, b, run[b][j], cur, eos, mask);
        if (o.doSample) warp(l, o, Math.max(2, 1 + eos.length));
        for (let v = 0; v < V; v++) acc.push(l[v] + runScore[b][j]);
      }
      // Sampled candidates stay in draw order (HF gathers them unsorted).
      const top = o.doSample
        ? drawCandidates(acc, K, BigInt(o.seed ?? 0), (BigInt(o.stream ?? 0) + BigInt(b)) % 2n ** 64n, BigInt(cur * nb * V))
        : argsortDesc(acc).slice(0, K);
      const tkLp = top.map((i) => acc[i]);
      const tkSeq = top.map((i) => [...run[b][Math.floor(i / V)], i % V]);
      const hits = tkSeq.map((s) => s.length >= maxNew || eos.includes(s[s.length - 1]));
      allHit = allHit && hits.every(Boolean);
      const tkRun = tkLp.map((s, i) => s + (hits[i] ? -big : 0));
      const nxt = argsortDesc(tkRun).slice(0, nb);
      nxt.forEach((i) => {
        step.parents.push(b * nb + Math.floor(top[i] / V)), step.tokens.push(top[i] % V), step.scores.push(tkRun[i]);
      });
      const full = finDone[b].every(Boolean) && es === true;
      const s = tkLp.map((x, i) => {
        let y = x / (cur + 1) ** lp;
        if (full) y += -big;
        if (!unsat[b]) y += -big;
        if (!(hits[i] && i < nb)) y += -big;
        return y;
      });
      const merged = [...finScore[b], ...s];
      const keep = argsortDesc(merged).slice(0, nb);
      const f = [], fs = [], fl = [], fd = [];
      for (const m of keep) {
        fs.push(merged[m]);
        if (m < nb) f.push(fin[b][m]), fl.push(finLp[b][m]), fd.push(finDone[b][m]);
        else f.push(tkSeq[m - nb]), fl.push(tkLp[m - nb]), fd.push(hits[m - nb] && m - nb < nb);
      }
      fin[b] = f, finScore[b] = fs, finLp[b] = fl, finDone[b] = fd;
      run[b] = nxt.map((i) => tkSeq[i]), runScore[b] = nxt.map((i) => tkRun[i]);
    }
    steps.push(step);
    cur++;
    const hyp = es === 'never' && lp > 0 ? maxNew : cur;
    let improvement = false, allFin = true;
    for (let b = 0; b < B; b++) {
      const best = runScore[b][0] / hyp ** lp, mn = Math.min(...finScore[b]);
      unsat[b] = unsat[b] && finDone[b].some((d) => best > (d ? mn : -big));
      improvement = improvement || unsat[b];
      allFin = allFin && finDone[b].every(Boolean);
    }
    if (!(improvement && !(allFin && es === true) && !allHit)) break;
  }
  const hyps = fin.map((f, b) => f.slice(0, nrs).map((tokens, i) => ({ tokens, score: finScore[b][i], logprob: finLp[b][i], done: finDone[b][i] })).filter((h) => h.done));
  return { steps, hyps };
}

// HF's diverse (group) beam search: the group-beam-search recipe (_group_beam_search,
// HammingDiversityLogitsProcessor) with BeamSearchScorer / BeamHypotheses
// (generation/beam_search.py), in float64; the same output shape as reference().
function groupReference(o, model, mask) {
  const B = o.batchSize ?? 1, nb = o.numBeams, V = o.vocabSize, maxNew = o.maxNewTokens ?? 20, G = o.numBeamGroups, gs = nb / G;
  const eos = o.eosTokenId === undefined ? [] : [o.eosTokenId].flat();
  const lp = o.lengthPenalty ?? 1, es = o.earlyStopping ?? false, nrs = o.numReturnSequences ?? 1;
  const K = Math.max(2, 1 + eos.length) * gs, pad = o.padTokenId ?? (eos.length ? eos[0] : -1);
  let ids = Array.from({ length: B * nb }, () => []);
  let beamScores = Array.from({ length: B * nb }, (_, r) => (r % gs === 0 ? 0 : -1e9));
  const hyps = Array.from({ length: B * G }, () => ({ beams: [], worst: 1e9 }));
  const done = new Array(B * G).fill(false);
  const add = (h, tokens, sum, len) => {  // BeamHypotheses.add
    const score = sum / len ** lp;
    if (h.beams.length < gs || score > h.worst) {
      h.beams.push({ tokens, score, logprob: sum });
      if (h.beams.length > gs) {
        const sorted = h.beams.map((x, i) => [x.score, i]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        h.beams.splice(sorted[0][1], 1);
        h.worst = sorted[1][0];
      } else h.worst = Math.min(score, h.worst);
    }
  };
  const steps = [];
  let cur = 0;
  for (;;) {
    const current = new Array(B * nb).fill(0), reorder = new Array(B * nb).fill(0), nextIds = ids.slice();
    for (let g = 0; g < G; g++) {
      for (let b = 0; b < B; b++) {
        const bg = b * G + g, r0 = b * nb + g * gs, acc = [];
        for (let j = 0; j < gs; j++) {
          const l = logSoftmax(model(b, ids[r0 + j]));
          process(l, o, b, ids[r0 + j], cur, eos, mask);
          const freq = new Map();  // HammingDiversityLogitsProcessor: bincount of the earlier groups' tokens
          for (let i = b * nb; i < b * nb + g * gs; i++) freq.set(current[i], (freq.get(current[i]) ?? 0) + 1);
          for (const [t, count] of freq) l[t] -= o.diversityPenalty * count;
          for (let v = 0; v < V; v++) acc.push(l[v] + beamScores[r0 + j]);
        }
        const top = argsortDesc(acc).slice(0, K);
        if (done[bg]) {
          for (let i = 0; i < gs; i++) beamScores[r0 + i] = 0, current[r0 + i] = pad, reorder[r0 + i] = g * gs, nextIds[r0 + i] = [...ids[g * gs], pad];
          continue;
        }
        let filled = 0;
        const scores = [];
        for (let rank = 0; rank < K && filled < gs; rank++) {
          const row = r0 + Math.floor(top[rank] / V), tok = top[rank] % V, seq = [...ids[row], tok];
          if (eos.includes(tok)) {
            if (rank < gs) add(hyps[bg], seq, acc[top[rank]], cur + 1);
            continue;
          }
          scores.push(acc[top[rank]]), current[r0 + filled] = tok, reorder[r0 + filled] = row, nextIds[r0 + filled] = seq;
          filled++;
        }
        scores.forEach((x, i) => { beamScores[r0 + i] = x; });
        if (hyps[bg].beams.length >= gs) {  // BeamHypotheses.is_done
          const n = es === 'never' && lp > 0 ? maxNew : cur + 1;
          done[bg] = done[bg] || es === true || hyps[bg].worst >= acc[top[0]] / n ** lp;
        }
      }
    }
    ids = nextIds;
    cur++;
    steps.push({ parents: reorder, tokens: current, scores: beamScores.slice() });
    if (done.every(Boolean) || cur >= maxNew) break;
  }
  const out = [];
  for (let b = 0; b < B; b++) {
    const all = [];
    for (let g = 0; g < G; g++) {
      const h = { beams: hyps[b * G + g].beams.slice(), worst: hyps[b * G + g].worst };
      if (!done[b * G + g]) for (let i = 0; i < gs; i++) add(h, ids[b * nb + g * gs + i], beamScores[b * nb + g * gs + i], cur);
      all.push(...h.beams);
    }
    const sorted = all.map((x, i) => [x, i]).sort((x, y) => x[0].score - y[0].score || x[1] - y[1]).map((x) => x[0]);
    out.push(sorted.reverse().slice(0, nrs));
  }
  return { steps, hyps: out };
}
