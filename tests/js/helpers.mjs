// Shared by the JS suites: which build to load (LK_SIMD=1|0, set by
// scripts/test.sh so every suite runs once per wasm module), float64
// references, ULP distances and a seeded generator.
import { load } from '../../dist/index.mjs';

export const simd = process.env.LK_SIMD !== '0';
export const lkPromise = load({ simd });

export function ulpOf(ref) {
  const f = Math.fround(Math.abs(ref));
  const a = new Float32Array([f]);
  const b = new Uint32Array(a.buffer);
  if (f === Infinity) return Infinity;
  b[0] += 1;
  const next = a[0];
  return next - f || 2 ** -149;
}

export function ulpError(got, ref) {
  if (Number.isNaN(ref) || Number.isNaN(got)) return Number.isNaN(ref) && Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(ref) || !Number.isFinite(got)) return got === ref || Math.fround(ref) === got ? 0 : Infinity;
  return Math.abs(got - ref) / ulpOf(ref);
}

// Mulberry32-free, exact: a 53-bit LCG in BigInt would be slow; xorshift128+ in doubles is enough for test data.
export function rng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  return {
    uniform: next,
    normal: () => Math.sqrt(-2 * Math.log(next() + 1e-300)) * Math.cos(2 * Math.PI * next()),
  };
}

// float64 references from float32 inputs.
export function refSoftmaxRow(x, t = 1) {
  let m = -Infinity;
  for (const v of x) m = Math.max(m, v);
  let s = 0;
  for (const v of x) s += Math.exp((v - m) / t);
  const lse = Math.log(s);
  const logp = Array.from(x, (v) => (v - m) / t - lse);
  return { logp, p: logp.map(Math.exp), lse: m / t + lse };
}

// The fixed inputs of the bit-exactness tests (tests/tools/digest.cpp and
// tests/cpp/classify/test_classify_bitexact.cpp generate the same): xorshift32 values
// in [-20, 20), rounded to float32.
export function xorshiftFloats(n) {
  let s = 2463534242;
  const next = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return Math.fround(((s >>> 8) / 16777216 - 0.5) * 40);
  };
  return Float32Array.from({ length: n }, next);
}
