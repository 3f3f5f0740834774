// The adaptive-p selector and promptIgnoreLength through the JS API: the
// options reach the C++ stage (exactness against llama.cpp's algorithm is
// tests/cpp/sampling/stages/test_adaptive_p.cpp), the picks' probabilities average the
// target, and the stage's state survives toJSON / samplerFromJSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise, rng } from './helpers.mjs';

const lk = await lkPromise;

function row(g, n, scale) {
  return Float32Array.from({ length: n }, () => g.normal() * scale);
}
// Probability of token t as the selector sees it: softmax(x) over the tokens
// min-p keeps (weight >= minP of the largest), at T = 1.
function prob(x, t, minP) {
  const m = Math.max(...x);
  let s = 0;
  for (const v of x) if (Math.exp(v - m) >= minP) s += Math.exp(v - m);
  return Math.exp(x[t] - m) / s;
}

test('adaptive-p: the picked tokens\' probabilities average the target (500 steps, fixed seed)', () => {
  // As llama.cpp advises, a mild min-p first: in an untruncated flat tail, the
  // many far tokens share enough of the transformed mass to pull the mean down.
  const minP = 0.1, steps = 500;
  const meanOfPicks = (options) => {
    const s = lk.sampler({ minP, seed: 11, ...options });
    const g = rng(4);
    let sum = 0;
    for (let i = 0; i < steps; i++) {
      const x = row(g, 64, 2.5);
      sum += prob(x, s.next(x).token, minP);
    }
    s.dispose();
    return sum / steps;
  };
  const plain = meanOfPicks({});
  const means = [0.15, 0.5].map((target) => meanOfPicks({ adaptivePTarget: target, adaptivePDecay: 0.9 }));
  // The EMA's feedback holds the mean within a few hundredths of the target
  // (0.184 and 0.472 with this seed), on both sides of plain sampling's mean.
  assert.ok(Math.abs(means[0] - 0.15) < 0.05 && Math.abs(means[1] - 0.5) < 0.05, `means ${means}, plain ${plain}`);
  assert.ok(means[0] < plain && plain < means[1], `means ${means}, plain ${plain}`);
});

test('adaptive-p: state saved with the sampler; a restored sampler continues identically', () => {
  const a = lk.sampler({ adaptivePTarget: 0.3, adaptivePDecay: 0.8, minP: 0.01, seed: 2 });
  const g = rng(8);
  for (let i = 0; i < 30; i++) a.next(row(g, 40, 2));
  const json = JSON.stringify(a);
  assert.equal(a.saveState().stageState.length > 0, true);
  const b = lk.samplerFromJSON(json);
  for (let i = 0; i < 30; i++) {
    const x = row(g, 40, 2);
    assert.deepEqual(a.next(x), b.next(x));
  }
  a.dispose();
  b.dispose();
});

test('adaptive-p and promptIgnoreLength: named errors', () => {
  assert.throws(() => lk.sampler({ adaptivePDecay: 1 }), /^RangeError: options.adaptivePDecay must be <= 0.99, got 1/);
  assert.throws(() => lk.sampler({ adaptivePTarget: 2 }), /^RangeError: options.adaptivePTarget must be <= 1, got 2/);
  assert.throws(() => lk.sampler({ adaptivePTarget: NaN }), /^RangeError: options.adaptivePTarget must be a number, got NaN/);
  // One selector at a time: at construction, in the core's words.
  assert.throws(() => lk.sampler({ adaptivePTarget: 0.5, mirostat: 2 }), /^RangeError: options.adaptivePTarget enables the adaptiveP selector, but mirostat already picks the token: one selector at a time$/);
  assert.throws(() => lk.sampler({ promptIgnoreLength: -1 }), /^RangeError: options.promptIgnoreLength must be >= 0, got -1/);
});

test('promptIgnoreLength: prompt tokens are not penalised, generated ones are', () => {
  const buf = lk.buffer(4);
  const s = lk.sampler({ prompt: [0, 1], promptIgnoreLength: 2, repetitionPenalty: 2, penaltyLastN: -1, temperature: 0 });
  s.accept(2);
  buf.view.set([2, 2, 2, 2]);
  s.sample(buf);
  assert.deepEqual(Array.from(buf.view), [2, 2, 1, 2]);
  s.dispose();
  buf.dispose();
});
