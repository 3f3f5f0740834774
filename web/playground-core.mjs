// The generation loop of the playground, shared by the page (web/playground.js)
// and its tests (tests/ecosystem/playground.test.mjs, tests/browser/playground.test.mjs),
// so all of them run the same code. ONNX Runtime runs the transformer up to its
// hidden states; logitkit does all the logits work after that: the LM head
// (`linear`), the logit lens, the prompt's scores (`scoreTokens`), the
// sampler's controls and the seeded draw. The model is data/model/charlm.onnx,
// made by model/train.py. JSON mode: a grammar engine (XGrammar, passed in by
// the caller) compiles a JSON Schema for the model's characters, and each step
// samples under its bitmask through logitkit/xgrammar.
import { allowedCount, grammarSampler } from '../dist/adapters/xgrammar.mjs';

/** How many alternatives the prompt's scores list per character. */
export const PROMPT_TOP = 5;

/** The character model: ONNX session, vocabulary and LM head. */
export class CharModel {
  /**
   * ort: the onnxruntime-web module; lk: a loaded logitkit; modelBytes: the
   * .onnx file; meta: charlm.json; lmHead: lm-head.bin's bytes.
   */
  static async create(ort, lk, { modelBytes, meta, lmHead }) {
    const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
    return new CharModel(ort, lk, session, meta, lmHead);
  }

  constructor(ort, lk, session, meta, lmHead) {
    this.ort = ort;
    this.lk = lk;
    this.session = session;
    this.meta = meta;
    this.vocab = meta.vocab;
    this.context = meta.config.context;
    this.dModel = meta.config.d_model;
    this.layers = meta.config.layers;
    const floats = new Float32Array(lmHead.buffer ?? lmHead, lmHead.byteOffset ?? 0, (lmHead.byteLength ?? lmHead.length) / 4);
    const V = this.vocab.length;
    if (floats.length !== V * this.dModel + V) throw new RangeError(`lmHead: expected ${V * this.dModel + V} floats, got ${floats.length}`);
    this.weight = floats.slice(0, V * this.dModel);
    this.bias = floats.slice(V * this.dModel);
    this.index = new Map(this.vocab.map((c, i) => [c, i]));
  }

  /** Text → token ids; a RangeError names the first character outside the vocabulary. */
  encode(text) {
    const ids = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const id = this.index.get(text[i]);
      if (id === undefined) {
        throw new RangeError(`prompt: character ${JSON.stringify(text[i])} at position ${i} is not in the model's vocabulary (printable ASCII and newline)`);
      }
      ids[i] = id;
    }
    return ids;
  }

  decode(ids) {
    return Array.from(ids, (i) => this.vocab[i]).join('');
  }

  /** Runs the transformer on [batch × seq] ids; returns ORT's outputs. */
  async run(ids, batch = 1) {
    const input = new this.ort.Tensor('int64', BigInt64Array.from(ids, (i) => BigInt(i)), [batch, ids.length / batch]);
    return this.session.run({ input_ids: input });
  }

  /**
   * The next-token step for a context (the last `context` ids are used):
   * logits from the last layer's normed hidden state through the LM head, and
   * the logit lens — the same head applied to every layer's state. With
   * allPositions, also the last layer's logits at every position of the window
   * ([T × V], `positionLogits`, row r predicting window id r + 1), from the same
   * ONNX run; `logits` is then that block's last row (bit-identical to the
   * one-row head, since each output is the same dot product).
   */
  async step(ids, { allPositions = false } = {}) {
    const windowStart = Math.max(0, ids.length - this.context);
    const window = ids.subarray(windowStart);
    const out = await this.run(window);
    const states = out.normed_hidden_states; // [layers + 1, 1, T, d]
    const T = window.length, d = this.dModel, V = this.vocab.length;
    const head = (h) => this.lk.linear(this.weight, h, { inFeatures: d, bias: this.bias });
    const lens = [];
    for (let l = 0; l < this.layers; l++) lens.push(head(states.data.subarray(((l * T) + T - 1) * d, ((l * T) + T) * d)));
    const last = this.layers * T * d;
    let positionLogits = null;
    if (allPositions) {
      positionLogits = head(states.data.subarray(last, last + T * d));
      lens.push(positionLogits.slice((T - 1) * V));
    } else {
      lens.push(head(states.data.subarray(last + (T - 1) * d, last + T * d)));
    }
    const onnxLogits = out.logits.data.subarray((T - 1) * V, T * V);
    return { logits: lens[this.layers], lens, onnxLogits, windowStart, positionLogits };
  }

  /**
   * Next-token logits for several contexts of one length at once ([rows × V],
   * row r for rows[r]): one ONNX run at batch = rows.length on each context's
   * last `context` ids, then the LM head on each row's last normed hidden
   * state. Beam search runs the model this way, at batch = numBeams.
   */
  async stepBatch(rows) {
    const B = rows.length, n = rows[0].length;
    if (rows.some((r) => r.length !== n)) throw new RangeError('stepBatch: every row must have the same length');
    const T = Math.min(n, this.context), d = this.dModel;
    const ids = new Int32Array(B * T);
    rows.forEach((r, b) => ids.set(r.subarray(n - T), b * T));
    const out = await this.run(ids, B);
    const states = out.normed_hidden_states.data; // [layers + 1, B, T, d]
    const h = new Float32Array(B * d);
    for (let b = 0; b < B; b++) {
      const at = ((this.layers * B + b) * T + T - 1) * d;
      h.set(states.subarray(at, at + d), b * d);
    }
    return this.lk.linear(this.weight, h, { inFeatures: d, bias: this.bias });
  }

  release() {
    return this.session.release();
  }
}

