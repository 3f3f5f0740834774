// The Logitkit object: one instantiated wasm module, with typed-array in,
// typed-array out entry points. Validation of types and ranges happens here;
// the C++ core validates data (NaN, labels) and reports a status code.
import { checkNumber, checkOptions, describe, optionKeys, OPTION_KEYS } from './errors.js';

const disposeSymbol = Symbol.dispose ?? Symbol.for('Symbol.dispose');

// StatusCode values of src/core/status.h.
export const Status = Object.freeze({
  ok: 0, nan: 1, badTemperature: 2, badShape: 3, badLabel: 4, badProbability: 5, badArgument: 6,
  empty: 7, noTokenLeft: 8,
});

/**
 * Float32 storage inside wasm memory. Fill `view` (e.g. from an ONNX Runtime
 * tensor) and pass the buffer to any operation: no copy is made. Call
 * dispose() when done; the view must be re-read after anything that can grow
 * wasm memory, which the `view` getter does for you.
 */
export class LogitBuffer {
  #owner;
  #ptr;
  #length;
  #view = null;

  constructor(owner, length) {
    this.#owner = owner;
    this.#length = length;
    this.#ptr = owner._alloc(length * 4);
    owner._registry.register(this, { ptr: this.#ptr }, this);
  }

  /** Number of float32 elements. */
  get length() {
    return this.#length;
  }

  /** A Float32Array over the buffer's wasm memory (re-taken after memory growth). */
  get view() {
    const heap = this.#owner._heapF32();
    if (this.#view === null || this.#view.buffer !== heap.buffer) {
      this.#view = new Float32Array(heap.buffer, this._ptr('buffer.view'), this.#length);
    }
    return this.#view;
  }

  get disposed() {
    return this.#ptr === 0;
  }

  // The wasm address, for the instance that made the buffer; `name` is the
  // argument the buffer was passed as, for the error.
  _ptr(name = 'buffer', lk = this.#owner) {
    if (lk !== this.#owner) {
      throw new TypeError(`${name} is a LogitBuffer of another logitkit instance (each load() has its own wasm memory): ` +
        'pass a buffer made by this instance, or a Float32Array (copied in)');
    }
    if (this.#ptr === 0) throw new TypeError(`${name} is a LogitBuffer that was disposed: it must not be used after dispose()`);
    return this.#ptr;
  }

  /** True when `lk` made this buffer. */
  _ownedBy(lk) {
    return lk === this.#owner;
  }

  dispose() {
    if (this.#ptr === 0) return;
    this.#owner._registry.unregister(this);
    this.#owner._free(this.#ptr);
    this.#ptr = 0;
    this.#view = null;
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

// Where an operation writes its result (ptr) and how the caller gets it
// (finish()): the caller's LogitBuffer or typed array, or a new typed array.
// A class rather than a closure per call: the bundle keeps function names,
// and naming a new closure costs more than a small operation (~0.4 µs).
class OutputSlot {
  constructor(lk, ptr, length, Type, out) {
    this.lk = lk;
    this.ptr = ptr;
    this.length = length;
    this.Type = Type;
    this.out = out;
  }

  finish() {
    if (this.out instanceof LogitBuffer) return this.out;
    const src = new this.Type(this.lk._m.HEAPU8.buffer, this.ptr, this.length);
    if (this.out === undefined) return src.slice();
    this.out.set(src);
    return this.out;
  }
}

export function checkTemperature(t, name = 'options.temperature') {
  if (t === undefined) return 1;
  if (typeof t !== 'number') throw new TypeError(`${name} must be a number (got ${describe(t)})`);
  if (!(t >= 0) || t === Infinity) {
    throw new RangeError(`${name} must be a finite number >= 0 (0 = greedy), got ${t}`);
  }
  return t;
}

const ROW_KEYS = {
  softmax: optionKeys('softmax', ['cols', 'temperature', 'out']),
  logSoftmax: optionKeys('logSoftmax', ['cols', 'temperature', 'out']),
  logsumexp: optionKeys('logsumexp', ['cols', 'temperature', 'out']),
  entropy: optionKeys('entropy', ['cols', 'temperature', 'out']),
};
const ARGMAX_KEYS = optionKeys('argmax', ['cols', 'out']);
// Element-wise ops (this file's and classify.js's) take only `out`; logit adds eps.
export const ELEMENTWISE_KEYS = new Set(['out']);
for (const op of ['sigmoid', 'exp', 'log', 'softplus', 'logSigmoid', 'log1mSigmoid']) optionKeys(op, ELEMENTWISE_KEYS);
const LOGIT_KEYS = optionKeys('logit', ['out', 'eps']);
const LINEAR_KEYS = optionKeys('linear', ['inFeatures', 'bias', 'out']);

export class Logitkit {
  constructor(module, simd) {
    this._m = module;
    this._simd = simd;
    this._scratch = [];
    // The safety net for objects dropped without dispose(): a held value is
    // { ptr } (memory from _alloc) or { handle } (an embind object to delete).
    // It never references the object itself, or that object would never be
    // collected.
    this._registry = new FinalizationRegistry((held) => {
      if (held.handle) held.handle.delete();
      else this._free(held.ptr);
    });
  }

  // Every method's option names (internal; tests/js/option-keys.test.mjs checks them against the .d.ts).
  static get _optionKeys() {
    return OPTION_KEYS;
  }

  /** 'wasm-simd128' or 'scalar'. */
  get backend() {
    return this._m.backendName();
  }

  /** True when the SIMD build is running. */
  get simd() {
    return this._simd;
  }

  /** Allocates a float32 buffer of `length` elements in wasm memory. */
  buffer(length) {
    checkNumber('buffer(length): length', length, { min: 0, max: 2 ** 28, integer: true });
    return new LogitBuffer(this, length);
  }

  // ---- memory plumbing (internal) ----

  _alloc(bytes) {
    const p = this._m.alloc(Math.max(bytes, 16));
    if (p === 0) throw new RangeError(`logitkit: out of wasm memory allocating ${bytes} bytes`);
    return p;
  }

  _free(p) {
    this._m.free(p);
  }

  _heapF32() {
    return this._m.HEAPF32;
  }

  // A reusable scratch region per slot, grown by doubling, never shrunk, so
  // that steady-state calls allocate nothing.
  _scratchPtr(slot, bytes) {
    const s = this._scratch[slot];
    if (s && s.bytes >= bytes) return s.ptr;
    const size = Math.max(64, bytes, s ? s.bytes * 2 : 0);
    if (s) this._free(s.ptr);
    const ptr = this._alloc(size);
    this._scratch[slot] = { ptr, bytes: size };
    return ptr;
  }

  // A Float32Array or LogitBuffer argument as {ptr, length}; typed arrays are
  // copied into scratch `slot`.
  _in(name, x, slot, Type = Float32Array) {
    if (x instanceof LogitBuffer) {
      if (Type !== Float32Array) throw new TypeError(`${name} must be a ${Type.name} (got LogitBuffer)`);
      return { ptr: x._ptr(name, this), length: x.length, buffer: x };
    }
    if (!(x instanceof Type)) {
      const what = Type === Float32Array ? 'a Float32Array or a LogitBuffer' : `an ${Type.name}`;
      throw new TypeError(`${name} must be ${what} (got ${describe(x)})`);
    }
    const ptr = this._scratchPtr(slot, x.length * Type.BYTES_PER_ELEMENT);
    new Type(this._m.HEAPU8.buffer, ptr, x.length).set(x);
    return { ptr, length: x.length, data: x };
  }

  // Where results go: a LogitBuffer (written in place), a caller's
  // Float32Array (copied into after success) or a new Float32Array.
  _out(name, out, length, slot, Type = Float32Array) {
    if (out instanceof LogitBuffer) {
      if (Type !== Float32Array) throw new TypeError(`${name} must be an ${Type.name} (got LogitBuffer)`);
      const ptr = out._ptr(name, this);
      if (out.length !== length) throw new RangeError(`${name} must hold ${length} elements, got ${out.length}`);
      return new OutputSlot(this, ptr, length, Type, out);
    }
    if (out !== undefined && !(out instanceof Type)) {
      const article = /^[AEIOU]/.test(Type.name) ? 'an' : 'a';
      throw new TypeError(`${name} must be ${article} ${Type.name}${Type === Float32Array ? ' or a LogitBuffer' : ''} (got ${describe(out)})`);
    }
    if (out !== undefined && out.length !== length) {
      throw new RangeError(`${name} must hold ${length} elements, got ${out.length}`);
    }
    return new OutputSlot(this, this._scratchPtr(slot, length * Type.BYTES_PER_ELEMENT), length, Type, out);
  }

  // rows × cols from a flat length and options.cols (default: one row).
  _shape(name, length, cols) {
    if (cols === undefined) return { rows: 1, cols: length };
    checkNumber('options.cols', cols, { min: 1, integer: true });
    if (length % cols !== 0) {
      throw new RangeError(`${name}.length (${length}) must be a multiple of options.cols (${cols})`);
    }
    return { rows: length / cols, cols };
  }

  // Turns a core status into a thrown error naming the argument: the one
  // translator (areas pass the names and messages of their arguments in ctx).
  _check(code, ctx = {}) {
    if (code === Status.ok) return;
    const idx = this._m.lastErrorIndex();
    const input = ctx.input ?? 'logits';
    const where = (i) => (ctx.cols ? `${input}[${i}] (row ${Math.floor(i / ctx.cols)}, column ${i % ctx.cols})` : `${input}[${i}]`);
    switch (code) {
      case Status.nan:
        throw new RangeError(`${where(idx)} is NaN; ${input} must not contain NaN`);
      case Status.badTemperature:
        throw new RangeError(ctx.temperature ?? 'options.temperature must be a finite number >= 0');
      case Status.badProbability:
        throw new RangeError(ctx.probability ? ctx.probability(idx) : `${where(idx)} is outside [0, 1]; ${input} must hold probabilities`);
      case Status.badLabel:
        throw new RangeError(ctx.label ? ctx.label(idx) : `${ctx.target ?? 'target'}[${idx}] is out of range`);
      case Status.empty:
        throw new RangeError(ctx.empty ?? `${input} must not be empty`);
      case Status.badShape:
        throw new RangeError(ctx.shape ?? `${input}: sizes do not fit together`);
      case Status.noTokenLeft:
        throw new RangeError(ctx.noTokenLeft ?? 'no token left: every token was masked or filtered');
      default:
        // ctx.other: a message, or a function of the offending index.
        if (typeof ctx.other === 'function') throw new RangeError(ctx.other(idx));
        throw new RangeError(ctx.other ?? `${ctx.op ?? 'logitkit'}: invalid argument (status ${code})`);
    }
  }

  _rowwise(op, x, options, perRow) {
    const o = checkOptions('options', options, ROW_KEYS[op]);
    const t = checkTemperature(o.temperature);
    // The opt-in guard of classify.js (probabilities passed as logits).
    if (this._guardWarn && (op === 'softmax' || op === 'logSoftmax')) this._guardCheck(x, options);
    if (op === 'logsumexp' && t === 0) {
      throw new RangeError('options.temperature must be > 0 for logsumexp (log Σ exp(x/T) has no T = 0 limit)');
    }
    const inp = this._in('logits', x, 0);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    const out = this._out('options.out', o.out, perRow ? rows : inp.length, 1);
    this._check(this._m[op](inp.ptr, out.ptr, rows, cols, t), { cols });
    return out.finish();
  }

  /** softmax(x / T) of each row. */
  softmax(logits, options) {
    return this._rowwise('softmax', logits, options, false);
  }

  /** log softmax(x / T) of each row. */
  logSoftmax(logits, options) {
    return this._rowwise('logSoftmax', logits, options, false);
  }

  /** log Σ exp(x / T) of each row (T > 0). */
  logsumexp(logits, options) {
    return this._rowwise('logsumexp', logits, options, true);
  }

  /** Entropy in nats of softmax(x / T), per row. */
  entropy(logits, options) {
    return this._rowwise('entropy', logits, options, true);
  }

  /** First index of each row's maximum. */
  argmax(logits, options) {
    const o = checkOptions('options', options, ARGMAX_KEYS);
    const inp = this._in('logits', logits, 0);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    const out = this._out('options.out', o.out, rows, 1, Int32Array);
    this._check(this._m._lk_argmax(inp.ptr, out.ptr, rows, cols), { cols, empty: 'logits: argmax of an empty row is undefined' });
    return out.finish();
  }

  _elementwise(op, name, x, options, extra) {
    const o = checkOptions('options', options, extra === undefined ? ELEMENTWISE_KEYS : LOGIT_KEYS);
    const inp = this._in(name, x, 0);
    const out = this._out('options.out', o.out, inp.length, 1);
    const code = extra === undefined ? this._m[op](inp.ptr, out.ptr, inp.length) : this._m[op](inp.ptr, out.ptr, inp.length, extra);
    this._check(code ?? Status.ok, { input: name });
    return out.finish();
  }

  /** σ(x) = 1 / (1 + e^-x), element-wise. */
  sigmoid(logits, options) {
    return this._elementwise('sigmoid', 'logits', logits, options);
  }

  /** log(p / (1 - p)), element-wise; options.eps clamps p to [eps, 1 - eps] first (torch.logit). */
  logit(p, options) {
    const o = checkOptions('options', options, LOGIT_KEYS);
    let eps = -1;
    if (o.eps !== undefined && o.eps !== null) eps = checkNumber('options.eps', o.eps, { min: 0, max: 0.5 });
    return this._elementwise('logit', 'p', p, o, eps);
  }

  /** The project's float32 exp (<= 1 ULP), element-wise. */
  exp(x, options) {
    return this._elementwise('exp', 'x', x, options);
  }

  /** The project's float32 natural log (<= 1 ULP), element-wise. */
  log(x, options) {
    return this._elementwise('log', 'x', x, options);
  }

  /**
   * The LM head: logits = hidden · weightᵀ + bias, with weight
   * [outFeatures × inFeatures] (torch.nn.Linear layout) and hidden
   * [rows × inFeatures].
   */
  linear(weight, hidden, options) {
    const o = checkOptions('options', options, LINEAR_KEYS);
    const inFeatures = checkNumber('options.inFeatures', o.inFeatures, { min: 1, integer: true });
    const w = this._in('weight', weight, 2);
    if (w.length % inFeatures !== 0) {
      throw new RangeError(`weight.length (${w.length}) must be a multiple of options.inFeatures (${inFeatures})`);
    }
    const outFeatures = w.length / inFeatures;
    const h = this._in('hidden', hidden, 3);
    if (h.length % inFeatures !== 0) {
      throw new RangeError(`hidden.length (${h.length}) must be a multiple of options.inFeatures (${inFeatures})`);
    }
    const rows = h.length / inFeatures;
    let bPtr = 0;
    if (o.bias !== undefined) {
      const b = this._in('options.bias', o.bias, 4);
      if (b.length !== outFeatures) throw new RangeError(`options.bias must hold ${outFeatures} elements, got ${b.length}`);
      bPtr = b.ptr;
    }
    const out = this._out('options.out', o.out, rows * outFeatures, 1);
    if (o.out instanceof LogitBuffer && (o.out === hidden || o.out === weight)) {
      throw new RangeError('options.out must not be the weight or hidden buffer');
    }
    this._check(this._m.linear(w.ptr, bPtr, h.ptr, out.ptr, rows, inFeatures, outFeatures));
    return out.finish();
  }
}
