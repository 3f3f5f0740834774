// Checks what the bit-for-bit promise needs of the shipped wasm, on every
// instruction of every function as wabt decodes them (a byte scan would
// misread immediates):
//   - no relaxed-SIMD instruction (0xFD 0x100–0x113: relaxed madd/nmadd are
//     fused multiply-adds, the others have results the engine chooses), so no
//     FMA either (core wasm has no other);
//   - the baseline module has no SIMD instruction at all;
//   - no math from JS: no imported function takes or returns a float (every
//     Math.* and libm function does; Emscripten minifies import names to
//     a.a, a.b, …, so the signature is what tells), and no import is named
//     like one.
// The decoder is wabt's binary reader (the `wabt` npm package, wabt.js, a
// pinned devDependency), with every feature it knows turned on, relaxed SIMD
// included, and without validation, so that it names each instruction it
// reads, even in a doctored module; an opcode it does not know fails the
// check (wabt.js 1.0.39 reads 0xFD 0x100–0x113 by name with its relaxed_simd
// flag, and fails on them without it). Tried for this and not taken: @webassemblyjs/wasm-parser 1.14.1
// stops at the first 0xFD opcode of either module ("Unexpected instruction:
// 0xfd"), and binaryen 132.0.0 (104 MB installed) reads a valid module with
// f32x4.relaxed_madd but rejects the self-test's doctored one (its reader
// builds an IR, and a madd with an add's two operands is no valid IR).
// Run by scripts/test.sh on dist/*.wasm. `--self-test` doctors the SIMD
// module (an f32x4.add made relaxed_madd, or an opcode no proposal has; an
// `env.exp` (f64) -> f64 import added; the SIMD module checked as if it were
// the baseline) and fails unless each doctored module is caught.
//
//   node scripts/check-wasm.mjs [--self-test] [file.wasm ...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import initWabt from 'wabt';

const wabt = await initWabt();
const ALL_FEATURES = Object.fromEntries(Object.keys(wabt.FEATURES).map((f) => [f, true]));

// Math.* and libm names (after any leading underscores), and the prefixes
// older Emscripten used for Math imports.
const MATH_NAMES = new Set(['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'clz32', 'cos', 'cosh',
  'exp', 'exp2', 'exp10', 'expm1', 'floor', 'fma', 'fmod', 'fround', 'hypot', 'imul', 'ldexp', 'lgamma', 'log', 'log10', 'log1p', 'log2',
  'max', 'min', 'pow', 'random', 'remainder', 'round', 'sign', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'tgamma', 'trunc', 'erf', 'erfc']
  .flatMap((n) => [n, `${n}f`, `${n}l`]));
const MATH_PREFIX = /^(math[_.]|emscripten_math_)/i;
// Every 0xFD instruction is named v128.* or after its lane shape.
const SIMD_NAME = /^(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\./;
const isRelaxed = (op) => SIMD_NAME.test(op) && op.includes('.relaxed_');
const FMA = new Set(['f32x4.relaxed_madd', 'f32x4.relaxed_nmadd', 'f64x2.relaxed_madd', 'f64x2.relaxed_nmadd']);

/** wabt's text of a module, one instruction a line (nothing folded). */
function text(bytes) {
  // check: true (wabt.js's default, said here because false would return what
  // was read before an error: a module cut short at an unknown opcode). It is
  // not validation: that is WasmModule.validate(), never called.
  // A copy of its own: wabt.js 1.0.39 reads a typed array's whole underlying
  // buffer (buf.buffer.byteLength), and a small file's Buffer from
  // readFileSync sits inside a larger pooled one.
  const m = wabt.readWasm(Uint8Array.from(bytes).buffer, { readDebugNames: false, check: true, ...ALL_FEATURES });
  try { return m.toText({ foldExprs: false, inlineExport: false }); } finally { m.destroy(); }
}

const sig = (s) => ({ params: [...s.matchAll(/\(param ([^)]*)\)/g)].flatMap((p) => p[1].split(' ')),
  results: [...s.matchAll(/\(result ([^)]*)\)/g)].flatMap((p) => p[1].split(' ')) });