/**
 * Where a beam ends in beam mode: the character model has no end-of-text
 * token, so a line end or a sentence end stands in for HF's eos_token_id
 * ('none': only maxNewTokens ends a beam).
 */
export const BEAM_ENDS = { newline: ['\n'], sentence: ['.', '!', '?'], none: [] };

/**
 * Beam search over the character model (lk.beamSearch, Hugging Face
 * generate()'s semantics): every step runs the model at batch = numBeams on
 * the running beams' texts. The model takes the whole prefix (no KV cache), so
 * "reordering the cache by parents" is gathering each next row's prefix from
 * its parent row. options: numBeams, lengthPenalty, earlyStopping,
 * maxNewTokens, ends (a key of BEAM_ENDS), repetitionPenalty. step() returns
 * the running beams and the hypotheses finished so far; after `done`,
 * `final` holds the hypotheses best first.
 */
export class BeamGeneration {
  constructor(model, prompt, { numBeams = 4, lengthPenalty = 1, earlyStopping = false, maxNewTokens = 40, ends = 'newline', repetitionPenalty = 1 } = {}) {
    this.model = model;
    this.prompt = Array.from(model.encode(prompt));
    if (this.prompt.length === 0) throw new RangeError('prompt: must hold at least one character');
    if (!Object.hasOwn(BEAM_ENDS, ends)) throw new RangeError(`ends: must be one of ${Object.keys(BEAM_ENDS).join(', ')} (got ${JSON.stringify(ends)})`);
    const eos = BEAM_ENDS[ends].map((c) => model.index.get(c));
    this.options = { numBeams, lengthPenalty, earlyStopping, maxNewTokens, ends, repetitionPenalty };
    this.lengthPenalty = lengthPenalty;
    this.search = model.lk.beamSearch({
      vocabSize: model.vocab.length, numBeams, maxNewTokens, lengthPenalty, earlyStopping, repetitionPenalty,
      numReturnSequences: numBeams, prompts: [this.prompt], ...(eos.length ? { eosTokenId: eos } : {}),
    });
    this.beams = Array.from({ length: numBeams }, () => []);
    this.scores = new Float64Array(numBeams);
    this.steps = 0;
    this.done = false;
    /** The finished hypotheses, best first (finalize() is read-only: it can be read at any step). */
    this.finished = [];
  }

  /** Generated characters of a token list. */
  text(tokens) {
    return this.model.decode(tokens);
  }

  /** One step: the model on every running beam, then the search's choice of the next beams. */
  async step() {
    if (this.done) throw new RangeError('the beam search is done (reset to start again)');
    const rows = this.beams.map((b) => Int32Array.from([...this.prompt, ...b]));
    const logits = await this.model.stepBatch(rows);
    const r = this.search.step(logits);
    this.beams = Array.from(r.parents, (p, i) => [...this.beams[p], r.tokens[i]]);
    this.scores = r.scores;
    this.steps++;
    this.done = r.done;
    this.finished = this.search.finalize().hypotheses[0].map((h) => ({ ...h, tokens: Array.from(h.tokens), text: this.text(h.tokens) }));
    return this.view();
  }

  /**
   * What the page lists: the finished hypotheses (best first), then, while the
   * search goes on, the running beams in the search's order (best running
   * score first), each with its text, score (log p / length ** lengthPenalty,
   * HF's sequences_scores for a finished one) and summed log-probability.
   */
  view() {
    const finished = this.finished.map((h) => ({ state: 'finished', text: h.text, tokens: h.tokens, score: h.score, logprob: h.logprob }));
    if (this.done) return finished;
    const running = this.beams.map((tokens, i) => ({
      state: 'running', text: this.text(tokens), tokens, logprob: this.scores[i],
      score: tokens.length ? this.scores[i] / tokens.length ** this.lengthPenalty : 0,
    }));
    return [...finished, ...running];
  }

