// Scoring given text (src/core/ops/scoring.h): per-token log-probabilities,
// ranks, top alternatives, entropy and perplexity of tokens that were given,
// not sampled, without materialising a [T × V] output.
import { checkNumber, checkOptions, checkTemperature, describe, optionKeys } from './errors.js';
import { LogitBuffer } from './buffer.js';
import { SLOTS } from './scratch.js';

const KEYS = {
  scoreTokens: optionKeys('scoreTokens', ['cols', 'temperature', 'topLogprobs', 'entropy', 'out']),
  compareContinuations: optionKeys('compareContinuations', ['cols', 'temperature', 'lengths']),
};
const MAX_TOP_LOGPROBS = 20;
const SLOT = SLOTS.scoring;

// Token ids as an Int32Array, each an integer in [0, vocab).
function tokenIds(name, v, vocab) {
  if (!(Array.isArray(v) || v instanceof Int32Array || v instanceof Uint32Array)) {
    throw new TypeError(`${name} must be an Int32Array or an array of token ids (got ${describe(v)})`);
  }
  const out = v instanceof Int32Array ? v : new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const t = v[i];
    if (!Number.isInteger(t) || t < 0) throw new RangeError(`${name}[${i}] must be a token id (an integer >= 0), got ${t}`);
    if (vocab !== undefined && t >= vocab) {
      throw new RangeError(`${name}[${i}] (token ${t}) is not a token of this vocabulary: token ids must be < ${vocab}, the logits' row length`);
    }
    out[i] = t;
  }
  return out;
}

function logitsLength(name, x) {
  if (x instanceof LogitBuffer || x instanceof Float32Array) return x.length;
  throw new TypeError(`${name} must be a Float32Array or a LogitBuffer (got ${describe(x)})`);
}