const unquote = (s) => s.replace(/\\([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

/** Decodes a module: its imports (with signatures), instruction counts by name, SIMD ones, target features. */
export function inspect(bytes) {
  const types = [], imports = [], ops = new Map();
  let functions = 0, inFunc = false;
  for (const line of text(bytes).split('\n')) {
    let m;
    if ((m = /^  \(type \(;\d+;\) \(func(.*)\)\)$/.exec(line))) types.push(sig(m[1]));
    else if ((m = /^  \(import "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)" \((\w+) \(;\d+;\)(.*)\)\)$/.exec(line))) {
      const imp = { module: unquote(m[1]), field: unquote(m[2]), kind: m[3] === 'func' ? 'function' : m[3] };
      const t = /\(type (\d+)\)/.exec(m[4]);
      if (m[3] === 'func' || m[3] === 'tag') imp.type = t ? types[+t[1]] : sig(m[4]);
      if (m[3] === 'global') imp.type = { params: [], results: [m[4].replace(/[()]|mut/g, '').trim()] };
      imports.push(imp);
    } else if (/^  \(func /.test(line)) { functions++; inFunc = true; }
    else if (/^  \S/.test(line)) inFunc = false;
    else if (inFunc && (m = /^ {4,}([a-z][\w.]*)/.exec(line))) ops.set(m[1], (ops.get(m[1]) ?? 0) + 1);
  }
  const simd = new Map([...ops].filter(([op]) => SIMD_NAME.test(op)));
  return { imports, functions, ops, simd, features: targetFeatures(bytes) };
}

/** Problems that break the promise, as sentences; [] when none. */
export function problems(bytes, { baseline }) {
  const { imports, simd, features } = inspect(bytes);
  const out = [];
  for (const [op, n] of simd) if (isRelaxed(op)) out.push(`${n} × ${op}${FMA.has(op) ? ' (FMA)' : ''} (relaxed SIMD)`);
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
  const found = problemsOrUnread(bytes, { baseline });
  if (found[0]?.startsWith('not decoded')) { console.log(`FAIL ${basename(file)}: ${found[0]}`); return found; }
  const { imports, functions, ops, simd } = inspect(bytes);
  const count = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  const fnImports = imports.filter((i) => i.kind === 'function');
  const floatImports = fnImports.filter((i) => [...i.type.params, ...i.type.results].some((t) => t !== 'i32' && t !== 'i64')).length;
  console.log(`${found.length ? 'FAIL' : 'ok  '} ${basename(file)}: ${functions} functions, ${count(ops)} instructions decoded; ` +
    `${count(simd)} SIMD (${simd.size} kinds), ${[...simd].filter(([op]) => isRelaxed(op)).reduce((a, [, n]) => a + n, 0)} relaxed; ` +
    `${fnImports.length} imported functions, ${floatImports} with a float in the signature`);
  for (const p of found) console.log(`       ${p}`);
  return found;
}

// ---- sections: the target_features custom section, and the self-test's doctoring ----
const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const str = (s) => [...leb(Buffer.byteLength(s)), ...Buffer.from(s)];
function u32(b, at) { // [value, next position]
  let v = 0, shift = 0, x;
  do { x = b[at++]; v += (x & 0x7f) * 2 ** shift; shift += 7; } while (x & 0x80);
  return [v, at];
}
/** Sections as { id, start, end } (payload bounds), in file order. */
function sections(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a wasm module');
  const out = [];
  for (let at = 8, size; at < bytes.length; at += size) {
    const id = bytes[at];
    [size, at] = u32(bytes, at + 1);
    out.push({ id, start: at, end: at + size });
  }
  return out;
}
function targetFeatures(bytes) {
  for (const s of sections(bytes).filter((s) => s.id === 0)) {
    let [n, at] = u32(bytes, s.start);
    if (Buffer.from(bytes.subarray(at, at + n)).toString() !== 'target_features') continue;
    const features = [];
    [n, at] = u32(bytes, at + n);
    for (let i = 0, len; i < n; i++) {
      const prefix = String.fromCharCode(bytes[at]);
      [len, at] = u32(bytes, at + 1);
      features.push(prefix + Buffer.from(bytes.subarray(at, at + len)).toString());
      at += len;
    }
    return features;
  }
  return null;
}

// The first f32x4.add (0xFD 0xE4 0x01) of the code section becomes
// f32x4.relaxed_madd (0xFD 0x85 0x02): two bytes patched, same length. The
// same three bytes can sit inside an immediate, so a patch counts only when
// the decoded module then has one add less and one relaxed_madd more.
function firstAdd(bytes) { // the position of that 0xE4 0x01
  const code = sections(bytes).find((s) => s.id === 10);
  const count = (ops, op) => ops.get(op) ?? 0;
  const before = inspect(bytes).ops;
  for (let at = code.start + 1; at + 1 < code.end; at++) {
    if (bytes[at - 1] !== 0xfd || bytes[at] !== 0xe4 || bytes[at + 1] !== 0x01) continue;
    const after = inspect(patched(bytes, at, [0x85, 0x02])).ops;
    if (count(after, 'f32x4.relaxed_madd') === count(before, 'f32x4.relaxed_madd') + 1 &&
        count(after, 'f32x4.add') === count(before, 'f32x4.add') - 1) return at;
  }
  throw new Error('self-test: no f32x4.add to patch in the SIMD module');
}
const patched = (bytes, at, with_) => { const out = Uint8Array.from(bytes); out.set(with_, at); return out; };
export const withRelaxedMadd = (bytes) => patched(bytes, firstAdd(bytes), [0x85, 0x02]);
// 0xFD 0x1FF, an opcode no proposal has: the decoder must fail, not stop early.
export const withUnknownSimd = (bytes) => patched(bytes, firstAdd(bytes), [0xff, 0x03]);

// A new type (f64) -> f64 and a new function import env.exp of that type.
export function withMathImport(bytes) {
  const secs = sections(bytes);
  const types = u32(bytes, secs.find((s) => s.id === 1).start)[0];
  const parts = [bytes.subarray(0, 8)];
  for (const s of secs) {
    let payload = bytes.subarray(s.start, s.end);
    if (s.id === 1 || s.id === 2) {
      const [count, at] = u32(bytes, s.start);
      const extra = s.id === 1 ? [0x60, 1, 0x7c, 1, 0x7c] : [...str('env'), ...str('exp'), 0x00, ...leb(types)];
      payload = Uint8Array.from([...leb(count + 1), ...bytes.subarray(at, s.end), ...extra]);
    }
    parts.push(Uint8Array.from([s.id, ...leb(payload.length)]), payload);
  }
  return Buffer.concat(parts);
}

// problems(), with a module wabt cannot read as one more problem.
function problemsOrUnread(bytes, options) {
  try { return problems(bytes, options); } catch (e) { return [`not decoded: ${String(e.message ?? e).replace(/\s+/g, ' ').trim()}`]; }
}

function selfTest(simdFile) {
  const bytes = readFileSync(simdFile);
  let ok = true;
  for (const [what, doctored, baseline, expect] of [
    ['an f32x4.add patched into f32x4.relaxed_madd', withRelaxedMadd(bytes), false, /relaxed_madd/],
    ['an f32x4.add patched into the unknown opcode 0xFD 0x1FF', withUnknownSimd(bytes), false, /not decoded.*unexpected opcode/],
    ['an import env.exp: (f64) -> f64 added', withMathImport(bytes), false, /env\.exp/],
    ['the SIMD module checked as the baseline', bytes, true, /SIMD instructions in the baseline/],
  ]) {
    const found = problemsOrUnread(doctored, { baseline });
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
