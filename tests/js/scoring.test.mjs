// scoreTokens and compareContinuations against float64 references computed
// here: log-probabilities, ranks (stable descending order, ties to the lower
// id), top-N alternatives, entropy, totals; LogitBuffer input; named errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise, rng, refSoftmaxRow } from './helpers.mjs';

const lk = await lkPromise;

function block(rows, cols, seed, scale = 3) {
  const g = rng(seed);
  return Float32Array.from({ length: rows * cols }, () => g.normal() * scale);
}

// Row r's float64 log-probabilities and its stable descending order.
function reference(x, r, cols, t = 1) {
  const row = x.subarray(r * cols, (r + 1) * cols);
  const { logp } = refSoftmaxRow(row, t);
  const order = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
  const entropy = -logp.reduce((h, l) => (l === -Infinity ? h : h + Math.exp(l) * l), 0);
  return { logp, order, entropy };
}

const bound = (ref) => 2 ** -23 + 2 ** -52 * Math.abs(ref);

test('scoreTokens: every output against float64 (T = 1, 0.7, 2), rounded log p = logSoftmax bits', () => {
  const rows = 16, cols = 5003;
  for (const t of [1, 0.7, 2]) {
    const x = block(rows, cols, 3);
    x[7] = x[9] = 30; // equal maxima in row 0
    for (let i = 0; i < cols; i++) x[cols + i] = Math.round(x[cols + i]); // many ties in row 1
    x[2 * cols + 4] = -Infinity;
    const g = rng(5);
    const tokens = Int32Array.from({ length: rows }, () => Math.floor(g.uniform() * cols));
    tokens[0] = 9; // the second of the equal maxima: rank 2
    tokens[2] = 4; // masked: -inf
    const s = lk.scoreTokens(x, tokens, { temperature: t, topLogprobs: 20, entropy: true });
    const lsm = lk.logSoftmax(x, { cols, temperature: t });
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const ref = reference(x, r, cols, t);
      const want = ref.logp[tokens[r]];
      if (want === -Infinity) assert.equal(s.logprobs[r], -Infinity);
      else assert.ok(Math.abs(s.logprobs[r] - want) <= bound(want), `row ${r}: ${s.logprobs[r]} vs ${want}`);
      assert.equal(Math.fround(s.logprobs[r]), lsm[r * cols + tokens[r]], `row ${r}: float32 rounding equals logSoftmax`);
      assert.equal(s.ranks[r], ref.order.indexOf(tokens[r]) + 1, `row ${r} rank`);
      assert.deepEqual(Array.from(s.topTokens.subarray(r * 20, r * 20 + 20)), ref.order.slice(0, 20));
      for (let j = 0; j < 20; j++) {
        const w = ref.logp[ref.order[j]];
        assert.ok(Math.abs(s.topLogprobs[r * 20 + j] - w) <= bound(w));
      }
      assert.ok(Math.abs(s.entropy[r] - ref.entropy) <= 4e-7 + 2.5e-7 * ref.entropy, `row ${r} entropy`);
      sum += s.logprobs[r];
    }
    assert.equal(s.ranks[0], 2);
    assert.equal(s.logprobs[2], -Infinity);
    assert.equal(s.count, rows);
    assert.equal(s.sum, sum);
    assert.equal(s.mean, sum / rows);
    assert.equal(s.sum, -Infinity); // row 2's masked token
  }
});

