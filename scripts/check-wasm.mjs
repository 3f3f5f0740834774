// Checks what the bit-for-bit promise needs of the shipped wasm, by decoding
// every instruction of every function (a byte scan would misread immediates):
//   - no relaxed-SIMD instruction (0xFD 0x100–0x113: relaxed madd/nmadd are
//     fused multiply-adds, the others have results the engine chooses), so no
//     FMA either (core wasm has no other);
//   - the baseline module has no SIMD instruction at all;
//   - no math from JS: no imported function takes or returns a float (every
//     Math.* and libm function does; Emscripten minifies import names to
//     a.a, a.b, …, so the signature is what tells), and no import is named
//     like one.
// Run by scripts/test.sh on dist/*.wasm. `--self-test` doctors the SIMD
// module (an f32x4.add made relaxed_madd; an `env.exp` (f64) -> f64 import
// added) and fails unless each doctored module is caught.
//
//   node scripts/check-wasm.mjs [--self-test] [file.wasm ...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

const RELAXED = new Map([
  [0x100, 'i8x16.relaxed_swizzle'], [0x101, 'i32x4.relaxed_trunc_f32x4_s'], [0x102, 'i32x4.relaxed_trunc_f32x4_u'],
  [0x103, 'i32x4.relaxed_trunc_f64x2_s_zero'], [0x104, 'i32x4.relaxed_trunc_f64x2_u_zero'],
  [0x105, 'f32x4.relaxed_madd (FMA)'], [0x106, 'f32x4.relaxed_nmadd (FMA)'], [0x107, 'f64x2.relaxed_madd (FMA)'],
  [0x108, 'f64x2.relaxed_nmadd (FMA)'], [0x109, 'i8x16.relaxed_laneselect'], [0x10a, 'i16x8.relaxed_laneselect'],
  [0x10b, 'i32x4.relaxed_laneselect'], [0x10c, 'i64x2.relaxed_laneselect'], [0x10d, 'f32x4.relaxed_min'],
  [0x10e, 'f32x4.relaxed_max'], [0x10f, 'f64x2.relaxed_min'], [0x110, 'f64x2.relaxed_max'],
  [0x111, 'i16x8.relaxed_q15mulr_s'], [0x112, 'i16x8.relaxed_dot_i8x16_i7x16_s'], [0x113, 'i32x4.relaxed_dot_i8x16_i7x16_add_s'],
]);
// Math.* and libm names (after any leading underscores), and the prefixes
// older Emscripten used for Math imports.
const MATH_NAMES = new Set(['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'clz32', 'cos', 'cosh',
  'exp', 'exp2', 'exp10', 'expm1', 'floor', 'fma', 'fmod', 'fround', 'hypot', 'imul', 'ldexp', 'lgamma', 'log', 'log10', 'log1p', 'log2',
  'max', 'min', 'pow', 'random', 'remainder', 'round', 'sign', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tgamma', 'trunc', 'erf', 'erfc']
  .flatMap((n) => [n, `${n}f`, `${n}l`]));
const MATH_PREFIX = /^(math[_.]|emscripten_math_)/i;
const VALTYPE = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) { this.b = bytes; this.pos = pos; this.end = end; }
  byte() {
    if (this.pos >= this.end) throw new Error(`unexpected end at byte ${this.pos}`);
    return this.b[this.pos++];
  }
  u32() {
    let result = 0, shift = 0, b;
    do { b = this.byte(); result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  }
  sleb() { let b; do { b = this.byte(); } while (b & 0x80); } // value not needed
  skip(n) { this.pos += n; if (this.pos > this.end) throw new Error(`unexpected end at byte ${this.pos}`); }
  name() { const n = this.u32(); const s = Buffer.from(this.b.subarray(this.pos, this.pos + n)).toString('utf8'); this.skip(n); return s; }
  valtype() { const t = this.byte(); if (!(t in VALTYPE)) throw new Error(`unknown value type 0x${t.toString(16)} at byte ${this.pos - 1}`); return VALTYPE[t]; }
}

/** Sections as { id, start, end } (payload bounds), in file order. */
function sections(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a wasm module');
  const r = new Reader(bytes, 8);
  const out = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    out.push({ id, start: r.pos, end: r.pos + size, headerStart: out.length ? out.at(-1).end : 8 });
    r.skip(size);
  }
  return out;
}

function blocktype(r) {
  const t = r.b[r.pos];
  if (t === 0x40 || t in VALTYPE) r.pos++;
  else r.sleb(); // a type index (s33)
}

function memarg(r) {
  const align = r.u32();
  if (align & 0x40) r.u32(); // multi-memory: a memory index follows
  r.u32();
}

