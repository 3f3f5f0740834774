// The weight kernel check of tests/webgpu/weights.test.mjs, browser-safe: it
// runs in Node on Dawn and in Chromium on navigator.gpu. `bytes`: the file
// build/native/lk_weight_vectors writes (layout there); `shader`: the text
// of src/webgpu/sampler_weight.wgsl.
import { runCompute } from './compute.mjs';

export function parseVectors(bytes) {
  const words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const table = words.slice(0, 128);
  const cases = [];
  let at = 128;
  while (at < words.length) {
    const t = new Float64Array(words.slice(at, at + 2).buffer)[0];
    const params = words.slice(at + 2, at + 10);
    const n = words[at + 10];
    const z = words.slice(at + 11, at + 11 + n);
    const w = words.slice(at + 11 + n, at + 11 + 2 * n);
    cases.push({ t, params, n, z, w });
    at += 11 + 2 * n;
  }
  return { table, cases };
}

// The formula with WGSL's f32 operations (what a shader would naturally write).
export const floatShaderOf = (shader) => shader.replace(/fn sampler_weight\(x: u32\) -> u32 \{[\s\S]*?\n\}\n/, `fn sampler_weight(x: u32) -> u32 {
  let f = bitcast<f32>(x);
  let neg_m = bitcast<f32>(params[0]); let kt = bitcast<f32>(params[1]);
  let inv_t = bitcast<f32>(params[5]); let one = bitcast<f32>(params[6]); let lo = bitcast<f32>(params[7]);
  let magic = 12582912.0;
  let s0 = f + neg_m;
  let dead = s0 < lo;
  let s = min(max(s0, lo), one);
  let jm = bitcast<f32>(bitcast<u32>(s * kt) & ~1u) + magic;
  let j = bitcast<u32>(jm) - bitcast<u32>(magic);
  let jf = jm - magic;
  var d = jf * bitcast<f32>(params[2]) + s;
  d = jf * bitcast<f32>(params[3]) + d;
  d = jf * bitcast<f32>(params[4]) + d;
  let db = bitcast<u32>(d * inv_t) & ~1u;
  let hi = bitcast<f32>(db & 0xfffff000u);
  let p = 1.0 + (hi * hi * 0.5 + bitcast<f32>(db));
  let wj = bitcast<u32>(bitcast<f32>(params[9u + (j & 127u)]) * p) + (u32(i32(j) >> 7u) << 23u);
  return select(wj, 0u, dead);
}
`);
// The same f32 formula with IEEE float32 operations as JavaScript performs
// them (Math.fround: nearest even, nothing fused or reassociated): it must
// give the wasm bits, or the f32 shader above would not be a faithful copy.
function floatFormulaInJs(table, c) {
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const F = (b) => { u[0] = b; return f[0]; }, B = (x) => { f[0] = x; return u[0]; }, R = Math.fround;
  const [negM, kt, c0, c1, c2, invT, one, lo] = [...c.params].map(F);
  let count = 0;
  for (let i = 0; i < c.n; ++i) {
    const s0 = R(F(c.z[i]) + negM);
    const s1 = s0 > lo ? s0 : lo, s = s1 < one ? s1 : one;
    const jm = R(F(B(R(s * kt)) & ~1) + 12582912);
    const j = (B(jm) - 0x4b400000) | 0;
    const jf = R(jm - 12582912);
    let d = R(R(jf * c0) + s);
    d = R(R(jf * c1) + d);
    d = R(R(jf * c2) + d);
    const db = B(R(d * invT)) & ~1;
    const hi = F(db & 0xfffff000);
    const p = R(1 + R(R(R(hi * hi) * 0.5) + F(db >>> 0)));
    const w = s0 < lo ? 0 : (B(R(F(table[j & 127]) * p)) + ((j >> 7) << 23)) >>> 0;
    count += w !== c.w[i];
  }
  return count;
}

// (t + 1.5·2^23) − 1.5·2^23 for a small t: 0 when each operation rounds, t
// when the compiler simplifies the pair away.
const probeShader = `@group(0) @binding(0) var<storage, read> t: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn probe(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < 64u) { let m = t[id.x] + 12582912.0; out[id.x] = m - 12582912.0; }
}`;

export const TIE_RULE = 'if (round_bits == 0x40u) { sig = sig & ~1u; }';
export const halfUpShaderOf = (shader) => shader.replace(TIE_RULE, '');

async function differ(device, code, { table, cases }) {
  const out = [];
  for (const c of cases) {
    const params = new Uint32Array(9 + 128);
    params.set(c.params, 0);
    params[8] = c.n;
    params.set(table, 9);
    const w = await runCompute(device, code, 'weights_main', [params, c.z, new Uint32Array(c.n)], c.n);
    let count = 0;
    for (let i = 0; i < c.n; ++i) count += w[i] !== c.w[i];
    out.push({ t: c.t, n: c.n, differ: count });
  }
  return out;
}


// Every count the test asserts or prints.
export async function checkWeights(device, shader, vectors) {
  const sum = (rows) => rows.reduce((a, r) => a + r.differ, 0);
  const soft = await differ(device, shader, vectors);
  const halfUp = await differ(device, halfUpShaderOf(shader), vectors);
  const float = await differ(device, floatShaderOf(shader), vectors);
  const floatJs = vectors.cases.reduce((a, c) => a + floatFormulaInJs(vectors.table, c), 0);
  const t = new Uint32Array(new Float32Array(64).fill(0.125).buffer);
  const probed = new Float32Array((await runCompute(device, probeShader, 'probe', [t, new Uint32Array(64)], 64)).buffer)[0];
  return {
    values: vectors.cases.reduce((a, c) => a + c.n, 0),
    soft: soft.map(({ t, n, differ }) => ({ t, n, differ })),
    softDiffer: sum(soft), halfUpDiffer: sum(halfUp), floatDiffer: sum(float), floatJs, probed,
    shaderHasTieRule: shader.includes(TIE_RULE),
  };
}
