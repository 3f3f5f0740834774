// Types for logitkit, part 1: loading, buffers and the row operations.
// dist/index.d.ts is the concatenation of src/js/types/*.d.ts in name order;
// later parts add methods to Logitkit by interface merging
// (`export interface Logitkit { ... }`).
//
// Every array argument is float32 data as a Float32Array
// (copied into wasm memory for the call) or a LogitBuffer (already in wasm
// memory: zero copy). Errors: TypeError for a wrong type, RangeError for a bad
// value; the message names the argument and the rule.

export interface LoadOptions {
  /** true: the SIMD build; false: the baseline build; 'auto' (default): probe the engine. */
  simd?: boolean | 'auto';
  /**
   * Where the .wasm lives: a function from file name ('logitkit-simd.wasm' or
   * 'logitkit-baseline.wasm') to its URL, or the URL of one exact file (then set
   * `simd`). Default: beside the JS file (`new URL(file, import.meta.url)`).
   */
  wasmUrl?: string | URL | ((file: string) => string | URL);
  /** The .wasm bytes themselves (then set `simd`). */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/** Loads logitkit: the SIMD build where the engine supports it, else the baseline. */
export function load(options?: LoadOptions): Promise<Logitkit>;
/** True when this engine validates WebAssembly SIMD (v128) code. */
export function simdSupported(): boolean;

/**
 * `[Symbol.dispose]()`, the same as dispose(), for `using`: present where the
 * program's lib declares Symbol.dispose (target esnext, lib esnext.disposable,
 * Node's types), absent elsewhere. Naming Symbol.dispose directly would not
 * compile under es2022's lib, and declaring it globally would claim the symbol
 * exists where the lib says it does not. At run time the key is Symbol.dispose,
 * or Symbol.for('Symbol.dispose') on engines without it.
 */
export type DisposeMethod = SymbolConstructor extends { readonly dispose: infer K extends symbol }
  ? { [P in K]: () => void }
  : {};

/** Float32 storage in wasm memory; fill `view`, pass the buffer to any operation. */
export class LogitBuffer {
  private constructor();
  /** Number of float32 elements. */
  readonly length: number;
  /** A Float32Array over the buffer (re-taken automatically after wasm memory grows). */
  readonly view: Float32Array;
  readonly disposed: boolean;
  /** Frees the wasm memory; using the buffer afterwards throws a TypeError. */
  dispose(): void;
}
/** Where the lib has Symbol.dispose: `using buf = lk.buffer(n)` disposes it at the end of the scope. */
export interface LogitBuffer extends DisposeMethod {}

export type Floats = Float32Array | LogitBuffer;

export interface RowOptions {
  /** Row length V of a row-major [rows × V] matrix; default: one row of the whole input. */
  cols?: number;
  /** softmax(x / T). 0 = greedy (the maxima share the mass); must be >= 0 and <= 2^64. Default 1. */
  temperature?: number;
}
export interface RowOutOptions<O> extends RowOptions {
  /** Where to write: a Float32Array (filled, returned) or a LogitBuffer (in place, may be the input). */
  out?: O;
}
export interface ElementwiseOptions<O> {
  out?: O;
}

export class Logitkit {
  private constructor();
  /** 'wasm-simd128' or 'scalar' (the baseline build). */
  readonly backend: string;
  /** True when the SIMD build is running. */
  readonly simd: boolean;

  /** Allocates `length` float32 elements in wasm memory. */
  buffer(length: number): LogitBuffer;

  /** softmax(x / T) of each row; <= 2.5 x 2^-23 relative + 0.5 ULP from float64 (<= 5.5 ULP; 3.75 measured at the worst case found); outputs below 2^-126 (subnormal, or 0 on underflow) within 2 x 2^-149 absolute (1.36 measured). */
  softmax<O extends Floats = Float32Array>(logits: Floats, options?: RowOutOptions<O>): O;
  /** log softmax(x / T) of each row; <= 0.5 ULP + 2^-23 absolute (0.94 of it measured at the worst case found). -inf where the probability is 0. */
  logSoftmax<O extends Floats = Float32Array>(logits: Floats, options?: RowOutOptions<O>): O;
  /** log Σ exp(x / T) per row (T >= 2^-64: no T -> 0 limit); <= 0.5 ULP + 2^-23 absolute; -inf for an empty or all -inf row. */
  logsumexp(logits: Floats, options?: RowOptions & { out?: Float32Array }): Float32Array;
  /** Entropy in nats of softmax(x / T) per row. */
  entropy(logits: Floats, options?: RowOptions & { out?: Float32Array }): Float32Array;
  /** First index of each row's maximum (an all -inf row gives 0; an empty row throws). */
  argmax(logits: Floats, options?: { cols?: number; out?: Int32Array }): Int32Array;

  /** σ(x) = 1 / (1 + e^-x) element-wise; <= 3 ULP. */
  sigmoid<O extends Floats = Float32Array>(logits: Floats, options?: ElementwiseOptions<O>): O;
  /** log(p / (1 - p)) element-wise (torch.logit); p in [0, 1]; `eps` in [0, 0.5] clamps p to [eps, 1 - eps]. */
  logit<O extends Floats = Float32Array>(p: Floats, options?: ElementwiseOptions<O> & { eps?: number }): O;
  /** The project's float32 exp, <= 1 ULP. */
  exp<O extends Floats = Float32Array>(x: Floats, options?: ElementwiseOptions<O>): O;
  /** The project's float32 natural log, <= 1 ULP. */
  log<O extends Floats = Float32Array>(x: Floats, options?: ElementwiseOptions<O>): O;

  /**
   * The LM head: logits[rows × outFeatures] = hidden[rows × inFeatures] · weightᵀ + bias,
   * weight in torch.nn.Linear layout [outFeatures × inFeatures]. Each output within
   * inFeatures · 2^-24 · Σ|w·h| of float64 (+ bias, rounded once); one whose float32 sums
   * overflow is recomputed in float64: NaN only where float64 has it (a NaN input, inf·0, inf - inf).
   */
  linear<O extends Floats = Float32Array>(
    weight: Floats,
    hidden: Floats,
    options: { inFeatures: number; bias?: Floats; out?: O },
  ): O;
}