// Walks one function body's instructions; calls onSimd(subopcode) for each 0xFD op.
function walkBody(r, onSimd) {
  const groups = r.u32();
  for (let i = 0; i < groups; i++) { r.u32(); r.valtype(); }
  let depth = 1;
  while (depth > 0) {
    const op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06) { blocktype(r); depth++; }
    else if (op === 0x0b) depth--;
    else if (op <= 0x01 || op === 0x05 || op === 0x0f || op === 0x19 || op === 0x1a || op === 0x1b || op === 0xd1) { /* no immediate */ }
    else if (op === 0x07 || op === 0x08 || op === 0x09 || op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || op === 0x18 || op === 0xd2 || (op >= 0x20 && op <= 0x26)) r.u32();
    else if (op === 0x0e) { const n = r.u32(); for (let i = 0; i <= n; i++) r.u32(); }
    else if (op === 0x11 || op === 0x13) { r.u32(); r.u32(); }
    else if (op === 0x1c) { const n = r.u32(); for (let i = 0; i < n; i++) r.valtype(); }
    else if (op >= 0x28 && op <= 0x3e) memarg(r);
    else if (op === 0x3f || op === 0x40) r.u32();
    else if (op === 0x41 || op === 0x42) r.sleb();
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op >= 0x45 && op <= 0xc4) { /* numeric, no immediate */ }
    else if (op === 0xd0) blocktype(r); // ref.null: a heap type, encoded like a block type
    else if (op === 0xfc) {
      const sub = r.u32();
      if (sub <= 7) { /* saturating truncations */ }
      else if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { r.u32(); r.u32(); }
      else if (sub <= 17) r.u32();
      else throw new Error(`unknown 0xFC ${sub} at byte ${r.pos}`);
    } else if (op === 0xfd) {
      const sub = r.u32();
      onSimd(sub);
      if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
      else if (sub === 12 || sub === 13) r.skip(16);
      else if (sub >= 21 && sub <= 34) r.skip(1);
      else if (sub >= 84 && sub <= 91) { memarg(r); r.skip(1); }
      else if (sub > 0x113) throw new Error(`unknown 0xFD ${sub} at byte ${r.pos}`);
    } else if (op === 0xfe) {
      const sub = r.u32();
      if (sub === 3) r.skip(1); else memarg(r);
    } else throw new Error(`unknown opcode 0x${op.toString(16)} at byte ${r.pos - 1}`);
  }
  if (r.pos !== r.end) throw new Error(`function body ends at byte ${r.pos}, its size says ${r.end}`);
}

/** Decodes a module: its imports (with signatures), SIMD and relaxed-SIMD instruction counts, target features. */
export function inspect(bytes) {
  const types = [];
  const imports = [];
  const simd = new Map();
  let functions = 0;
  let features = null;
  for (const s of sections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    if (s.id === 0) {
      const name = r.name();
      if (name === 'target_features') {
        features = [];
        for (let n = r.u32(), i = 0; i < n; i++) features.push(String.fromCharCode(r.byte()) + r.name());
      }
    } else if (s.id === 1) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        if (r.byte() !== 0x60) throw new Error('type section: only function types are expected');
        const params = Array.from({ length: r.u32() }, () => r.valtype());
        const results = Array.from({ length: r.u32() }, () => r.valtype());
        types.push({ params, results });
      }
    } else if (s.id === 2) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const module = r.name(), field = r.name(), kind = r.byte();
        const imp = { module, field, kind: ['function', 'table', 'memory', 'global', 'tag'][kind] };
        if (kind === 0) imp.type = types[r.u32()];
        else if (kind === 1) { r.valtype(); const f = r.u32(); r.u32(); if (f & 1) r.u32(); }
        else if (kind === 2) { const f = r.u32(); r.u32(); if (f & 1) r.u32(); }
        else if (kind === 3) { imp.type = { params: [], results: [r.valtype()] }; r.byte(); }
        else if (kind === 4) { r.byte(); imp.type = types[r.u32()]; }
        imports.push(imp);
      }
    } else if (s.id === 10) {
      functions = r.u32();
      for (let i = 0; i < functions; i++) {
        const size = r.u32();
        walkBody(new Reader(bytes, r.pos, r.pos + size), (sub) => simd.set(sub, (simd.get(sub) ?? 0) + 1));
        r.skip(size);
      }
    }
  }
  return { imports, functions, simd, features };
}

/** Problems that break the promise, as sentences; [] when none. */
export function problems(bytes, { baseline }) {
  const { imports, simd, features } = inspect(bytes);
  const out = [];
  for (const [sub, n] of simd) {
    if (RELAXED.has(sub)) out.push(`${n} × ${RELAXED.get(sub)} (relaxed SIMD, opcode 0xFD 0x${sub.toString(16)})`);
  }
  const simdCount = [...simd.values()].reduce((a, b) => a + b, 0);
  if (baseline && simdCount) out.push(`${simdCount} SIMD instructions in the baseline module (it must run where WebAssembly has no SIMD)`);
  if (features?.some((f) => /relaxed/.test(f) && f[0] === '+')) out.push(`target_features lists ${features.filter((f) => /relaxed/.test(f)).join(', ')}`);
  for (const imp of imports) {
    const where = `import ${imp.module}.${imp.field}`;
    const name = imp.field.replace(/^_+/, '');
    if (MATH_NAMES.has(name.toLowerCase()) || MATH_PREFIX.test(name)) out.push(`${where} is named like a math function`);
    if (imp.kind === 'function' && [...imp.type.params, ...imp.type.results].some((t) => t === 'f32' || t === 'f64' || t === 'v128')) {
      out.push(`${where} (${imp.type.params.join(', ')}) -> (${imp.type.results.join(', ')}) passes floats to or from JS`);
    }
  }
  return out;
}

