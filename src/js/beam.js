// Beam search as Hugging Face generate() does it (docs/beam-search.md): a
// BeamSearch owns its searcher in wasm memory (dispose() it). Each step takes
// the [batchSize·numBeams × V] logits of the running beams and says which row
// each next row continues (reorder the KV cache by `parents`) and its token.
import { disposeSymbol } from './buffer.js';
import { checkNumber, checkOptions, describe, optionKeys } from './errors.js';
import { keepName } from './logitkit.js';
import { biasEntries, sequences, tokenList, u64String } from './sampler.js';
import { SLOTS } from './scratch.js';

const SLOT = SLOTS.beam;
const KEYS = optionKeys('beamSearch', ['vocabSize', 'numBeams', 'batchSize', 'maxNewTokens', 'minNewTokens',
  'numReturnSequences', 'lengthPenalty', 'earlyStopping', 'eosTokenId', 'padTokenId', 'repetitionPenalty',
  'noRepeatNgramSize', 'badWords', 'suppressTokens', 'beginSuppressTokens', 'logitBias', 'prompts',
  'doSample', 'seed', 'stream', 'temperature', 'topK', 'topP', 'minP', 'numBeamGroups', 'diversityPenalty']);
// Options that only beam sampling reads (HF ignores its warpers without do_sample).
const SAMPLING = ['seed', 'stream', 'temperature', 'topK', 'topP', 'minP'];
const STEP_KEYS = optionKeys('BeamSearch.step', ['bitmask']);
// BeamArg of src/core/decoding/beam_search.h: the setting a kBadArgument names.
const ARG_RULES = ['options.batchSize must be >= 1', 'options.numBeams must be >= 1',
  'options.vocabSize must be in [1, 2^24] and numBeams · vocabSize >= max(2, 1 + number of EOS ids) · numBeams',
  'options.maxNewTokens must be >= 1', 'options.minNewTokens must be >= 0',
  'options.numReturnSequences must be in [1, numBeams]', 'options.lengthPenalty must be finite',
  'options.earlyStopping must be true, false or "never"', 'options.repetitionPenalty must be finite and > 0',
  'options.noRepeatNgramSize must be >= 0', 'options.padTokenId must be a token id < vocabSize',
  'options.prompts must hold one token list per prompt (batchSize)',
  'step(): the search is done (done was true); call finalize(), or reset() to search again',
  'options.doSample needs numBeams >= 2 (one beam: lk.sampler)',
  'options.temperature must be finite and > 0', 'options.topP must be in [0, 1]', 'options.minP must be in [0, 1]',
  'options.numBeamGroups must be >= 1 and divide numBeams',
  'options.diversityPenalty must be finite and > 0 with numBeamGroups > 1 (and no doSample), 0 without'];
const STATUS = { nan: 1, badShape: 3, badArgument: 6, badBias: 10, badMaskToken: 11, bitmaskTooShort: 12, badHistoryToken: 13 };

function int(name, v, def, min, max = 2 ** 31 - 1) {
  return v === undefined ? def : checkNumber(name, v, { min, max, integer: true });
}

/** A beam search over batchSize prompts × numBeams beams; see docs/beam-search.md. */
export class BeamSearch {
  #lk;
  #handle;
  #rows;
  #vocab;
  #batch;
  #o;
  #lists;

