// The Logitkit object: one instantiated wasm module and the plumbing every
// area uses (wasm memory, buffers (buffer.js), scratch regions, arguments in and results
// out, status codes to errors). The operations themselves are areas installed
// on it (areas.js): rows.js, losses.js, calibration.js, classify.js,
// sampler.js, scoring.js. Validation of types and ranges happens in JS; the
// C++ core validates data (NaN, labels) and reports a status code.
import { LogitBuffer } from './buffer.js';
import { checkNumber, describe, OPTION_KEYS } from './errors.js';

// StatusCode values of src/core/status.h that every area translates (the
// sampler reads its own from the module's schema; a test checks these against it).
export const Status = Object.freeze({
  ok: 0, nan: 1, badTemperature: 2, badShape: 3, badLabel: 4, badProbability: 5, badArgument: 6,
  empty: 7, noTokenLeft: 8,
});

// Where an operation writes its result (ptr) and how the caller gets it
// (finish()): the caller's LogitBuffer or typed array, or a new typed array.
// A class rather than a closure per call: no allocation of a function per
// operation on the hot path.
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


// A typed array over a detached ArrayBuffer (e.g. a LogitBuffer's view read
// before wasm memory grew) has length 0 and can be neither read nor written:
// a TypeError naming the argument, not an empty input or the engine's error.
// Only length-0 arrays can be detached, and only a detached buffer refuses a
// new view (Node 20 has no ArrayBuffer.prototype.detached).
export function checkAttached(name, x) {
  if (x.buffer.byteLength !== 0) return;
  try {
    new Uint8Array(x.buffer);
  } catch {
    throw new TypeError(`${name} is a view of a detached ArrayBuffer (a LogitBuffer's view read before wasm memory grew?): ` +
      'read buffer.view again, or pass the LogitBuffer itself');
  }
}

// The bundle is minified without keeping names (the download budget): the
// public classes keep theirs explicitly, for messages, logs and debuggers.
export function keepName(cls, name) {
  Object.defineProperty(cls, 'name', { value: name });
}

export class Logitkit {
  constructor(module, simd) {
    this._m = module;
    this._simd = simd;
    this._scratch = [];
    // The safety net for objects dropped without dispose(): a held value is
    // { ptr } (memory from _alloc) or { handle } (an embind object to delete).
    // It never references the object itself, or that object would never be
    // collected. An engine without FinalizationRegistry still runs
    // logitkit, without the net: what is not disposed stays allocated
    // (tests/runtimes/capabilities.mjs).
    this._registry = typeof FinalizationRegistry == 'function'
      ? new FinalizationRegistry((held) => {
        if (held.handle) held.handle.delete();
        else this._free(held.ptr);
      })
      : { register() {}, unregister() {} };
  }

  // Every method's option names (internal; tests/js/option-keys.test.mjs checks them against the .d.ts).
  static get _optionKeys() {
    return OPTION_KEYS;
  }

  // The status codes above (internal; tests/js/sampler-schema.test.mjs checks them against the module's).
  static get _status() {
    return Status;
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
    if (x.length === 0) checkAttached(name, x);
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
    if (out !== undefined && out.length === 0) checkAttached(name, out);
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
}
keepName(Logitkit, 'Logitkit');
keepName(LogitBuffer, 'LogitBuffer');
