// Run by Deno and Bun (tests/runtimes/deno-bun.sh) in a project where the
// packed tarball is installed: the ESM entry with each build, the CommonJS
// entry through require, and every adapter entry point that needs no peer
// package, as a user of that runtime imports them. Softmax is checked against
// a float64 reference; each adapter against values worked out by hand.
import { load, simdSupported } from 'logitkit';
import { logitsProcessor } from 'logitkit/transformers';
import { logitProcessor } from 'logitkit/webllm';
import { lastLogits } from 'logitkit/onnx';
import { grammarSampler, allowedCount } from 'logitkit/xgrammar';
import { createRequire } from 'node:module';

const runtime = typeof Deno === 'object' ? `Deno ${Deno.version.deno}` : typeof Bun === 'object' ? `Bun ${Bun.version}` : null;
if (!runtime) throw new Error('entry.mjs runs under Deno or Bun');

function checkSoftmax(p, how) {
  const x = [4.5, -1.2, 0.8];
  const m = Math.max(...x);
  const s = x.reduce((a, v) => a + Math.exp(v - m), 0);
  x.forEach((v, i) => {
    const ref = Math.exp(v - m) / s;
    if (!(Math.abs(p[i] - ref) <= 4e-7 * ref)) throw new Error(`${runtime}, ${how}: softmax[${i}] = ${p[i]}, expected ${ref}`);
  });
  console.log(`${runtime}, ${how}: softmax ok`, Array.from(p, (v) => v.toFixed(6)).join(' '));
}

// Both engines have WebAssembly SIMD, so load() must pick the SIMD build.
if (simdSupported() !== true) throw new Error(`${runtime}: simdSupported() is ${simdSupported()}`);
const lk = await load();
if (lk.simd !== true || lk.backend !== 'wasm-simd128') throw new Error(`${runtime}: load() gave ${lk.backend}`);
checkSoftmax(lk.softmax(new Float32Array([4.5, -1.2, 0.8])), `ESM import, load() (${lk.backend})`);
const base = await load({ simd: false });
if (base.simd !== false || base.backend !== 'scalar') throw new Error(`${runtime}: load({ simd: false }) gave ${base.backend}`);
checkSoftmax(base.softmax(new Float32Array([4.5, -1.2, 0.8])), `ESM import, load({ simd: false }) (${base.backend})`);

const cjs = createRequire(import.meta.url)('logitkit');
const viaRequire = await cjs.load();
checkSoftmax(viaRequire.softmax(new Float32Array([4.5, -1.2, 0.8])), `CommonJS require (${viaRequire.backend})`);

// Deno also resolves npm: specifiers to the installed package (no registry).
if (typeof Deno === 'object') {
  const viaNpm = await import('npm:logitkit');
  if (viaNpm.load !== load) throw new Error('Deno: npm:logitkit is not the installed package');
  console.log(`${runtime}: import('npm:logitkit') is the installed package`);
}

// The adapters (the same checks as tests/package/pack-test.sh's adapters.mjs).
const tensor = { data: new Float32Array([0, 1, 2, 3, 4, 5]), dims: [1, 2, 3], type: 'float32' };
const [row] = lastLogits(tensor);
if (row.buffer !== tensor.data.buffer || row.join() !== '3,4,5') throw new Error(`${runtime}, onnx: last row ${row.join()}`);
const p = logitsProcessor(lk, { topK: 1 });
p([[0n]], { data: row, dims: [1, 3], type: 'float32' });
if (row.join() !== '-Infinity,-Infinity,0') throw new Error(`${runtime}, transformers: ${row.join()}`);
const w = logitProcessor(lk, { temperature: 0 });
if (w.processLogits(new Float32Array([1, 9, 2])).indexOf(0) !== 1) throw new Error(`${runtime}, webllm`);
// A matcher that allows token 2 only, then ends.
let ended = false;
const matcher = { getNextTokenBitmask: async () => new Int32Array([4]), acceptToken: (t) => (ended = t === 2), isTerminated: () => ended, reset() { ended = false; } };
const g = grammarSampler(lk, matcher, { seed: 1 });
const r = await g.next(new Float32Array([9, 8, 1]));
if (r.token !== 2 || !r.done || allowedCount(r.bitmask, 3) !== 1) throw new Error(`${runtime}, xgrammar: ${r.token}`);
console.log(`${runtime}: logitkit/transformers, logitkit/webllm, logitkit/onnx, logitkit/xgrammar ok`);
