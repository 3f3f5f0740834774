
// ---- Beam search (docs/beam-search.md; semantics in src/core/decoding/beam_search.h) ----

/** Options of lk.beamSearch: Hugging Face generate()'s beam-search settings, in its names. */
export interface BeamSearchOptions {
  /** V, the length of each logits row. Required; 1 … 2^24. */
  vocabSize: number;
  /** Beams per prompt (HF num_beams); >= 1, default 1. */
  numBeams?: number;
  /** Prompts searched together (B); every step takes batchSize · numBeams rows. Default 1. */
  batchSize?: number;
  /** Tokens generated at most per hypothesis (HF max_new_tokens); >= 1, default 20. */
  maxNewTokens?: number;
  /** EOS is masked until this many tokens were generated (HF min_new_tokens); default 0. */
  minNewTokens?: number;
  /** Hypotheses finalize() returns per prompt, 1 … numBeams; default 1. */
  numReturnSequences?: number;
  /** Finished hypotheses score sum_logprobs / generated_len ** lengthPenalty; finite, default 1. */
  lengthPenalty?: number;
  /** HF early_stopping: true (stop a prompt when numBeams hypotheses finished), false (HF's heuristic, default) or 'never'. */
  earlyStopping?: boolean | 'never';
  /** EOS id(s): a candidate ending with one finishes its hypothesis. */
  eosTokenId?: number | TokenIds;
  /** HF pad_token_id: the value finalize() pads `sequences` with (HF's rule: pad if set and not 0, else the first EOS, else -1). */
  padTokenId?: number;
  /** HF repetition_penalty over prompt + generated tokens, on the log-probabilities (x < 0 ? x·p : x/p); finite > 0, default 1. */
  repetitionPenalty?: number;
  /** HF no_repeat_ngram_size over prompt + generated tokens; default 0 (off). */
  noRepeatNgramSize?: number;
  /** HF bad_words_ids: a word's last token is masked when the history ends with the rest. */
  badWords?: TokenIds[];
  /** HF suppress_tokens: always masked. */
  suppressTokens?: TokenIds;
  /** HF begin_suppress_tokens: masked at the first generated token. */
  beginSuppressTokens?: TokenIds;
  /** HF sequence_bias with one-token sequences: {token: value}, a Map or [token, value] pairs, added to the log-probability. */
  logitBias?: Record<number, number> | Map<number, number> | Array<[number, number]>;
  /** The batchSize prompts' tokens, for the history-dependent processors (what HF's input_ids hold before the generated tokens). */
  prompts?: TokenIds[];
  /** Beam sampling (HF do_sample=True with num_beams >= 2): the K candidates are drawn without replacement from softmax(running score + warped log-probability) instead of taken best first. Needs numBeams >= 2. Default false. */
  doSample?: boolean;
  /** Beam sampling's seed (u64: a number below 2^53, a BigInt or a decimal string); the draws are a function of (seed, stream + prompt, step). Default 0. */
  seed?: number | bigint | string;
  /** Beam sampling's stream (u64); prompt b draws from stream + b. Default 0. */
  stream?: number | bigint | string;
  /** HF temperature with doSample: the processed log-probabilities are divided by it; finite > 0, default 1. */
  temperature?: number;
  /** HF top_k with doSample: tokens below the k-th best log-probability of their beam are dropped (k at least max(2, 1 + #EOS)); 0 = off (HF's GenerationConfig defaults to 50). */
  topK?: number;
  /** HF top_p with doSample, in [0, 1]; 1 = off. */
  topP?: number;
  /** HF min_p with doSample, in [0, 1]; 0 = off. */
  minP?: number;
  /** Diverse (group) beam search (HF num_beam_groups, its group-beam-search recipe): numBeams split into this many groups of numBeams / numBeamGroups beams; must divide numBeams. Default 1 (plain beam search). */
  numBeamGroups?: number;
  /** HF diversity_penalty: with numBeamGroups > 1, subtracted from a token's log-probability in a group once per beam of an earlier group that chose it this step; finite > 0 there, 0 (the default) without groups. */
  diversityPenalty?: number;
}

export interface BeamStepOptions {
  /** A grammar mask per row: rows × W words (W >= ceil(V / 32)), bit t % 32 of word t / 32 set = token t allowed (XGrammar's layout). */
  bitmask?: Uint32Array | Int32Array;
}

export interface BeamStep {
  /** Per row of the next step: the row of this step it continues (reorder the KV cache by it; rows of one prompt stay in its block). */
  parents: Int32Array;
  /** Per row of the next step: the token it appends (feed it to the model). */
  tokens: Int32Array;
  /** Per row of the next step: its running score (sum of log-probabilities; HF's -1e9 marks a placeholder beam). */
  scores: Float64Array;
  /** Per prompt: no finished hypothesis can change any more. */
  promptDone: boolean[];
  /** HF generate() would stop here: call finalize(). */
  done: boolean;
}

export interface BeamHypothesis {
  /** The generated tokens, with the final EOS if it ended with one. */
  tokens: Int32Array;
  /** logprob / tokens.length ** lengthPenalty (HF sequences_scores). */
  score: number;
  /** Sum of the tokens' processed log-probabilities. */
  logprob: number;
}

export interface BeamResult {
  /** Per prompt, up to numReturnSequences finished hypotheses, best first. */
  hypotheses: BeamHypothesis[][];
  /** [batchSize · numReturnSequences × length] generated tokens padded with padValue (HF's output layout, without the prompt). */
  sequences: Int32Array;
  /** The longest returned hypothesis. */
  length: number;
  padValue: number;
}

export class BeamSearch {
  private constructor();
  /** batchSize · numBeams: the rows every step takes. */
  readonly rows: number;
  /** Steps taken (tokens generated per running beam). */
  readonly steps: number;
  /** HF generate() would stop: call finalize(). */
  readonly done: boolean;
  /** One step on [rows × vocabSize] logits of the running beams, rows in beam order; a LogitBuffer is read in place. */
  step(logits: Floats, options?: BeamStepOptions): BeamStep;
  /** The finished hypotheses (any time; normally once done). */
  finalize(): BeamResult;
  /** Starts again with the same options. */
  reset(): void;
  dispose(): void;
}
/** Where the lib has Symbol.dispose: `using bs = lk.beamSearch(options)` disposes it at the end of the scope. */
export interface BeamSearch extends DisposeMethod {}

export interface Logitkit {
  /** Beam search as Hugging Face generate() does it (num_beams, length_penalty, early_stopping, EOS, processors). */
  beamSearch(options: BeamSearchOptions): BeamSearch;
}