  constructor(lk, options) {
    if (options === undefined) throw new TypeError('options must be an object with at least vocabSize (got undefined)');
    const o = checkOptions('options', options, KEYS);
    const vocab = checkNumber('options.vocabSize', o.vocabSize, { min: 1, max: 2 ** 24, integer: true });
    const numBeams = int('options.numBeams', o.numBeams, 1, 1, 4096);
    const batch = int('options.batchSize', o.batchSize, 1, 1, 2 ** 20);
    const maxNew = int('options.maxNewTokens', o.maxNewTokens, 20, 1);
    const minNew = int('options.minNewTokens', o.minNewTokens, 0, 0);
    const nrs = int('options.numReturnSequences', o.numReturnSequences, 1, 1, numBeams);
    const lp = o.lengthPenalty === undefined ? 1 : checkNumber('options.lengthPenalty', o.lengthPenalty);
    if (!Number.isFinite(lp)) throw new RangeError(`options.lengthPenalty must be finite, got ${lp}`);
    const es = o.earlyStopping ?? false;
    if (es !== true && es !== false && es !== 'never') {
      throw new (typeof es === 'boolean' || typeof es === 'string' ? RangeError : TypeError)(
        `options.earlyStopping must be true, false or "never" (got ${describe(es)})`);
    }
    const rp = o.repetitionPenalty === undefined ? 1 : checkNumber('options.repetitionPenalty', o.repetitionPenalty, { min: 0, minExclusive: true });
    if (!Number.isFinite(rp)) throw new RangeError(`options.repetitionPenalty must be finite, got ${rp}`);
    const ngram = int('options.noRepeatNgramSize', o.noRepeatNgramSize, 0, 0);
    const pad = o.padTokenId === undefined ? -1 : checkNumber('options.padTokenId', o.padTokenId, { min: 0, max: vocab - 1, integer: true });
    const eos = tokenList('eosTokenId', o.eosTokenId);
    const suppress = tokenList('suppressTokens', o.suppressTokens);
    const begin = tokenList('beginSuppressTokens', o.beginSuppressTokens);
    const [badWords, badOffsets] = sequences('badWords', o.badWords);
    const bias = biasEntries(o.logitBias);
    let prompts = [new Int32Array(0), new Int32Array(0)];
    if (o.prompts !== undefined) {
      if (!Array.isArray(o.prompts)) throw new TypeError(`options.prompts must be an array of token-id arrays (got ${describe(o.prompts)})`);
      if (o.prompts.length !== batch) throw new RangeError(`options.prompts must hold batchSize (${batch}) token lists, got ${o.prompts.length}`);
      const parts = o.prompts.map((p, i) => tokenList(`prompts[${i}]`, p));
      const off = new Int32Array(parts.length + 1);
      parts.forEach((p, i) => { off[i + 1] = off[i] + p.length; });
      const all = new Int32Array(off[parts.length]);
      parts.forEach((p, i) => all.set(p, off[i]));
      prompts = [all, off];
    }
    // Token ids beyond the vocabulary, named before the core sees them.
    const named = [['options.eosTokenId', eos], ['options.suppressTokens', suppress], ['options.beginSuppressTokens', begin],
      ['options.badWords (flattened)', badWords], ['options.logitBias', Int32Array.from(bias, (e) => e[0])],
      ['options.prompts (flattened)', prompts[0]]];
    for (const [name, list] of named) {
      const i = list.findIndex((t) => t >= vocab);
      if (i >= 0) throw new RangeError(`${name}[${i}] (token ${list[i]}) is not a token of this vocabulary: token ids must be < vocabSize (${vocab})`);
    }
    const doSample = o.doSample ?? false;
    if (typeof doSample !== 'boolean') throw new TypeError(`options.doSample must be a boolean (got ${describe(doSample)})`);
    const set = SAMPLING.find((key) => o[key] !== undefined);
    if (set && !doSample) throw new RangeError(`options.${set} needs doSample: true`);
    // Ranges are the core's (ARG_RULES); here the types.
    const num = (key, def) => (o[key] === undefined ? def : checkNumber(`options.${key}`, o[key]));
    const sampling = [+doSample, num('temperature', 1), int('options.topK', o.topK, 0, 0), num('topP', 1), num('minP', 0)];
    const words = (key) => { const x = BigInt(u64String(`options.${key}`, o[key] ?? 0)); return [Number(x & 0xffffffffn), Number(x >> 32n)]; };
    const seedWords = [...words('seed'), ...words('stream')];
    const groups = [int('options.numBeamGroups', o.numBeamGroups, 1, 1), num('diversityPenalty', 0)];
    const k = Math.max(2, 1 + eos.length) * numBeams;
    if (numBeams * vocab < k) throw new RangeError(`options.vocabSize (${vocab}) is too small: numBeams · vocabSize must be >= max(2, 1 + number of EOS ids) · numBeams = ${k}`);

    this.#lk = lk;
    this.#rows = batch * numBeams;
    this.#vocab = vocab;
    this.#batch = batch;
    this.#o = o;
    const params = new Float64Array([batch, numBeams, vocab, maxNew, minNew, nrs, lp, es === 'never' ? 2 : es ? 1 : 0, rp, ngram, pad,
      ...sampling, ...groups]);
    const lists = [eos, suppress, begin, badWords, badOffsets, Int32Array.from(bias, (e) => e[0]), prompts[0], prompts[1],
      new Int32Array(seedWords)];
    const packed = new Int32Array(lists.reduce((n, l) => n + 1 + l.length, 0));
    let at = 0;
    for (const l of lists) { packed[at++] = l.length; packed.set(l, at); at += l.length; }
    this.#lists = { params, packed, biasValues: Float64Array.from(bias, (e) => e[1]) };
    this.#handle = new lk._m.BeamBinding();
    lk._registry.register(this, { handle: this.#handle }, this);
    this.reset();
  }

  /** True when `lk` made this searcher. */
  _ownedBy(lk) {
    return lk === this.#lk;
  }

  #live() {
    if (this.#handle === null) throw new TypeError('this BeamSearch was disposed: it must not be used after dispose()');
    return this.#handle;
  }

  #check(code, ctx = {}) {
    if (code === 0) return;
    const idx = this.#lk._m.lastErrorIndex();
    if (code === STATUS.badArgument && ARG_RULES[idx]) throw new RangeError(ARG_RULES[idx]);
    this.#lk._check(code, { cols: this.#vocab, ...ctx, other: `beamSearch: ${this.#lk._m.statusMessage(code)} (at index ${idx})` });
  }

  /** Starts the search again with the same options. */
  reset() {
    const h = this.#live();
    const lk = this.#lk;
    const p = lk._in('options', this.#lists.params, SLOT.params, Float64Array);
    const l = lk._in('options', this.#lists.packed, SLOT.lists, Int32Array);
    const b = lk._in('options.logitBias', this.#lists.biasValues, SLOT.biasValues, Float64Array);
    this.#check(h.reset(p.ptr, l.ptr, b.ptr));
  }

  /** batchSize · numBeams: the rows every step takes. */
  get rows() {
    return this.#rows;
  }

  /** Steps taken since the start (tokens generated per beam). */
  get steps() {
    return this.#live().steps();
  }

  /** True when HF's generate() would stop: call finalize(). */
  get done() {
    return this.#live().done();
  }

  /**
   * One step: logits of the running beams, [rows × vocabSize] (a Float32Array
   * is copied, a LogitBuffer read in place). Returns, per row of the next
   * step, the row it continues (`parents`), the token it appends and its
   * running score; `done` says whether the search is over.
   */
  step(logits, options) {
    const o = checkOptions('options', options, STEP_KEYS);
    const h = this.#live();
    const lk = this.#lk;
    const x = lk._in('logits', logits, SLOT.logits);
    const want = this.#rows * this.#vocab;
    if (x.length !== want) {
      throw new RangeError(`logits.length must be rows × vocabSize = ${this.#rows} × ${this.#vocab} = ${want} ` +
        `(batchSize · numBeams rows, in beam order), got ${x.length}`);
    }
    let mask = { ptr: 0, words: 0 };
    if (o.bitmask !== undefined) {
      const m = o.bitmask;
      if (!(m instanceof Uint32Array || m instanceof Int32Array)) {
        throw new TypeError(`options.bitmask must be a Uint32Array (XGrammar layout, one row of ceil(V / 32) words per beam) (got ${describe(m)})`);
      }
      const words = m.length / this.#rows;
      if (!Number.isInteger(words) || words < Math.ceil(this.#vocab / 32)) {
        throw new RangeError(`options.bitmask must hold rows × ceil(vocabSize / 32) = ${this.#rows} × ${Math.ceil(this.#vocab / 32)} words, got ${m.length}`);
      }
      mask = { ptr: lk._in('options.bitmask', new Int32Array(m.buffer, m.byteOffset, m.length), SLOT.bitmask, Int32Array).ptr, words };
    }
    if (h.done()) throw new RangeError(ARG_RULES[12]);
    this.#check(h.step(x.ptr, this.#rows, mask.ptr, mask.words));
    const heap = lk._m.HEAPU8.buffer, n = this.#rows;
    const promptDone = new Uint8Array(heap, h.promptDone(), this.#batch);
    return {
      parents: new Int32Array(heap, h.parents(), n).slice(),
      tokens: new Int32Array(heap, h.tokens(), n).slice(),
      scores: new Float64Array(heap, h.scores(), n).slice(),
      promptDone: Array.from(promptDone, (d) => d !== 0),
      done: h.done(),
    };
  }

  /**
   * Up to numReturnSequences finished hypotheses per prompt, best first
   * (`hypotheses[b]`), and HF's output layout: `sequences`, [batchSize ·
   * numReturnSequences × length] generated tokens padded with `padValue`.
   */
  finalize() {
    const h = this.#live();
    h.finalize();
    const heap = this.#lk._m.HEAPU8.buffer;
    const counts = new Int32Array(heap, h.finalCounts(), this.#batch).slice();
    const total = counts.reduce((a, b) => a + b, 0);
    const offsets = new Int32Array(heap, h.finalOffsets(), total + 1).slice();
    const tokens = new Int32Array(heap, h.finalTokens(), offsets[total]).slice();
    const scores = new Float64Array(heap, h.finalScores(), total).slice();
    const logprobs = new Float64Array(heap, h.finalLogprobs(), total).slice();
    const nrs = this.#o.numReturnSequences ?? 1;
    const hypotheses = [];
    let i = 0, length = 0;
    for (let b = 0; b < this.#batch; b++) {
      const list = [];
      for (let j = 0; j < counts[b]; j++, i++) {
        list.push({ tokens: tokens.slice(offsets[i], offsets[i + 1]), score: scores[i], logprob: logprobs[i] });
        length = Math.max(length, offsets[i + 1] - offsets[i]);
      }
      hypotheses.push(list);
    }
    const padValue = h.fillToken();
    const sequences = new Int32Array(this.#batch * nrs * length).fill(padValue);
    hypotheses.forEach((list, b) => list.forEach((hyp, j) => sequences.set(hyp.tokens, (b * nrs + j) * length)));
    return { hypotheses, sequences, length, padValue };
  }

  dispose() {
    if (this.#handle === null) return;
    this.#lk._registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

keepName(BeamSearch, 'BeamSearch');

export function installBeam(Logitkit) {
  /** A beam search (HF generate() semantics); see BeamSearch. */
  Logitkit.prototype.beamSearch = function (options) {
    return new BeamSearch(this, options);
  };
}
