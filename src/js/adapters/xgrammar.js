// XGrammar (@mlc-ai/web-xgrammar) adapter, with no import of it: a compiled
// grammar's GrammarMatcher (duck-typed: getNextTokenBitmask, acceptToken,
// isTerminated, reset) hands each step's token bitmask (int32 words, bit
// t % 32 of word t / 32 set = allowed), which is the layout of
// sampler.sample(logits, { bitmask }). The mask is applied with the sampler's
// other masks, before every filter, so the filters choose among the tokens
// the grammar allows and the draw never leaves the grammar.
import { checkNumber, checkOptions, describe } from '../errors.js';
import { checkBitmask, checkLogitkit } from './rows.js';

const disposeSymbol = Symbol.dispose ?? Symbol.for('Symbol.dispose');
const MATCHER_METHODS = ['getNextTokenBitmask', 'acceptToken', 'isTerminated', 'reset'];

function checkMatcher(matcher, where) {
  const missing = matcher === null || typeof matcher !== 'object' ? MATCHER_METHODS
    : MATCHER_METHODS.filter((m) => typeof matcher[m] !== 'function');
  if (missing.length) {
    throw new TypeError(`${where}: matcher must be a grammar matcher with ${MATCHER_METHODS.join(', ')} ` +
      `(XGrammar: await GrammarMatcher.createGrammarMatcher(compiledGrammar)); got ${describe(matcher)}` +
      (missing.length < MATCHER_METHODS.length ? ` without ${missing.join(', ')}` : ''));
  }
}

function vocabOf(logits) {
  if (logits instanceof Float32Array) return logits.length;
  if (logits !== null && typeof logits === 'object' && logits.view instanceof Float32Array) return logits.length; // a LogitBuffer
  throw new TypeError(`logits must be a Float32Array or a LogitBuffer (got ${describe(logits)})`);
}

