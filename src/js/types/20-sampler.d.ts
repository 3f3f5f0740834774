
// ---- The sampler (docs/sampler.md; semantics in src/core/sampler.h) ----

export type SamplerStageName = 'topK' | 'topP' | 'minP' | 'typicalP' | 'topNSigma' | 'epsilon' | 'eta' | 'xtc' | 'temperature';
export type TokenIds = number[] | Int32Array | Uint32Array;

export interface SamplerOptions {
  /** 0 = greedy (first maximum). Default 1. */
  temperature?: number;
  /** llama.cpp dynamic temperature (temp_ext): range and exponent. */
  dynatempRange?: number;
  dynatempExponent?: number;
  /** 0 = off. */
  topK?: number;
  /** [0, 1]; 1 = off. */
  topP?: number;
  /** [0, 1]; 0 = off. */
  minP?: number;
  /** [0, 1]; 1 = off. */
  typicalP?: number;
  /** top-n-σ; 0 = off. */
  topNSigma?: number;
  /** HF epsilon sampling, [0, 1); 0 = off. */
  epsilon?: number;
  /** HF eta sampling, [0, 1); 0 = off. */
  eta?: number;
  /** XTC (llama.cpp): probability of applying it, and the threshold. */
  xtcProbability?: number;
  xtcThreshold?: number;
  /** Every filter keeps at least max(minKeep, 1) tokens. */
  minKeep?: number;
  /** HF/llama.cpp repetition penalty (> 0; 1 = off): positive logits divided, negative multiplied. */
  repetitionPenalty?: number;
  /** OpenAI frequency and presence penalties. */
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** Penalty window over the history: -1 = all, 0 = none. Default 64. */
  penaltyLastN?: number;
  /** DRY (llama.cpp): multiplier (0 = off), base, allowed length, window, breaker token sequences. */
  dryMultiplier?: number;
  dryBase?: number;
  dryAllowedLength?: number;
  dryPenaltyLastN?: number;
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
  minNewTokens?: number;
  minLength?: number;
  /** HF no-repeat n-gram size; 0 = off. */
  noRepeatNgramSize?: number;
  /** HF bad-word sequences. */
  badWords?: TokenIds[];
  /** Mirostat 1 or 2 (0 = off), target surprise tau, learning rate eta, v1's m. */
  mirostat?: 0 | 1 | 2;
  mirostatTau?: number;
  mirostatEta?: number;
  mirostatM?: number;
  /** Stage order: 'llama.cpp' (default), 'hf' (temperature first) or an explicit list. */
  order?: 'llama.cpp' | 'hf' | SamplerStageName[];
  /** Alternatives to report (OpenAI top_logprobs), 0..20; under the raw distribution unless topLogprobsFinal. */
  topLogprobs?: number;
  topLogprobsFinal?: boolean;
  /** Also compute the token's log-probability under the raw distribution (one more pass over V). */
  rawLogprob?: boolean;
  /** Also compute the entropy of the final distribution. */
  entropy?: boolean;
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
  /** A grammar mask for this step: bit i % 32 of word i / 32 set = token i allowed (XGrammar). */
  bitmask?: Uint32Array;
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
