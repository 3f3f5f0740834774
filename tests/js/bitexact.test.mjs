// Native x86-64 (build/native/lk_digest), wasm SIMD and wasm baseline give
// bit-identical outputs for every op on the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { load } from '../../dist/index.mjs';
import { xorshiftFloats } from './helpers.mjs';

function inputs() {
  const rows = 3, cols = 4099;
  const x = xorshiftFloats(rows * cols);
  x[17] = -Infinity;
  x[cols + 5] = Infinity;
  return { x, rows, cols };
}

function fnv(typed, h = 2166136261) {
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function digests(lk) {
  const { x, rows, cols } = inputs();
  const absx = x.map(Math.abs);
  return {
    softmax: fnv(lk.softmax(x, { cols })),
    'softmax_t0.7': fnv(lk.softmax(x, { cols, temperature: 0.7 })),
    'log_softmax_t1.3': fnv(lk.logSoftmax(x, { cols, temperature: 1.3 })),
    logsumexp_t2: fnv(lk.logsumexp(x, { cols, temperature: 2 })),
    'entropy_t0.9': fnv(lk.entropy(x, { cols, temperature: 0.9 })),
    argmax: fnv(lk.argmax(x, { cols })),
    sigmoid: fnv(lk.sigmoid(x)),
    exp: fnv(lk.exp(x)),
    log: fnv(lk.log(absx)),
    cross_entropy: (() => {
      const finite = x.slice();
      finite[cols + 5] = 0;
      const labels = Int32Array.from({ length: rows }, (_, r) => (r * 977) % cols);
      return fnv(new Float64Array([lk.crossEntropy(finite, labels, { labelSmoothing: 0.1 })]));
    })(),
    linear: fnv(lk.linear(x.subarray(0, 97 * 41), x.subarray(97 * 41, 97 * 41 + rows * 41), { inFeatures: 41 })),
  };
}

test('native, wasm SIMD and wasm baseline agree bit for bit', async () => {
  const nativeOut = execFileSync(new URL('../../build/native/lk_digest', import.meta.url).pathname, { encoding: 'utf8' });
  const native = Object.fromEntries(nativeOut.trim().split('\n').map((l) => l.split(' ')));
  const simd = digests(await load({ simd: true }));
  const baseline = digests(await load({ simd: false }));
  assert.deepEqual(simd, native);
  assert.deepEqual(baseline, native);
});