function check(file, bytes = readFileSync(file)) {
  const baseline = /baseline/.test(basename(file));
  const { imports, functions, simd } = inspect(bytes);
  const found = problems(bytes, { baseline });
  const simdCount = [...simd.values()].reduce((a, b) => a + b, 0);
  const fnImports = imports.filter((i) => i.kind === 'function');
  const floatImports = fnImports.filter((i) => [...i.type.params, ...i.type.results].some((t) => t !== 'i32' && t !== 'i64')).length;
  console.log(`${found.length ? 'FAIL' : 'ok  '} ${basename(file)}: ${functions} functions decoded; ${simdCount} SIMD instructions ` +
    `(${simd.size} kinds), ${[...simd].filter(([s]) => RELAXED.has(s)).reduce((a, [, n]) => a + n, 0)} relaxed; ` +
    `${fnImports.length} imported functions, ${floatImports} with a float in the signature`);
  for (const p of found) console.log(`       ${p}`);
  return found;
}

// ---- self-test: doctored modules must be caught -----------------------------
const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const str = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s)];

// The first f32x4.add (0xFD 0xE4 0x01) in a function body becomes
// f32x4.relaxed_madd (0xFD 0x85 0x02): two bytes patched, same length.
export function withRelaxedMadd(bytes) {
  const out = Uint8Array.from(bytes);
  const code = sections(out).find((s) => s.id === 10);
  const r = new Reader(out, code.start, code.end);
  for (let n = r.u32(), i = 0; i < n; i++) {
    const size = r.u32();
    const body = new Reader(out, r.pos, r.pos + size);
    let at = -1;
    walkBody(body, (sub) => { if (sub === 0xe4 && at < 0) at = body.pos - 2; });
    if (at >= 0) { out[at] = 0x85; out[at + 1] = 0x02; return out; }
    r.skip(size);
  }
  throw new Error('self-test: no f32x4.add to patch in the SIMD module');
}

// A new type (f64) -> f64 and a new function import env.exp of that type.
export function withMathImport(bytes) {
  const secs = sections(bytes);
  const parts = [bytes.subarray(0, 8)];
  for (const s of secs) {
    let payload = bytes.subarray(s.start, s.end);
    if (s.id === 1 || s.id === 2) {
      const r = new Reader(bytes, s.start, s.end);
      const count = r.u32();
      const rest = bytes.subarray(r.pos, s.end);
      const extra = s.id === 1 ? [0x60, 1, 0x7c, 1, 0x7c] : [...str('env'), ...str('exp'), 0x00, ...leb(typeCount(bytes, secs))];
      payload = Uint8Array.from([...leb(count + 1), ...rest, ...extra]);
    }
    parts.push(Uint8Array.from([s.id, ...leb(payload.length)]), payload);
  }
  return Buffer.concat(parts);
}
const typeCount = (bytes, secs) => new Reader(bytes, secs.find((s) => s.id === 1).start).u32();

function selfTest(simdFile) {
  const bytes = readFileSync(simdFile);
  let ok = true;
  for (const [what, doctored, expect] of [
    ['an f32x4.add patched into f32x4.relaxed_madd', withRelaxedMadd(bytes), /relaxed_madd/],
    ['an import env.exp: (f64) -> f64 added', withMathImport(bytes), /env\.exp/],
  ]) {
    const found = problems(doctored, { baseline: false });
    const caught = found.some((p) => expect.test(p));
    ok &&= caught;
    console.log(`${caught ? 'ok  ' : 'FAIL'} self-test, ${what}: ${caught ? 'caught' : 'NOT caught'} — ${found.join('; ') || 'no problem reported'}`);
  }
  return ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runSelfTest = args.includes('--self-test');
  const files = args.filter((a) => a !== '--self-test');
  if (files.length === 0) files.push(...['logitkit-simd.wasm', 'logitkit-baseline.wasm'].map((f) => new URL(`../dist/${f}`, import.meta.url).pathname));
  let failed = false;
  for (const f of files) failed = check(f).length > 0 || failed;
  if (runSelfTest) failed = !selfTest(files.find((f) => !/baseline/.test(basename(f))) ?? files[0]) || failed;
  if (failed) {
    console.log('check-wasm: FAILED (a relaxed-SIMD/FMA instruction, SIMD in the baseline module, or math imported from JS breaks bit-identical results across engines)');
    process.exit(1);
  }
}