export function installScoring(Logitkit) {
  const proto = Logitkit.prototype;

  // Rows and columns of a [T × V] block for T tokens: options.cols, or length / T.
  proto._scoreShape = function (name, length, count, cols) {
    if (count === 0) throw new RangeError('tokens must not be empty: there is nothing to score');
    if (cols === undefined) {
      if (length % count !== 0 || length === 0) {
        throw new RangeError(`${name}.length (${length}) must be tokens.length (${count}) × the vocabulary size`);
      }
      return length / count;
    }
    checkNumber('options.cols', cols, { min: 1, integer: true });
    if (length % cols !== 0) throw new RangeError(`${name}.length (${length}) must be a multiple of options.cols (${cols})`);
    if (length / cols !== count) {
      throw new RangeError(`tokens.length (${count}) must equal the number of rows of ${name} (${name}.length / options.cols = ${length / cols})`);
    }
    return cols;
  };

  /**
   * Log-probabilities, ranks, top alternatives and entropy of the given
   * tokens under a [T × V] block of logits (row r predicts tokens[r]), and
   * the totals (sum, mean, perplexity).
   */
  proto.scoreTokens = function (logits, tokens, options) {
    const o = checkOptions('options', options, KEYS.scoreTokens);
    const t = checkTemperature(o.temperature);
    const topN = o.topLogprobs === undefined ? 0 : checkNumber('options.topLogprobs', o.topLogprobs, { min: 0, max: MAX_TOP_LOGPROBS, integer: true });
    const wantEntropy = o.entropy === undefined ? false : o.entropy;
    if (typeof wantEntropy !== 'boolean') throw new TypeError(`options.entropy must be a boolean (got ${describe(wantEntropy)})`);
    const length = logitsLength('logits', logits);
    const count = tokenIds('tokens', tokens).length;
    const cols = this._scoreShape('logits', length, count, o.cols);
    if (topN > cols) throw new RangeError(`options.topLogprobs (${topN}) must be <= the vocabulary size (${cols})`);
    const ids = tokenIds('tokens', tokens, cols);
    const x = this._in('logits', logits, SLOT.logits);
    const tok = this._in('tokens', ids, SLOT.tokens, Int32Array);
    const lp = this._out('options.out', o.out, count, SLOT.logprob, Float64Array);
    const rank = this._out('ranks', undefined, count, SLOT.rank, Int32Array);
    const ent = wantEntropy ? this._out('entropy', undefined, count, SLOT.entropy, Float64Array) : null;
    const topIndex = this._out('topTokens', undefined, count * topN, SLOT.topIndex, Int32Array);
    const topLogprob = this._out('topLogprobs', undefined, count * topN, SLOT.topLogprob, Float64Array);
    const totals = this._scratchPtr(SLOT.totals, 16);
    const code = this._m.scoreTokens(x.ptr, count, cols, tok.ptr, t, topN, lp.ptr, rank.ptr, ent ? ent.ptr : 0,
      topIndex.ptr, topLogprob.ptr, totals);
    this._check(code, { cols, other: (r) => `tokens[${r}] must be a token in [0, ${cols})` });
    const [sum, perplexity] = new Float64Array(this._m.HEAPU8.buffer, totals, 2);
    const result = { logprobs: lp.finish(), ranks: rank.finish(), count, sum, mean: sum / count, perplexity };
    if (ent) result.entropy = ent.finish();
    if (topN > 0) Object.assign(result, { topN, topTokens: topIndex.finish(), topLogprobs: topLogprob.finish() });
    return result;
  };

  /**
   * Multiple choice (lm-eval): several continuations of one prompt, each a
   * [n_i × V] block of logits with its n_i tokens, scored by total and by
   * length-normalised log-probability.
   */
  proto.compareContinuations = function (choices, options) {
    const o = checkOptions('options', options, KEYS.compareContinuations);
    if (!Array.isArray(choices)) throw new TypeError(`choices must be an array of { logits, tokens } (got ${describe(choices)})`);
    if (choices.length === 0) throw new RangeError('choices must not be empty');
    let lengths;
    if (o.lengths !== undefined) {
      if (!Array.isArray(o.lengths) && !ArrayBuffer.isView(o.lengths)) throw new TypeError(`options.lengths must be an array of numbers (got ${describe(o.lengths)})`);
      if (o.lengths.length !== choices.length) throw new RangeError(`options.lengths must hold one length per choice (${choices.length}), got ${o.lengths.length}`);
      lengths = Array.from(o.lengths, (v, i) => checkNumber(`options.lengths[${i}]`, v, { min: 0, minExclusive: true, max: Number.MAX_VALUE }));
    }
    const scores = choices.map((c, i) => {
      if (c === null || typeof c !== 'object') throw new TypeError(`choices[${i}] must be { logits, tokens } (got ${describe(c)})`);
      for (const key of Object.keys(c)) if (key !== 'logits' && key !== 'tokens') throw new RangeError(`choices[${i}].${key} is not a known field (known: logits, tokens)`);
      let s;
      try {
        s = this.scoreTokens(c.logits, c.tokens, { cols: o.cols, temperature: o.temperature });
      } catch (err) {
        throw relabel(err, i);
      }
      let greedy = true;
      for (const r of s.ranks) greedy &&= r === 1;
      const length = lengths ? lengths[i] : s.count;
      return { sum: s.sum, count: s.count, mean: s.mean, normalized: s.sum / length, perplexity: s.perplexity, greedy };
    });
    // Ties go to the earlier choice.
    const argmax = (key) => scores.reduce((best, s, i) => (s[key] > scores[best][key] ? i : best), 0);
    return { scores, best: argmax('sum'), bestNormalized: argmax('normalized') };
  };
}

// An error of scoreTokens, prefixed with the choice it came from.
function relabel(err, i) {
  if (!(err instanceof TypeError || err instanceof RangeError)) return err;
  return new err.constructor(`choices[${i}]: ${err.message}`);
}