// Adversarial rows (tests/cpp/ops/test_scoring.cpp scores the same): cols - 1
// entries equal to c and one outlier o, so every c entry's exp has the same
// rounding error and the row's log-normaliser carries nearly the whole
// relative error of one float32 exp. c below the outlier 0: first the WORST
// values of a sweep, then a grid of y = (c - o)/T in [-6, 0); c above it,
// near-ties, offsets 1e4 … 3e6, ±1e30 … FLT_MAX.
const SHAPE_COLS = 1027, GRID = 2048, WORST = GRID / 2, FLT_MAX = 3.4028234663852886e38;
// The sweep: 2^20 values of c/T in [-6, 0), each scored in a row [c, 0], where
// log p of the 0 is -log(1 + e), e = exp(c/T): its error over e/(1 + e) is the
// relative error of the row kernel's float32 e. Ranked by that error times the
// c entries' share of the mass in a row of SHAPE_COLS.
function worstExpCandidates(t) {
  const m = 2 ** 20;
  const x = new Float32Array(2 * m);
  for (let j = 0; j < m; j++) x[2 * j] = t * (-6 * (j + 0.5) / m);
  const lp = lk.scoreTokens(x, new Int32Array(m).fill(1), { temperature: t }).logprobs;
  const score = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const e = Math.exp(x[2 * j] / t), w = (SHAPE_COLS - 1) * e;
    score[j] = Math.abs(lp[j] + Math.log1p(e)) / (e / (1 + e)) * (w / (w + 1));
  }
  const idx = Array.from(score.keys()).sort((a, b) => score[b] - score[a] || a - b);
  return idx.slice(0, WORST).map((j) => x[2 * j]);
}
const below = (v) => { // the next float32 toward 0
  const a = new Float32Array([v]);
  new Int32Array(a.buffer)[0] -= 1;
  return a[0];
};
function adversarialShapes(t) {
  const v = [];
  const add = (c, o) => v.push({ c: Math.fround(c), o: Math.fround(o), pos: (v.length * 37) % SHAPE_COLS });
  for (const c of worstExpCandidates(t)) add(c, 0);
  for (let k = 0; k < GRID - WORST; k++) add(t * (-6 * (k + 0.5) / (GRID - WORST)), 0);
  for (let k = 0; k < GRID / 4; k++) add(t * (6 * (k + 0.5) / (GRID / 4)), 0);
  for (let k = 1; k <= 64; k++) {
    add(-k * 2 ** -20 * t, 0);
    add(k * 2 ** -20 * t, 0);
  }
  for (const off of [1e4, -1e4, 3e6]) {
    for (let k = 0; k < GRID / 4; k++) add(off + t * (-6 * (k + 0.5) / (GRID / 4)), off);
  }
  add(1e30, 0);
  add(-1e30, 0);
  add(1e30, below(Math.fround(1e30)));
  add(-1e30, below(Math.fround(-1e30)));
  add(FLT_MAX, -FLT_MAX);
  add(-FLT_MAX, FLT_MAX);
  add(FLT_MAX, below(FLT_MAX));
  return v;
}
function shapeReference({ c, o }, cols, t) {
  const m = Math.max(c, o), yc = (c - m) / t, yo = (o - m) / t;
  const ec = (cols - 1) * Math.exp(yc), eo = Math.exp(yo);
  const ls = Math.log(ec + eo);
  return { lpC: yc - ls, lpO: yo - ls, h: ls - ((ec > 0 ? ec * yc : 0) + (eo > 0 ? eo * yo : 0)) / (ec + eo) };
}
function shapeBlock(shapes) {
  const x = new Float32Array(shapes.length * SHAPE_COLS);
  shapes.forEach(({ c, o, pos }, r) => {
    x.fill(c, r * SHAPE_COLS, (r + 1) * SHAPE_COLS);
    x[r * SHAPE_COLS + pos] = o;
  });
  return { x, tokens: Int32Array.from(shapes, (s) => s.pos) };
}

test('scoreTokens: the worst case over adversarial rows, and a block whose errors add up in one direction', () => {
  let worstLp = 0, worstH = 0, worstSum = 0;
  for (const t of [1, 0.7, 0.3, 2.5]) {
    const shapes = adversarialShapes(t);
    const { x, tokens } = shapeBlock(shapes);
    const s = lk.scoreTokens(x, tokens, { temperature: t, topLogprobs: 2, entropy: true });
    const rowErr = new Float64Array(GRID);
    shapes.forEach((sh, r) => {
      const ref = shapeReference(sh, SHAPE_COLS, t);
      const check = (got, want) => {
        const e = Math.abs(got - want) / bound(want);
        assert.ok(e <= 1, `T ${t} row ${r} (c ${sh.c}, outlier ${sh.o}): ${got} vs ${want}`);
        worstLp = Math.max(worstLp, e);
      };
      check(s.logprobs[r], ref.lpO);
      for (let j = 0; j < 2; j++) check(s.topLogprobs[r * 2 + j], s.topTokens[r * 2 + j] === sh.pos ? ref.lpO : ref.lpC);
      if (r < GRID) rowErr[r] = ref.lpO - s.logprobs[r];
      const hb = 4e-7 + 2.5e-7 * ref.h;
      assert.ok(Math.abs(s.entropy[r] - ref.h) <= hb, `T ${t} row ${r} entropy`);
      worstH = Math.max(worstH, Math.abs(s.entropy[r] - ref.h) / hb);
    });
    // 256 rows of the grid below the outlier whose errors have the more common sign, largest first.
    const sign = 2 * rowErr.filter((e) => e > 0).length >= GRID ? 1 : -1;
    const idx = Array.from(rowErr.keys()).sort((a, b) => sign * rowErr[b] - sign * rowErr[a] || a - b);
    const block = idx.slice(0, 256).map((r) => shapes[r]);
    const b = shapeBlock(block);
    const refSum = block.reduce((acc, sh) => acc + shapeReference(sh, SHAPE_COLS, t).lpO, 0);
    const got = lk.scoreTokens(b.x, b.tokens, { temperature: t }).sum;
    // One per-token error per row: rows·(2^-23 absolute + 2^-52 relative).
    const e = Math.abs(got - refSum) / (block.length * bound(refSum));
    assert.ok(e <= 1, `T ${t}: sum ${got} vs float64 ${refSum}: error ${Math.abs(got - refSum) / 2 ** -23} x 2^-23`);
    worstSum = Math.max(worstSum, e);
  }
  console.log(`scoreTokens adversarial rows: worst log p error ${worstLp} of the 2^-23 + 2^-52·|ref| bound; ` +
    `worst entropy error ${worstH} of 4e-7 + 2.5e-7·H; worst sum error ${worstSum} of rows·(2^-23 + 2^-52·|ref|)`);
});

