// logitkit/xgrammar: grammar-constrained sampling (structured output) with a grammar engine's
// per-step token bitmask, e.g. XGrammar (@mlc-ai/web-xgrammar), with no dependency on it.
// Matchers are duck-typed: anything with these methods.
import type { DisposeMethod, LogitBuffer, Logitkit, SamplerOptions, Sampler, SampleResult, TokenIds } from '../index.js';

/** The methods of XGrammar's GrammarMatcher that logitkit calls. */
export interface GrammarMatcherLike {
  /** The next token's bitmask: bit t % 32 of word t / 32 set = token t allowed, ceil(vocabSize / 32) words. */
  getNextTokenBitmask(): Promise<Int32Array | Uint32Array> | Int32Array | Uint32Array;
  /** Advances the grammar by one token; false when the grammar rejects it. */
  acceptToken(tokenId: number): boolean;
  /** True once the grammar's output is complete (a stop token accepted, or the grammar's end with terminateWithoutStopToken). */
  isTerminated(): boolean;
  /** Back to the grammar's start. */
  reset(): void;
}

export interface GrammarSamplerOptions extends SamplerOptions {
  /**
   * Also report `unconstrainedLogprob`: the token's log-probability under the logits as given
   * (log-softmax at T = 1, without the grammar and the sampler's processing); one more exp pass over V.
   */
  unconstrainedLogprob?: boolean;
}

export interface GrammarSampleResult extends SampleResult {
  /** The step's bitmask, as the matcher gave it. */
  bitmask: Int32Array | Uint32Array;
  /** With options.unconstrainedLogprob: log softmax(logits)[token] at T = 1, no grammar, no processing. */
  unconstrainedLogprob?: number;
  /** From next(): true when this token ended the grammar (the matcher terminated). */
  done?: boolean;
}

/**
 * A logitkit sampler driven by a grammar matcher: each step's bitmask is applied before the filters
 * (logprob is under that constrained distribution), the token is accepted into the matcher and the
 * sampler's history, and `done` turns true at the grammar's end. When the grammar allows no token
 * that the sampler's own masks leave, sample() throws a RangeError starting "no token left" (never
 * an unconstrained draw). The matcher stays the caller's: dispose() frees only the sampler.
 */
export class LogitkitGrammarSampler {
  constructor(lk: Logitkit, matcher: GrammarMatcherLike, options?: GrammarSamplerOptions);
  readonly lk: Logitkit;
  readonly matcher: GrammarMatcherLike;
  readonly unconstrainedLogprob: boolean;
  /** The logitkit sampler (history, state, toJSON). */
  readonly sampler: Sampler;
  /** The result of the last next(). */
  readonly lastResult: GrammarSampleResult | null;
  /** True once the matcher has terminated. */
  readonly done: boolean;
  /** The next step's bitmask (asked of the matcher once per step). */
  bitmask(): Promise<Int32Array | Uint32Array>;
  /** One constrained step, not accepted. A LogitBuffer is processed in place. */
  sample(logits: Float32Array | LogitBuffer): Promise<GrammarSampleResult>;
  /** Appends the token to the matcher and the sampler's history; a token the grammar rejects is a RangeError. */
  accept(token: number): void;
  /** sample() then accept(); `done` in the result. */
  next(logits: Float32Array | LogitBuffer): Promise<GrammarSampleResult & { done: boolean }>;
  /** Back to the grammar's start and the sampler's draw 0, with `prompt` (or the prompt option) as history. */
  reset(prompt?: TokenIds): void;
  dispose(): void;
}
/** Where the lib has Symbol.dispose: `using` disposes it at the end of the scope. */
export interface LogitkitGrammarSampler extends DisposeMethod {}

/**
 * For transformers.js generate(), whose logits processors are synchronous: pass it as
 * generate({ streamer }) and its `bitmask` as logitsProcessor(lk, { bitmask }) of logitkit/transformers.
 * It accepts each new token into the matcher and fetches the next mask while the model runs. Batch 1.
 */
export class GrammarStreamer {
  constructor(matcher: GrammarMatcherLike);
  readonly matcher: GrammarMatcherLike;
  /** True once the matcher has terminated. */
  readonly done: boolean;
  /** transformers.js streamer.put: the prompt first, then each step's new token, as [[...ids]]. */
  put(value: ReadonlyArray<ReadonlyArray<bigint | number>>): void;
  /** transformers.js streamer.end. */
  end(): void;
  /** The mask for the next token of inputIds (bound: pass it as it is). */
  bitmask(inputIds?: ReadonlyArray<bigint | number>): Int32Array | Uint32Array;
  /** Back to the grammar's start; the next put() is a prompt. */
  reset(): void;
}

/** How many of tokens 0 … vocabSize − 1 a bitmask allows (one pass over ceil(vocabSize / 32) words). */
export function allowedCount(bitmask: Int32Array | Uint32Array, vocabSize: number): number;
/** new LogitkitGrammarSampler(lk, matcher, options). */
export function grammarSampler(lk: Logitkit, matcher: GrammarMatcherLike, options?: GrammarSamplerOptions): LogitkitGrammarSampler;
/** new GrammarStreamer(matcher). */
export function grammarStreamer(matcher: GrammarMatcherLike): GrammarStreamer;
