// transformers.js (@huggingface/transformers) adapter, with no import of it:
// its LogitsProcessorList calls each processor as processor(input_ids, logits)
// with logits a Tensor [batch, vocab] (duck-typed: .data, .dims, .type), and
// its samplers are called as sampler(logits) → [[token, logprob], ...].
import { checkOptions, describe } from '../errors.js';
import { callableInstance, checkBitmask, checkLogitkit, rowView, tensorRows, writeLogDistribution } from './rows.js';

const disposeSymbol = Symbol.dispose ?? Symbol.for('Symbol.dispose');

// The bitmask option of both classes: a per-step grammar mask callback, kept
// out of the sampler's options (a mask is an argument of the step).
function splitBitmask(options, where) {
  const { bitmask, ...samplerOptions } = checkOptions('options', options);
  if (bitmask !== undefined && typeof bitmask !== 'function') {
    throw new TypeError(`${where}: options.bitmask must be a function returning the step's token bitmask (got ${describe(bitmask)})`);
  }
  return { bitmask, samplerOptions };
}

function stepMask(mask, where) {
  if (mask === undefined || mask === null) return undefined;
  if (typeof mask?.then === 'function') {
    throw new TypeError(`${where}: options.bitmask returned a Promise, but transformers.js calls logits processors synchronously; ` +
      'compute the mask ahead (logitkit/xgrammar: generate({ streamer }) with a GrammarStreamer and its bitmask)');
  }
  return { bitmask: checkBitmask(mask, `${where}: what options.bitmask returns`, ', null or undefined') };
}

function tokenIds(name, ids) {
  if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new TypeError(`${name} must be an array of token ids (got ${describe(ids)})`);
  return Array.from(ids, Number);
}

/**
 * A logits processor for transformers.js's LogitsProcessorList (or generate's
 * `logits_processor`): every control of lk.sampler (top-p, min-p, typical,
 * penalties, bias, masks, ...) applied to each row of its Tensor, in place.
 * Each row becomes the log-probabilities of logitkit's final distribution
 * (-inf for dropped tokens), so transformers.js's own sampler then draws from
 * exactly that distribution. Row r keeps its own logitkit sampler whose
 * history follows input_ids[r]: the first call's input_ids are the prompt.
 * options.bitmask(inputIds, row), when given, is called for every row at
 * every step and returns that step's grammar bitmask (or null for none),
 * applied before the filters; it must return synchronously.
 */
export class LogitkitLogitsProcessor {
  constructor(lk, options) {
    checkLogitkit(lk, 'LogitkitLogitsProcessor(lk, options)');
    const { bitmask, samplerOptions } = splitBitmask(options, 'LogitkitLogitsProcessor(lk, options)');
    const self = callableInstance(new.target.prototype);
    self.lk = lk;
    self.options = { ...samplerOptions };
    self.bitmask = bitmask;
    self._rows = [lk.sampler(self.options)]; // options are checked here, once
    self._seen = [null];
    return self;
  }

  _row(r, ids) {
    if (this._rows[r] === undefined) {
      this._rows[r] = this.lk.sampler(this.options);
      this._seen[r] = null;
    }
    const s = this._rows[r];
    const seen = this._seen[r];
    const tokens = ids === undefined ? [] : tokenIds(`input_ids[${r}]`, ids);
    const extends_ = seen !== null && tokens.length >= seen.length && seen.every((t, i) => t === tokens[i]);
    if (extends_) {
      for (let i = seen.length; i < tokens.length; i++) s.accept(tokens[i]);
    } else {
      s.reset(tokens); // a new sequence: its tokens so far are the prompt
    }
    this._seen[r] = tokens;
    return s;
  }

  /** transformers.js's LogitsProcessor._call(input_ids, logits): processes logits in place and returns it. */
  _call(inputIds, logits) {
    const { data, vocab, rows } = tensorRows('logits', logits);
    if (inputIds != null && inputIds.length !== rows) {
      throw new RangeError(`input_ids has ${inputIds.length} rows but logits has ${rows} (dims [${logits.dims.join(', ')}])`);
    }
    for (let r = 0; r < rows; r++) {
      const row = rowView(data, r, vocab);
      const s = this._row(r, inputIds?.[r]);
      const step = this.bitmask === undefined ? undefined : stepMask(this.bitmask(inputIds?.[r], r), `logits processor, row ${r}`);
      writeLogDistribution(this.lk, row, s.distribution(row, step));
    }
    return logits;
  }

  /** Forgets every row's history: the next call starts new sequences. */
  reset() {
    this._seen.fill(null);
  }

  dispose() {
    for (const s of this._rows) s?.dispose();
    this._rows = [];
    this._seen = [];
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

/**
 * A sampler with transformers.js's LogitsSampler interface: sampler(logits) or
 * sampler.sample(logits) → Promise<[[token: bigint, logprob: number]]>, drawing
 * with a seeded logitkit sampler from the last row of logits (a Tensor whose
 * last axis is the vocabulary). One sampler per sequence: the drawn token is
 * appended to its history (for penalties and history masks).
 * options.bitmask(), when given, is awaited before every draw and gives that
 * step's grammar bitmask (or null for none).
 */
export class LogitkitSampler {
  constructor(lk, options) {
    checkLogitkit(lk, 'LogitkitSampler(lk, options)');
    const { bitmask, samplerOptions } = splitBitmask(options, 'LogitkitSampler(lk, options)');
    const self = callableInstance(new.target.prototype);
    self.lk = lk;
    self.bitmask = bitmask;
    self.sampler = lk.sampler(samplerOptions);
    self.lastResult = null;
    return self;
  }

  _call(logits) {
    return this.sample(logits);
  }

  async sample(logits) {
    const { data, vocab, rows } = tensorRows('logits', logits);
    const step = this.bitmask === undefined ? undefined : stepMask(await this.bitmask(), 'LogitkitSampler');
    const r = this.sampler.next(rowView(data, rows - 1, vocab), step);
    this.lastResult = r;
    return [[BigInt(r.token), r.logprob]];
  }

  /** Back to draw 0 with `prompt` (token ids, numbers or bigints) as history. */
  reset(prompt) {
    this.sampler.reset(prompt === undefined ? undefined : tokenIds('prompt', prompt));
    this.lastResult = null;
  }

  dispose() {
    this.sampler.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

/** new LogitkitLogitsProcessor(lk, options). */
export function logitsProcessor(lk, options) {
  return new LogitkitLogitsProcessor(lk, options);
}

/** new LogitkitSampler(lk, options). */
export function logitsSampler(lk, options) {
  return new LogitkitSampler(lk, options);
}
