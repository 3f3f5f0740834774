
// ---- The sampler (docs/sampler.md; semantics in src/core/sampling/sampler.h) ----

export type TokenIds = number[] | Int32Array | Uint32Array;

// The scalar options (temperature, topK, …) are in 21-sampler-options.d.ts,
// generated from the module's schema; these are the lists and keys.
export interface SamplerOptions {
  /** DRY sequence breakers: token sequences a repeat does not reach back past. */
  dryBreakers?: TokenIds[];
  /** OpenAI logit_bias: {token: value}, a Map or [token, value] pairs; the value is added. */
  logitBias?: Record<number, number> | Map<number, number> | Array<[number, number]>;
  /** Always masked (-inf). suppressTokens is the HF name for the same. */
  bannedTokens?: TokenIds;
  suppressTokens?: TokenIds;
  /** When given, every other token is masked. */
  allowedTokens?: TokenIds;
  /** Masked at the first generated step (HF SuppressTokensAtBegin). */
  beginSuppressTokens?: TokenIds;
  /** EOS token(s), blocked until minNewTokens / minLength are reached. */
  eosTokenId?: number | TokenIds;
  /** HF bad-word sequences. */
  badWords?: TokenIds[];
  /**
   * Filter order: a preset ('llama.cpp', the default; 'hf', temperature first) or a list of filter names
   * that includes every enabled filter once (SamplerStageName and SamplerOrderPreset are generated from the schema).
   */
  order?: SamplerOrderPreset | SamplerStageName[];
  /** RNG key: (seed, stream) select a Philox4x32-10 stream; number < 2^53, BigInt or decimal string. */
  seed?: number | bigint | string;
  stream?: number | bigint | string;
  /** Initial history (the prompt's tokens) for penalties and history masks. */
  prompt?: TokenIds;
}

export interface SampleResult {
  token: number;
  /** log p(token) under the final distribution (kept set, renormalised, final temperature); 0 for greedy. */
  logprob: number;
  /** log softmax(processed logits)[token] at T = 1 over the whole vocabulary (with options.rawLogprob). */
  rawLogprob: number;
  /** Entropy (nats) of the final distribution (with options.entropy). */
  entropy: number;
  /** Size of the final kept set. */
  candidates: number;
  /** Up to options.topLogprobs alternatives, most probable first (OpenAI top_logprobs shape). */
  topLogprobs: Array<{ token: number; logprob: number }>;
}

export interface StepOptions {
  /**
   * A grammar mask for this step: bit i % 32 of word i / 32 set = token i allowed (XGrammar's layout; its
   * Int32Array as it comes). At least ceil(V / 32) words. Applied with the other masks, before every filter.
   */
  bitmask?: Uint32Array | Int32Array;
}

export class Sampler {
  private constructor();
  /** One step; a LogitBuffer is processed in place. Does not append the token (see accept, next). */
  sample(logits: Floats, options?: StepOptions): SampleResult;
  /** sample() then accept(token). */
  next(logits: Floats, options?: StepOptions): SampleResult;
  /** The final kept candidates (ascending id) and their probabilities; advances the RNG like a step. */
  distribution(logits: Floats, options?: StepOptions): { ids: Int32Array; probs: Float32Array };
  accept(token: number): void;
  /** Back to draw 0 with the prompt as history. */
  reset(prompt?: TokenIds): void;
  readonly historyLength: number;
  saveState(): object;
  restoreState(state: object | string): void;
  /** { options, state }: lk.samplerFromJSON rebuilds it exactly. */
  toJSON(): { options: SamplerOptions; state: object };
  dispose(): void;
}
/** Where the lib has Symbol.dispose: `using s = lk.sampler(options)` disposes it at the end of the scope. */
export interface Sampler extends DisposeMethod {}

export interface Logitkit {
  sampler(options?: SamplerOptions): Sampler;
  samplerFromJSON(json: string | { options: SamplerOptions; state: object }): Sampler;
  /** Row r of [samplers.length × cols] logits sampled by samplers[r]: independent of the batch. */
  sampleRows(samplers: Sampler[], logits: Floats, options?: { cols?: number }): SampleResult[];
  /**
   * Speculative decoding acceptance (Leviathan et al. 2023): target [(k+1) × V] and draft [k × V]
   * probabilities, k draft tokens. Returns the accepted count, the emitted token and the RNG counter after.
   */
  speculativeVerify(
    target: Floats,
    draft: Floats,
    draftTokens: Int32Array,
    options?: { seed?: number | bigint | string; stream?: number | bigint | string; counter?: number | bigint | string },
  ): { accepted: number; token: number; counter: number };
}