test('scoreTokens: totals and perplexity; options.out; a LogitBuffer; plain arrays of tokens', () => {
  const rows = 64, cols = 1000;
  const x = block(rows, cols, 9, 2);
  const tokens = Array.from({ length: rows }, (_, r) => (r * 37) % cols);
  const out = new Float64Array(rows);
  const s = lk.scoreTokens(x, tokens, { out });
  assert.equal(s.logprobs, out);
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += reference(x, r, cols).logp[tokens[r]];
  assert.ok(Math.abs(s.sum - sum) <= rows * bound(sum / rows));
  assert.ok(Math.abs(s.perplexity / Math.exp(-s.sum / rows) - 1) < 1e-14, 'perplexity = exp(-sum / T)');
  assert.ok(Math.abs(Math.log(s.perplexity) + sum / rows) <= bound(sum / rows), 'against float64');
  assert.equal(s.entropy, undefined);
  assert.equal(s.topTokens, undefined);
  const buf = lk.buffer(rows * cols);
  buf.view.set(x);
  const b = lk.scoreTokens(buf, Int32Array.from(tokens), { cols });
  assert.deepEqual(b.logprobs, s.logprobs);
  assert.deepEqual(b.ranks, s.ranks);
  assert.deepEqual(Array.from(buf.view), Array.from(x), 'the buffer is not modified');
  buf.dispose();
});

test('scoreTokens: the greedy limit and +inf rows', () => {
  const x = new Float32Array([5, 1, 5, 2, 1, Infinity, 3, Infinity]);
  const s = lk.scoreTokens(x, [2, 3], { temperature: 0, entropy: true });
  assert.ok(Math.abs(s.logprobs[0] + Math.LN2) < 1e-15);
  assert.equal(s.ranks[0], 2);
  assert.ok(Math.abs(s.logprobs[1] + Math.LN2) < 1e-15);
  assert.ok(Math.abs(s.entropy[1] - Math.LN2) < 1e-15);
  const f = lk.scoreTokens(x, [3, 2]);
  assert.ok(Math.abs(f.logprobs[0] - reference(x, 0, 4).logp[3]) < 1e-7);
  assert.equal(f.logprobs[1], -Infinity);
});