/** How many of tokens 0 … vocabSize − 1 a bitmask allows (one pass over ceil(vocabSize / 32) words). */
export function allowedCount(bitmask, vocabSize) {
  checkBitmask(bitmask, 'allowedCount(bitmask): bitmask');
  checkNumber('vocabSize', vocabSize, { min: 0, max: bitmask.length * 32, integer: true });
  let n = 0;
  const full = vocabSize >>> 5;
  for (let w = 0; w <= full && w < bitmask.length; w++) {
    let v = bitmask[w] >>> 0;
    if (w === full) v &= (2 ** (vocabSize & 31) - 1) >>> 0;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return n;
}

// The first few allowed token ids, to name them in an error.
function firstAllowed(bitmask, vocabSize, max) {
  const ids = [];
  for (let t = 0; t < vocabSize && ids.length < max; t++) if ((bitmask[t >>> 5] >>> (t & 31)) & 1) ids.push(t);
  return ids;
}

/**
 * Why the sampler found no token under the grammar's mask. Only masks can
 * leave nothing: every filter keeps at least max(minKeep, 1) of the tokens
 * the mask allowed.
 */
function noTokenLeft(err, mask, vocab) {
  const n = allowedCount(mask, vocab);
  if (n === 0) {
    return new RangeError(`no token left: the grammar allows none of the ${vocab} tokens at this step and its matcher has not ` +
      'terminated (XGrammar does this at the grammar\'s end when the vocabulary has no stop token: create the matcher with ' +
      'terminateWithoutStopToken = true, or give TokenizerInfo the model\'s stop token ids)', { cause: err });
  }
  const ids = firstAllowed(mask, vocab, 8);
  return new RangeError(`no token left: the grammar allows ${n} of the ${vocab} tokens (${ids.join(', ')}${n > ids.length ? ', …' : ''}) ` +
    'but the sampler\'s own masks or -inf logits remove every one of them (bannedTokens, allowedTokens, logitBias, EOS before ' +
    'minNewTokens / minLength, noRepeatNgramSize, badWords); logitkit never draws outside the grammar', { cause: err });
}

const ended = (where) => new RangeError(`${where}: the grammar has ended (matcher.isTerminated()); reset() to start again`);

/**
 * A logitkit sampler driven by a grammar matcher: each step asks the matcher
 * for its bitmask, samples with it (the mask is applied before the filters),
 * and accepts the token into both the matcher and the sampler's history.
 * `done` turns true when the matcher terminates (it accepted a stop token, or
 * completed the grammar when made with terminateWithoutStopToken).
 * The matcher is the caller's: dispose() frees the sampler, not the matcher.
 */
export class LogitkitGrammarSampler {
  #mask = null; // this step's bitmask (a promise), asked of the matcher once per step

  constructor(lk, matcher, options) {
    checkLogitkit(lk, 'LogitkitGrammarSampler(lk, matcher, options)');
    checkMatcher(matcher, 'LogitkitGrammarSampler(lk, matcher, options)');
    const { unconstrainedLogprob = false, ...samplerOptions } = checkOptions('options', options);
    if (typeof unconstrainedLogprob !== 'boolean') throw new TypeError(`options.unconstrainedLogprob must be a boolean (got ${describe(unconstrainedLogprob)})`);
    this.lk = lk;
    this.matcher = matcher;
    this.unconstrainedLogprob = unconstrainedLogprob;
    this.sampler = lk.sampler(samplerOptions);
    this.lastResult = null;
  }

  /** True once the matcher has terminated: the grammar's output is complete. */
  get done() {
    return this.matcher.isTerminated() === true;
  }

  /** The next step's bitmask from the matcher (asked once per step; the same promise until accept()). */
  bitmask() {
    if (this.done) return Promise.reject(ended('bitmask()'));
    this.#mask ??= Promise.resolve(this.matcher.getNextTokenBitmask()).then((mask) => checkBitmask(mask, 'what matcher.getNextTokenBitmask() gives'));
    return this.#mask;
  }

  /**
   * One constrained step, not accepted: the sampler's result (logprob under
   * the final distribution, rawLogprob with rawLogprob: true under the
   * grammar-masked one before the filters) with the step's `bitmask`, and
   * with unconstrainedLogprob: true the token's log-probability under the
   * logits as given (log-softmax at T = 1, no grammar, no processing).
   */
  async sample(logits) {
    const vocab = vocabOf(logits);
    const mask = await this.bitmask();
    if (mask.length * 32 < vocab) {
      throw new RangeError(`the matcher's bitmask has ${mask.length} words (${mask.length * 32} tokens) but logits has ${vocab}: ` +
        `compile the grammar for the model's vocabulary (XGrammar: TokenizerInfo.createTokenizerInfo(vocab, type, prepend, vocabSize = ${vocab}))`);
    }
    let before = null, lse = 0;
    if (this.unconstrainedLogprob) {
      before = logits instanceof Float32Array ? logits : logits.view.slice(); // a LogitBuffer is processed in place
      lse = this.lk.logsumexp(before)[0];
    }
    let r;
    try {
      r = this.sampler.sample(logits, { bitmask: mask });
    } catch (err) {
      if (err instanceof RangeError && err.message.startsWith('no token left')) throw noTokenLeft(err, mask, vocab);
      throw err;
    }
    const result = { ...r, bitmask: mask };
    if (before !== null) result.unconstrainedLogprob = before[r.token] - lse;
    return result;
  }

  /** Appends `token` to the matcher's state and the sampler's history; a token the grammar rejects is a RangeError. */
  accept(token) {
    checkNumber('accept(token): token', token, { min: 0, max: 2 ** 31 - 1, integer: true });
    if (this.done) throw ended('accept(token)');
    if (this.matcher.acceptToken(token) !== true) {
      throw new RangeError(`accept(token): the grammar rejects token ${token} here (its bit is clear in this step's bitmask)`);
    }
    this.sampler.accept(token);
    this.#mask = null;
  }

  /** sample() then accept(); the result's `done` says whether the grammar has ended with this token. */
  async next(logits) {
    const r = await this.sample(logits);
    this.accept(r.token);
    r.done = this.done;
    this.lastResult = r;
    return r;
  }

  /** Back to the grammar's start and the sampler's draw 0, with `prompt` (or the prompt option) as history. */
  reset(prompt) {
    this.matcher.reset();
    this.sampler.reset(prompt);
    this.#mask = null;
    this.lastResult = null;
  }

  dispose() {
    this.sampler.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

/**
 * For transformers.js's generate(), whose logits processors are called
 * synchronously while XGrammar's getNextTokenBitmask() is async: pass this
 * object as generate()'s `streamer` and its `bitmask` as logitkit/transformers'
 * logitsProcessor option. generate() hands the streamer the prompt, then each
 * new token; the streamer accepts the token into the matcher and asks for the
 * next mask at once, which is ready when the model's forward pass (awaited by
 * generate()) is done. One sequence (batch 1) per streamer.
 */
export class GrammarStreamer {
  #ready = null;
  #pending = null;
  #error = null;
  #length = -1; // tokens of the sequence seen so far (prompt + accepted)

  constructor(matcher) {
    checkMatcher(matcher, 'GrammarStreamer(matcher)');
    this.matcher = matcher;
    this.bitmask = this.bitmask.bind(this);
  }

  get done() {
    return this.matcher.isTerminated() === true;
  }

  #fetch() {
    this.#ready = null;
    this.#error = null;
    if (this.done) return;
    const p = Promise.resolve().then(() => this.matcher.getNextTokenBitmask()).then((mask) => checkBitmask(mask, 'what matcher.getNextTokenBitmask() gives'));
    this.#pending = p;
    p.then((mask) => { if (this.#pending === p) this.#ready = mask; }, (err) => { if (this.#pending === p) this.#error = err; });
  }

  /** transformers.js streamer.put: the prompt first ([batch][seq] ids), then [[token]] per step. */
  put(value) {
    if (!Array.isArray(value) || value.length !== 1 || !Array.isArray(value[0]) && !ArrayBuffer.isView(value[0])) {
      throw new TypeError(`GrammarStreamer.put: value must be the ids of one sequence, [[...ids]] (batch 1; got ${describe(value)})`);
    }
    const ids = Array.from(value[0], Number);
    if (this.#length < 0) {
      this.#length = ids.length; // the prompt: the grammar starts after it
    } else {
      for (const t of ids) {
        if (this.done) throw ended('GrammarStreamer.put');
        if (this.matcher.acceptToken(t) !== true) throw new RangeError(`GrammarStreamer.put: the grammar rejects token ${t} here`);
        this.#length++;
      }
    }
    this.#fetch();
  }

  /** transformers.js streamer.end. */
  end() {}

  /**
   * The mask for the next token of `inputIds` (the sequence so far), for
   * logitsProcessor(lk, { bitmask: streamer.bitmask }).
   */
  bitmask(inputIds) {
    if (this.#length < 0) throw new RangeError('GrammarStreamer.bitmask: no prompt seen; pass this object as generate({ streamer })');
    if (inputIds !== undefined && inputIds.length !== this.#length) {
      throw new RangeError(`GrammarStreamer.bitmask: the sequence has ${inputIds.length} tokens but the streamer saw ${this.#length}; ` +
        'pass this object as generate({ streamer }) and use one streamer per sequence');
    }
    if (this.done) throw ended('GrammarStreamer.bitmask');
    if (this.#error) throw this.#error;
    if (this.#ready === null) throw new Error('GrammarStreamer.bitmask: the next mask is not ready yet (called before the model\'s forward pass awaited)');
    return this.#ready;
  }

  /** Back to the grammar's start; the next put() is a prompt. */
  reset() {
    this.matcher.reset();
    this.#length = -1;
    this.#pending = null;
    this.#ready = null;
    this.#error = null;
  }
}

/** new LogitkitGrammarSampler(lk, matcher, options). */
export function grammarSampler(lk, matcher, options) {
  return new LogitkitGrammarSampler(lk, matcher, options);
}

/** new GrammarStreamer(matcher). */
export function grammarStreamer(matcher) {
  return new GrammarStreamer(matcher);
}
