// logitkit/transformers: logitkit inside transformers.js (@huggingface/transformers),
// with no dependency on it. Tensors are duck-typed: anything with these fields.
import type { DisposeMethod, Logitkit, SamplerOptions, Sampler, SampleResult, TokenIds } from '../index.js';

/** A step's grammar bitmask: bit t % 32 of word t / 32 set = token t allowed (XGrammar layout); null = no mask. */
export type StepBitmask = Uint32Array | Int32Array | null | undefined;

export interface LogitsProcessorOptions extends SamplerOptions {
  /**
   * Called for each row at each step with the row's input_ids: that step's grammar bitmask, applied
   * before the filters. Synchronous (transformers.js calls processors synchronously); for XGrammar use
   * logitkit/xgrammar's GrammarStreamer as generate({ streamer }) and pass its bitmask here.
   */
  bitmask?: (inputIds: ReadonlyArray<bigint | number> | undefined, row: number) => StepBitmask;
}

export interface LogitsSamplerOptions extends SamplerOptions {
  /** Awaited before each draw: that step's grammar bitmask, applied before the filters. */
  bitmask?: () => StepBitmask | Promise<StepBitmask>;
}

/** The fields of a transformers.js (or ONNX Runtime) Tensor that logitkit reads. */
export interface TensorLike {
  readonly data: Float32Array | ArrayLike<unknown>;
  readonly dims: readonly number[];
  readonly type?: string;
}

/**
 * A LogitsProcessor for transformers.js's LogitsProcessorList / generate({ logits_processor }):
 * callable as processor(input_ids, logits). Each row of logits [batch, vocab] becomes the
 * log-probabilities of logitkit's final distribution (-inf for dropped tokens), in place.
 * Row r's history follows input_ids[r]; the first call's input_ids are the prompt.
 */
export interface LogitkitLogitsProcessor extends DisposeMethod {
  <T extends TensorLike>(inputIds: ReadonlyArray<ReadonlyArray<bigint | number>>, logits: T): T;
  _call<T extends TensorLike>(inputIds: ReadonlyArray<ReadonlyArray<bigint | number>>, logits: T): T;
  readonly lk: Logitkit;
  /** The sampler options (without bitmask). */
  readonly options: SamplerOptions;
  /** The per-step bitmask callback, if any. */
  readonly bitmask: LogitsProcessorOptions['bitmask'];
  /** Forgets every row's history: the next call starts new sequences. */
  reset(): void;
  dispose(): void;
}
export const LogitkitLogitsProcessor: {
  new (lk: Logitkit, options?: LogitsProcessorOptions): LogitkitLogitsProcessor;
  prototype: LogitkitLogitsProcessor;
};

/**
 * A sampler with transformers.js's LogitsSampler interface: sampler(logits) or sampler.sample(logits)
 * → [[token, logprob]], a seeded logitkit draw from the last row of logits. One per sequence.
 */
export interface LogitkitSampler extends DisposeMethod {
  (logits: TensorLike): Promise<Array<[bigint, number]>>;
  _call(logits: TensorLike): Promise<Array<[bigint, number]>>;
  sample(logits: TensorLike): Promise<Array<[bigint, number]>>;
  readonly lk: Logitkit;
  /** The logitkit sampler (history, state, toJSON). */
  readonly sampler: Sampler;
  /** The per-step bitmask callback, if any. */
  readonly bitmask: LogitsSamplerOptions['bitmask'];
  /** The full result of the last draw (logprob, topLogprobs, entropy, ...). */
  readonly lastResult: SampleResult | null;
  /** Back to draw 0 with `prompt` as history. */
  reset(prompt?: TokenIds | ReadonlyArray<bigint>): void;
  dispose(): void;
}
export const LogitkitSampler: {
  new (lk: Logitkit, options?: LogitsSamplerOptions): LogitkitSampler;
  prototype: LogitkitSampler;
};

/** new LogitkitLogitsProcessor(lk, options). */
export function logitsProcessor(lk: Logitkit, options?: LogitsProcessorOptions): LogitkitLogitsProcessor;
/** new LogitkitSampler(lk, options). */
export function logitsSampler(lk: Logitkit, options?: LogitsSamplerOptions): LogitkitSampler;