  /** The best hypothesis when done, else the best running beam. */
  get best() {
    return this.done ? this.finished[0] ?? null : { text: this.text(this.beams[0]), tokens: this.beams[0] };
  }

  dispose() {
    this.search.dispose();
  }
}

/** The JSON mode's default schema: a quote and its author, as in the fortunes the model learnt from. */
export const DEFAULT_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { quote: { type: 'string', maxLength: 80 }, author: { type: 'string', maxLength: 30 } },
  required: ['quote', 'author'],
}, null, 2);

/**
 * A JSON Schema compiled by XGrammar (`xgr`: the @mlc-ai/web-xgrammar module)
 * for the character model's vocabulary, one line: `{"quote": "…", "author": "…"}`
 * (separators ", " and ": ", no other whitespace). The vocabulary has no stop
 * token, so each matcher terminates at the grammar's end
 * (terminateWithoutStopToken). Bad schemas are named errors.
 */
export class JsonSchemaGrammar {
  static async create(xgr, model, schemaText) {
    let schema;
    try {
      schema = JSON.parse(schemaText);
    } catch (e) {
      throw new TypeError(`JSON Schema: not JSON (${e.message})`);
    }
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new TypeError('JSON Schema: must be a JSON object');
    const info = await xgr.TokenizerInfo.createTokenizerInfo(model.vocab, 'raw', false, model.vocab.length, []);
    const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info, false);
    try {
      const compiled = await compiler.compileJSONSchema(schemaText, false, -1);
      return new JsonSchemaGrammar(xgr, schema, compiled, [compiler, info]);
    } catch (e) {
      compiler.dispose();
      info.dispose();
      throw new RangeError(`JSON Schema: XGrammar cannot compile it (${e?.message ?? e})`);
    }
  }

  constructor(xgr, schema, compiled, owned) {
    this.xgr = xgr;
    this.schema = schema;
    this.compiled = compiled;
    this.owned = owned;
  }

  /** A new matcher at the grammar's start, for one generation. */
  matcher() {
    return this.xgr.GrammarMatcher.createGrammarMatcher(this.compiled, undefined, true);
  }

  dispose() {
    this.compiled.dispose();
    for (const o of this.owned) o.dispose();
  }
}

/** Top n of a row, most probable first (ties: lower id first). */
export function topN(values, n) {
  return Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, n);
}

/**
 * A generation: prompt, controls (logitkit SamplerOptions, including seed) and
 * the text so far. step() appends one character and reports everything the
 * page shows. Same prompt, seed and controls → the same text, on any platform.
 * With `matcher` (JsonSchemaGrammar.matcher(), owned by the generation from
 * then on) every step samples under the grammar's bitmask, and `done` turns
 * true when the grammar is complete: the text is then valid JSON.
 */
export class Generation {
  constructor(model, prompt, controls, { matcher = null } = {}) {
    this.model = model;
    const lk = model.lk;
    this.ids = Array.from(model.encode(prompt));
    this.promptLength = this.ids.length;
    if (this.promptLength === 0) throw new RangeError('prompt: must hold at least one character');
    this.controls = controls;
    const options = { ...controls, prompt: this.ids };
    this.matcher = matcher;
    this.grammar = matcher ? grammarSampler(lk, matcher, options) : null;
    this.sampler = this.grammar ? this.grammar.sampler : lk.sampler(options);
    this.nll = 0;
    /** The prompt's scores (see scorePrompt), set by the first step from its own model run. */
    this.promptScores = null;
  }

  get text() {
    return this.model.decode(this.ids);
  }

  get generated() {
    return this.model.decode(this.ids.slice(this.promptLength));
  }

  /** Perplexity of the generated characters under the model's own (unfiltered) distribution. */
  get perplexity() {
    const n = this.ids.length - this.promptLength;
    return n ? Math.exp(this.nll / n) : NaN;
  }

  /** True when the grammar is complete (JSON mode); always false without a grammar. */
  get done() {
    return this.grammar?.done ?? false;
  }

