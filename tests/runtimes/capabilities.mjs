// Run by Deno and Bun (tests/runtimes/deno-bun.sh) in a project where the
// packed tarball is installed: an engine without WebAssembly SIMD,
// FinalizationRegistry or Symbol.dispose, faked before logitkit is imported,
// still loads it. load() picks the baseline build, load({ simd: true }) says
// the engine has no SIMD, objects are freed by dispose() and by the
// Symbol.for('Symbol.dispose') key that stands in for Symbol.dispose.
const runtime = typeof Deno === 'object' ? `Deno ${Deno.version.deno}` : typeof Bun === 'object' ? `Bun ${Bun.version}` : null;
if (!runtime) throw new Error('capabilities.mjs runs under Deno or Bun');
const fail = (msg) => { throw new Error(`${runtime}, without SIMD, FinalizationRegistry and Symbol.dispose: ${msg}`); };

// No SIMD: any module with the 0xfd prefix (every SIMD opcode) fails validation.
const validate = WebAssembly.validate;
WebAssembly.validate = (bytes) => {
  const u = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return u.includes(0xfd) ? false : validate(bytes);
};
delete globalThis.FinalizationRegistry;
// Symbol.dispose is non-configurable (and a Proxy may not hide it): the
// global Symbol becomes a function with every static but dispose.
const RealSymbol = Symbol;
const NoDisposeSymbol = function Symbol(description) { return RealSymbol(description); };
for (const k of Object.getOwnPropertyNames(RealSymbol)) {
  if (!['dispose', 'length', 'name', 'prototype'].includes(k)) Object.defineProperty(NoDisposeSymbol, k, Object.getOwnPropertyDescriptor(RealSymbol, k));
}
NoDisposeSymbol.prototype = RealSymbol.prototype;
globalThis.Symbol = NoDisposeSymbol;
if (typeof FinalizationRegistry !== 'undefined' || Symbol.dispose !== undefined || 'dispose' in Symbol) fail('the fakes did not take');
if (validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) !== true) fail('the real validate rejects an empty module');

const { load, simdSupported } = await import('logitkit');
const { logitProcessor } = await import('logitkit/webllm');
const disposeKey = RealSymbol.for('Symbol.dispose');

if (simdSupported() !== false) fail(`simdSupported() is ${simdSupported()}`);
const lk = await load();
if (lk.simd !== false || lk.backend !== 'scalar') fail(`load() picked ${lk.backend}, not the baseline build`);
const p = lk.softmax(new Float32Array([4.5, -1.2, 0.8]));
const e = [4.5, -1.2, 0.8].map((v) => Math.exp(v - 4.5));
const s = e.reduce((a, v) => a + v, 0);
e.forEach((v, i) => { if (!(Math.abs(p[i] - v / s) <= 4e-7 * (v / s))) fail(`softmax[${i}] = ${p[i]}, expected ${v / s}`); });

let err = null;
try { await load({ simd: true }); } catch (x) { err = x; }
if (!(err instanceof RangeError) || !/options\.simd is true but this engine has no WebAssembly SIMD/.test(err.message)) {
  fail(`load({ simd: true }) gave ${err}`);
}

const buf = lk.buffer(8);
if (typeof buf[disposeKey] !== 'function') fail('a LogitBuffer has no [Symbol.for(\'Symbol.dispose\')]');
buf[disposeKey]();
if (!buf.disposed) fail('[Symbol.for(\'Symbol.dispose\')]() did not dispose the buffer');
const sampler = lk.sampler({ temperature: 0 });
if (sampler.sample(new Float32Array([1, 3, 2])).token !== 1) fail('greedy sampling');
sampler.dispose();
const proc = logitProcessor(lk, { temperature: 0 });
if (typeof proc[disposeKey] !== 'function') fail('logitkit/webllm\'s processor has no [Symbol.for(\'Symbol.dispose\')]');
proc[disposeKey]();

console.log(`${runtime}, without SIMD, FinalizationRegistry and Symbol.dispose: loads the baseline build (${lk.backend}), ` +
  'load({ simd: true }) is a RangeError naming the missing SIMD, dispose() and Symbol.for(\'Symbol.dispose\') free objects');