test('scoreTokens: named errors', () => {
  const x = block(2, 4, 1);
  const cases = [
    [() => lk.scoreTokens(x, [0, 4]), RangeError, /^tokens\[1\] \(token 4\) is not a token of this vocabulary: token ids must be < 4/],
    [() => lk.scoreTokens(x, [0, -1]), RangeError, /^tokens\[1\] must be a token id/],
    [() => lk.scoreTokens(x, [0, 1.5]), RangeError, /^tokens\[1\] must be a token id/],
    [() => lk.scoreTokens(x, [0, 1, 2]), RangeError, /^logits.length \(8\) must be tokens.length \(3\) × the vocabulary size/],
    [() => lk.scoreTokens(x, [0, 1, 2], { cols: 4 }), RangeError, /^tokens.length \(3\) must equal the number of rows of logits \(logits.length \/ options.cols = 2\)/],
    [() => lk.scoreTokens(x, []), RangeError, /^tokens must not be empty/],
    [() => lk.scoreTokens(x, 'ab'), TypeError, /^tokens must be an Int32Array or an array of token ids/],
    [() => lk.scoreTokens([1, 2], [0]), TypeError, /^logits must be a Float32Array or a LogitBuffer/],
    [() => lk.scoreTokens(new Float32Array([1, NaN, 0, 0]), [0, 0]), RangeError, /^logits\[1\] \(row 0, column 1\) is NaN/],
    [() => lk.scoreTokens(x, [0, 1], { topLogprobs: 21 }), RangeError, /^options.topLogprobs must be <= 20/],
    [() => lk.scoreTokens(x, [0, 1], { topLogprobs: 5 }), RangeError, /^options.topLogprobs \(5\) must be <= the vocabulary size \(4\)/],
    [() => lk.scoreTokens(x, [0, 1], { temperature: -1 }), RangeError, /^options.temperature/],
    [() => lk.scoreTokens(x, [0, 1], { entropy: 1 }), TypeError, /^options.entropy must be a boolean/],
    [() => lk.scoreTokens(x, [0, 1], { out: new Float32Array(2) }), TypeError, /^options.out must be a Float64Array/],
    [() => lk.scoreTokens(x, [0, 1], { out: new Float64Array(3) }), RangeError, /^options.out must hold 2 elements/],
    [() => lk.scoreTokens(x, [0, 1], { toplogprobs: 3 }), RangeError, /^options.toplogprobs is not a known option; did you mean 'topLogprobs'\?/],
  ];
  for (const [fn, Type, re] of cases) {
    assert.throws(fn, (e) => e instanceof Type && re.test(e.message), String(re));
  }
  assert.equal(lk.scoreTokens(x, [0, 1]).count, 2); // the instance works after the errors
});

test('compareContinuations: totals, length normalisation, greedy flags and ties as lm-eval reports them', () => {
  const cols = 50;
  const choices = [3, 5, 1].map((n, i) => {
    const logits = block(n, cols, 20 + i);
    const tokens = Array.from({ length: n }, (_, r) => reference(logits, r, cols).order[i === 2 ? 0 : 3]);
    return { logits, tokens };
  });
  const c = lk.compareContinuations(choices);
  for (const [i, { logits, tokens }] of choices.entries()) {
    const s = lk.scoreTokens(logits, tokens);
    assert.equal(c.scores[i].sum, s.sum);
    assert.equal(c.scores[i].mean, s.sum / tokens.length);
    assert.equal(c.scores[i].normalized, s.sum / tokens.length);
    assert.equal(c.scores[i].count, tokens.length);
    assert.equal(c.scores[i].greedy, i === 2);
  }
  const sums = c.scores.map((s) => s.sum);
  assert.equal(c.best, sums.indexOf(Math.max(...sums)));
  const byChars = lk.compareContinuations(choices, { lengths: [30, 2, 1e9] });
  const norm = byChars.scores.map((s) => s.normalized);
  assert.deepEqual(norm, c.scores.map((s, i) => s.sum / [30, 2, 1e9][i]));
  assert.equal(byChars.bestNormalized, norm.indexOf(Math.max(...norm)));
  // Ties go to the earlier choice.
  const same = lk.compareContinuations([choices[0], choices[0]]);
  assert.equal(same.best, 0);
  assert.equal(same.bestNormalized, 0);
  assert.throws(() => lk.compareContinuations([choices[0], { logits: choices[1].logits, tokens: [1, 2, 3] }]),
    /^RangeError: choices\[1\]: logits.length \(250\) must be tokens.length \(3\) × the vocabulary size/);
  assert.throws(() => lk.compareContinuations([{ logits: choices[0].logits, tokens: [99, 0, 0] }]),
    /^RangeError: choices\[0\]: tokens\[0\] \(token 99\) is not a token of this vocabulary/);
  assert.throws(() => lk.compareContinuations([{ ...choices[0], logit: 1 }]), /choices\[0\]\.logit is not a known field/);
  assert.throws(() => lk.compareContinuations([]), /^RangeError: choices must not be empty/);
  assert.throws(() => lk.compareContinuations(choices, { lengths: [1, 2] }), /options.lengths must hold one length per choice \(3\)/);
  assert.throws(() => lk.compareContinuations(choices, { lengths: [1, 0, 2] }), /options.lengths\[1\] must be > 0/);
});