  /**
   * One character. In JSON mode the kept set, the draw and `logprob` are under
   * the grammar's mask (applied before the controls), `allowed` is how many
   * characters the grammar allows at this step, and `done` whether this
   * character completed the JSON.
   */
  async step() {
    const { model } = this;
    const lk = model.lk;
    if (this.done) throw new RangeError('the grammar is complete: the JSON is finished (reset to start again)');
    const first = this.promptScores === null;
    const { logits, lens, windowStart, positionLogits } = await model.step(Int32Array.from(this.ids), { allPositions: first });
    if (first) this.promptScores = scorePrompt(model, this.ids, windowStart, positionLogits);
    const bitmask = this.grammar ? await this.grammar.bitmask() : null;
    // The kept set is the generating sampler's own distribution for this step
    // (its RNG position, mirostat's mu, XTC's draw), read and then undone
    // (saveState / restoreState) so that the draw below is the one it would be.
    const state = this.sampler.saveState();
    const kept = this.sampler.distribution(logits, bitmask ? { bitmask } : undefined);
    this.sampler.restoreState(state);
    let result;
    if (this.grammar) {
      result = await this.grammar.sample(logits);
      this.grammar.accept(result.token); // the matcher and the sampler's history
    } else {
      result = this.sampler.sample(logits);
      this.sampler.accept(result.token);
    }
    const logprobs = lk.logSoftmax(logits);
    const modelLogprob = logprobs[result.token];
    this.ids.push(result.token);
    this.nll -= modelLogprob;
    const allowed = bitmask ? allowedCount(bitmask, model.vocab.length) : model.vocab.length;
    return { ...result, char: model.vocab[result.token], modelLogprob, logprobs, logits, kept, lens, perplexity: this.perplexity, allowed, done: this.done };
  }

  dispose() {
    if (this.grammar) this.grammar.dispose();
    else this.sampler.dispose();
    this.matcher?.dispose?.();
  }
}

/**
 * The prompt's characters scored by the model, from the [T × V] logits of the
 * window it ran (the last `context` characters of the prompt, from windowStart):
 * row r predicts the window's character r + 1. The window's first character
 * has no prediction, and characters before the window were not run, so
 * characters scoredFrom … promptLength − 1 are scored, count of them.
 * Per character: surprise = −log p (nats), rank (1 = the model's first
 * choice) and the PROMPT_TOP most likely characters with their log p.
 * perplexity = exp(mean surprise); NaN when nothing is scored.
 * `logits` is the whole block, its last row the first generated step's logits.
 */
export function scorePrompt(model, promptIds, windowStart, positionLogits) {
  const V = model.vocab.length;
  const window = Int32Array.from(promptIds.slice(windowStart));
  const count = window.length - 1;
  const scores = { promptLength: promptIds.length, windowStart, scoredFrom: windowStart + 1, count, logits: positionLogits };
  if (count === 0) return { ...scores, chars: [], sum: 0, meanSurprise: NaN, perplexity: NaN };
  const s = model.lk.scoreTokens(positionLogits.subarray(0, count * V), window.subarray(1), { cols: V, topLogprobs: PROMPT_TOP });
  const chars = Array.from({ length: count }, (_, r) => {
    const token = window[r + 1];
    const top = Array.from({ length: PROMPT_TOP }, (_, k) => {
      const alt = s.topTokens[r * PROMPT_TOP + k], logprob = s.topLogprobs[r * PROMPT_TOP + k];
      return { token: alt, char: model.vocab[alt], logprob, p: Math.exp(logprob) };
    });
    const logprob = s.logprobs[r];
    return { position: windowStart + 1 + r, token, char: model.vocab[token], logprob, surprise: -logprob, p: Math.exp(logprob), rank: s.ranks[r], top };
  });
  return { ...scores, chars, sum: s.sum, meanSurprise: -s.mean, perplexity: s.perplexity };
}

/**
 * Mean cross-entropy (nats/char) of the model over text, computed as
 * model/train.py evaluates it: non-overlapping windows of `context` characters,
 * each predicting the next character at every position; the sum of
 * logitkit's scoreTokens −log p over ORT's logits.
 */
export async function validationLoss(model, text, { batch = 16 } = {}) {
  const ids = model.encode(text);
  const ctx = model.context, V = model.vocab.length;
  const windows = Math.floor((ids.length - 1) / ctx);
  let total = 0;
  for (let w0 = 0; w0 < windows; w0 += batch) {
    const b = Math.min(batch, windows - w0);
    const input = new Int32Array(b * ctx), target = new Int32Array(b * ctx);
    for (let w = 0; w < b; w++) {
      input.set(ids.subarray((w0 + w) * ctx, (w0 + w + 1) * ctx), w * ctx);
      target.set(ids.subarray((w0 + w) * ctx + 1, (w0 + w + 1) * ctx + 1), w * ctx);
    }
    const { logits } = await model.run(input, b);
    total -= model.lk.scoreTokens(logits.data.subarray(0, b * ctx * V), target, { cols: V }).sum;
  }
  return { loss: total / (windows * ctx), windows };
}
