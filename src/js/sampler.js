// The sampler (src/core/sampling/sampler.h): every decoding control, sorting-free and
// exact, seeded with a counter-based generator. A Sampler owns wasm memory
// (dispose() it); its state (history, RNG position) saves to plain JSON.
import { checkNumber, checkOptions, describe, optionKeys } from './errors.js';
import { disposeSymbol, LogitBuffer } from './buffer.js';
import { checkAttached, keepName } from './logitkit.js';
import { SLOTS } from './scratch.js';


// Options that are not scalars: their shapes are this wrapper's (they fill
// the schema's token lists); the scalar options come from the schema.
const STRUCTURED = ['seed', 'stream', 'prompt', 'logitBias', 'bannedTokens', 'suppressTokens', 'allowedTokens',
  'beginSuppressTokens', 'eosTokenId', 'badWords', 'dryBreakers', 'order'];
const STEP_KEYS = optionKeys('Sampler.sample', ['bitmask']);
optionKeys('Sampler.next', STEP_KEYS);
optionKeys('Sampler.distribution', STEP_KEYS);
const ROWS_KEYS = optionKeys('sampleRows', ['cols']);
const SPECULATIVE_KEYS = optionKeys('speculativeVerify', ['seed', 'stream', 'counter']);
const SLOT = SLOTS.sampler;

/**
 * The sampler's schema, exported by the wasm module (src/core/sampling/sampler_options.h
 * and src/bindings/bind_sampler.cpp): scalar options with kinds, defaults and
 * ranges; stage names and order presets; the packed list layout; the result
 * layout; status codes. Parsed once per instance. Everything this file knows
 * of those comes from here.
 */
export function samplerSchema(lk) {
  if (lk._samplerSchema) return lk._samplerSchema;
  const s = JSON.parse(lk._m.samplerSchema());
  const schema = {
    ...s,
    keys: optionKeys('sampler', [...s.options.map((o) => o.name), ...STRUCTURED]),
    listIndex: Object.fromEntries(s.lists.map((name, i) => [name, i])),
  };
  lk._samplerSchema = schema;
  return schema;
}

// Checks an option against its schema entry; returns the value as the bindings take it.
function checkParam(option, v) {
  const name = `options.${option.name}`;
  if (option.kind === 'boolean') {
    if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean (got ${describe(v)})`);
    return v ? 1 : 0;
  }
  // NaN for a number reaches the core, which rejects it in its own words (the
  // same as for C++ users); an integer option cannot hold NaN, so it is named here.
  if (typeof v === 'number' && Number.isNaN(v) && option.kind !== 'integer') return v;
  checkNumber(name, v, {
    min: option.min ?? -Infinity, max: option.max ?? Infinity, minExclusive: option.minExclusive, integer: option.kind === 'integer',
  });
  if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite, got ${v}`);
  if (option.maxExclusive && v >= option.max) throw new RangeError(`${name} must be < ${option.max}, got ${v}`);
  return v;
}

/**
 * The scalar options as the bindings take them: one double per schema option,
 * its default where `o` leaves it out, each checked against its schema entry
 * (the checks need only the schema, so a stage's options are validated here
 * as soon as the registry declares them).
 */
export function samplerParams(schema, o) {
  return Float64Array.from(schema.options, (opt) => (o[opt.name] === undefined ? Number(opt.default) : checkParam(opt, o[opt.name])));
}

// The rule of an option in words (for a core kBadOption, which the checks above should have caught).
function ruleOf(option) {
  if (option.kind === 'boolean') return 'a boolean';
  const lo = option.min === null ? '' : `${option.minExclusive ? '>' : '>='} ${option.min}`;
  const hi = option.max === null ? '' : `${option.maxExclusive ? '<' : '<='} ${option.max}`;
  return `${option.kind === 'integer' ? 'an integer' : 'a finite number'}${lo || hi ? ` ${[lo, hi].filter(Boolean).join(' and ')}` : ''}`;
}

// `name` is an option's (options.<name>) unless `prefix` says otherwise
// (reset's argument is `prompt` itself).
export function tokenList(name, v, prefix = 'options.') {
  if (v === undefined) return new Int32Array(0);
  if (typeof v === 'number') v = [v];
  if (!(Array.isArray(v) || v instanceof Int32Array || v instanceof Uint32Array)) {
    throw new TypeError(`${prefix}${name} must be an array of token ids (got ${describe(v)})`);
  }
  const out = new Int32Array(v.length);
  v.forEach((t, i) => {
    if (typeof t !== 'number') throw new TypeError(`${prefix}${name}[${i}] must be a token id, a number (got ${describe(t)})`);
    if (!Number.isInteger(t) || t < 0 || t > 2 ** 31 - 1) throw new RangeError(`${prefix}${name}[${i}] must be a token id (an integer >= 0), got ${t}`);
    out[i] = t;
  });
  return out;
}

// Token sequences as (tokens, offsets) with offsets[0] = 0, one per sequence + 1.
export function sequences(name, v) {
  if (v === undefined) return [new Int32Array(0), new Int32Array(0)];
  if (!Array.isArray(v)) throw new TypeError(`options.${name} must be an array of token-id arrays (got ${describe(v)})`);
  const parts = v.map((seq, i) => {
    const t = tokenList(`${name}[${i}]`, seq);
    if (t.length === 0) throw new RangeError(`options.${name}[${i}] must not be empty`);
    return t;
  });
  const offsets = new Int32Array(parts.length + 1);
  parts.forEach((p, i) => { offsets[i + 1] = offsets[i] + p.length; });
  const tokens = new Int32Array(offsets[parts.length]);
  parts.forEach((p, i) => tokens.set(p, offsets[i]));
  return [tokens, parts.length ? offsets : new Int32Array(0)];
}

export function biasEntries(v) {
  if (v === undefined) return [];
  let entries;
  if (v instanceof Map) entries = [...v.entries()];
  else if (Array.isArray(v)) entries = v;
  else if (typeof v === 'object' && v !== null) entries = Object.entries(v);
  else throw new TypeError(`options.logitBias must be an object {token: value}, a Map or an array of [token, value] (got ${describe(v)})`);
  return entries.map((e, i) => {
    if (!Array.isArray(e) || e.length !== 2) throw new TypeError(`options.logitBias[${i}] must be a [token, value] pair`);
    const token = Number(e[0]);
    if (!Number.isInteger(token) || token < 0) throw new RangeError(`options.logitBias: token ${e[0]} must be an integer >= 0`);
    if (typeof e[1] !== 'number') throw new TypeError(`options.logitBias[${token}] must be a number (got ${describe(e[1])})`);
    if (Number.isNaN(e[1])) throw new RangeError(`options.logitBias[${token}] must be a number, got NaN`);
    return [token, e[1]];
  });
}

function orderOf(v, schema) {
  if (v === undefined) return new Int32Array(0);
  // Own presets only: 'toString' or '__proto__' is an unknown name, not an inherited property.
  const names = typeof v === 'string' ? (Object.hasOwn(schema.orders, v) ? schema.orders[v] : undefined) : v;
  const presets = Object.keys(schema.orders).map((k) => `'${k}'`).join(', ');
  if (names === undefined) throw new RangeError(`options.order must be ${presets} or an array of stage names, got '${v}'`);
  if (!Array.isArray(names)) throw new TypeError(`options.order must be ${presets} or an array of stage names (got ${describe(v)})`);
  // An unknown name crosses as -1: the core words every order error (sampler_options_message).
  return Int32Array.from(names, (s) => schema.stages.indexOf(s));
}

// The schema's token lists packed as one Int32Array: per list its length
// (-1 for an absent allowedTokens) and its tokens.
function packLists(schema, lists) {
  let size = 0;
  for (const name of schema.lists) {
    if (!(name in lists)) throw new Error(`logitkit: the sampler schema has a list '${name}' this wrapper does not fill`);
    size += 1 + (lists[name]?.length ?? 0);
  }
  const packed = new Int32Array(size);
  let at = 0;
  for (const name of schema.lists) {
    const list = lists[name];
    packed[at++] = list === null ? -1 : list.length;
    if (list) { packed.set(list, at); at += list.length; }
  }
  return packed;
}

export function u64String(name, v) {
  if (typeof v === 'bigint') {
    if (v < 0n || v >= 2n ** 64n) throw new RangeError(`${name} must be in [0, 2^64), got ${v}`);
    return v.toString();
  }
  if (typeof v === 'string' && /^[0-9]+$/.test(v) && BigInt(v) < 2n ** 64n) return v;
  if (typeof v !== 'number') throw new TypeError(`${name} must be an integer, a BigInt or a decimal string (got ${describe(v)})`);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be an integer in [0, 2^53) (or a BigInt), got ${v}`);
  return String(v);
}


// Names entry i of a flattened list of sequences as name[s][k].
function sequenceEntry(name, seqs) {
  return (i) => {
    for (let s = 0; s < seqs.length; s++) {
      const len = typeof seqs[s] === 'number' ? 1 : seqs[s].length;
      if (i < len) return `${name}[${s}][${i}] (token ${typeof seqs[s] === 'number' ? seqs[s] : seqs[s][i]})`;
      i -= len;
    }
    return name;
  };
}

// The same error with its argument renamed (options.x → json.options.x).
function relabel(err, from, to) {
  if (!(err instanceof TypeError || err instanceof RangeError) || !err.message.startsWith(from)) return err;
  const copy = new err.constructor(to + err.message.slice(from.length));
  return copy;
}

/** One generated sequence's sampler: configuration, history and RNG position. */
export class Sampler {
  #lk;
  #handle;
  #address = 0; // the SamplerBinding's address, for the plain lk_sampler_sample / lk_sampler_accept exports
  #options;
  #schema;
  #tokenLists;

  constructor(lk, options) {
    const schema = samplerSchema(lk);
    const o = checkOptions('options', options, schema.keys);
    this.#lk = lk;
    this.#schema = schema;
    this.#options = o;
    const params = samplerParams(schema, o);
    const bias = biasEntries(o.logitBias);
    // bannedTokens and suppressTokens reach the core as one list, in that order.
    const banned = tokenList('bannedTokens', o.bannedTokens), suppress = tokenList('suppressTokens', o.suppressTokens);
    const lists = {
      banned: Int32Array.from([...banned, ...suppress]),
      allowed: o.allowedTokens === undefined ? null : tokenList('allowedTokens', o.allowedTokens),
      beginSuppress: tokenList('beginSuppressTokens', o.beginSuppressTokens),
      eos: tokenList('eosTokenId', o.eosTokenId),
      order: orderOf(o.order, schema),
      biasTokens: Int32Array.from(bias, (e) => e[0]),
      prompt: tokenList('prompt', o.prompt),
    };
    [lists.badWords, lists.badWordsOffsets] = sequences('badWords', o.badWords);
    [lists.dryBreakers, lists.dryBreakersOffsets] = sequences('dryBreakers', o.dryBreakers);
    const seed = u64String('options.seed', o.seed === undefined ? 0 : o.seed);
    const stream = u64String('options.stream', o.stream === undefined ? 0 : o.stream);

    // Kept to name the offending entry when the core rejects a token (>= V).
    this.#tokenLists = [
      ['options.logitBias', lists.biasTokens, (i) => `options.logitBias entry ${i} (token ${bias[i][0]})`],
      ['options.bannedTokens', banned],
      ['options.suppressTokens', suppress],
      ...(lists.allowed === null ? [] : [['options.allowedTokens', lists.allowed]]),
      ['options.beginSuppressTokens', lists.beginSuppress],
      ['options.eosTokenId', lists.eos],
      ['options.badWords', lists.badWords, sequenceEntry('options.badWords', o.badWords)],
      ['options.dryBreakers', lists.dryBreakers, sequenceEntry('options.dryBreakers', o.dryBreakers)],
    ];

    // One call builds the sampler from three buffers; nothing is allocated
    // before it, so a failure above leaves nothing behind.
    const p = lk._in('options', params, SLOT.params, Float64Array);
    const packed = lk._in('options', packLists(schema, lists), SLOT.lists, Int32Array);
    const values = lk._in('options.logitBias', Float32Array.from(bias, (e) => e[1]), SLOT.biasValues);
    const handle = new lk._m.SamplerBinding(seed, stream, p.ptr, packed.ptr, values.ptr);
    // The core checks the options as a whole (the order against the enabled
    // stages, NaN, one selector): a bad one is an error here, not at the first step.
    if (handle.optionsCode() !== 0) {
      const message = handle.optionsMessage();
      handle.delete();
      throw new RangeError(message);
    }
    this.#handle = handle;
    this.#address = this.#handle.address();
    lk._registry.register(this, { handle: this.#handle }, this);
  }

  /** True when `lk` made this sampler. */
  _ownedBy(lk) {
    return lk === this.#lk;
  }

  /** True once dispose() has run (for sampleRows' argument check). */
  get _disposed() {
    return this.#handle === null;
  }

  #live() {
    if (this.#handle === null) throw new TypeError('this Sampler was disposed: it must not be used after dispose()');
    return this.#handle;
  }

  #setPrompt(tokens) {
    const d = this.#lk._in('prompt', tokens, SLOT.lists, Int32Array);
    this.#live().setPrompt(d.ptr, tokens.length);
  }

  #bitmask(options) {
    const mask = options.bitmask;
    if (mask === undefined) return { ptr: 0, words: 0 };
    if (!(mask instanceof Uint32Array || mask instanceof Int32Array)) {
      throw new TypeError(`options.bitmask must be a Uint32Array (XGrammar layout: bit i % 32 of word i / 32 set = allowed) (got ${describe(mask)})`);
    }
    return { ptr: this.#lk._in('options.bitmask', new Int32Array(mask.buffer, mask.byteOffset, mask.length), SLOT.bitmask, Int32Array).ptr, words: mask.length };
  }

  #error(code, vocab, mask) {
    const lk = this.#lk;
    const idx = lk._m.lastErrorIndex();
    const status = this.#schema.status;
    if (code === status.bitmaskTooShort) {
      throw new RangeError(`options.bitmask must hold at least ceil(${vocab} / 32) = ${Math.ceil(vocab / 32)} words, ` +
        `one bit per token of the ${vocab} logits, got ${mask.words}`);
    }
    if (code === status.badOption) {
      const option = this.#schema.options[idx];
      throw new RangeError(`options.${option.name} must be ${ruleOf(option)}`);
    }
    if (code === status.badBias || code === status.badMaskToken || code === status.badDryBreakers) {
      for (const [name, tokens, label] of this.#tokenLists) {
        const i = tokens.findIndex((t) => t >= vocab);
        if (i >= 0) {
          throw new RangeError(`${label ? label(i) : `${name}[${i}] (token ${tokens[i]})`} is not a token of this vocabulary: ` +
            `token ids must be < ${vocab}, the length of the logits`);
        }
      }
    }
    if (code === status.badHistoryToken) {
      const history = this.saveState().history ?? [];
      const i = history.findIndex((t) => t >= vocab);
      if (i >= 0) {
        throw new RangeError(`the history's token ${history[i]} at position ${i} (the prompt, then accepted tokens) is not a token of ` +
          `this vocabulary: token ids must be < ${vocab}, the length of the logits`);
      }
    }
    lk._check(code, {
      cols: vocab,
      noTokenLeft: 'no token left: every token was masked or filtered (check bannedTokens, allowedTokens, bitmask and logitBias)',
      other: () => `sampler: ${lk._m.statusMessage(code)} (at index ${idx})`,
    });
  }

  /**
   * One step on one row of logits. A Float32Array is copied (left unchanged);
   * a LogitBuffer is processed in place (it then holds the processed logits).
   * The token is not appended to the history: call accept(token).
   */
  sample(logits, options) {
    const o = checkOptions('options', options, STEP_KEYS);
    this.#live();
    const lk = this.#lk;
    const x = lk._in('logits', logits, SLOT.logits);
    const mask = this.#bitmask(o);
    const layout = this.#schema.result;
    const out = lk._scratchPtr(SLOT.result, layout.size * 8);
    const code = lk._m._lk_sampler_sample(this.#address, x.ptr, x.length, mask.ptr, mask.words, out);
    if (code !== 0) this.#error(code, x.length, mask);
    const r = new Float64Array(lk._m.HEAPU8.buffer, out, layout.size);
    const top = [];
    for (let i = 0; i < r[layout.topCount]; i++) top.push({ token: r[layout.topTokens + i], logprob: r[layout.topLogprobs + i] });
    return {
      token: r[layout.token], logprob: r[layout.logprob], rawLogprob: r[layout.rawLogprob], entropy: r[layout.entropy],
      candidates: r[layout.candidates], topLogprobs: top,
    };
  }

  /** sample() then accept() the token. */
  next(logits, options) {
    const r = this.sample(logits, options);
    this.accept(r.token);
    return r;
  }

  /**
   * The distribution the next sample() would draw from: the kept candidates in
   * ascending token id with their probabilities. Advances the RNG like a step.
   */
  distribution(logits, options) {
    const o = checkOptions('options', options, STEP_KEYS);
    const h = this.#live();
    const lk = this.#lk;
    const x = lk._in('logits', logits, SLOT.logits);
    const mask = this.#bitmask(o);
    const ids = lk._scratchPtr(SLOT.ids, x.length * 4);
    const probs = lk._scratchPtr(SLOT.probs, x.length * 4);
    const count = lk._scratchPtr(SLOT.count, 4);
    const code = h.distribution(x.ptr, x.length, mask.ptr, mask.words, ids, probs, count);
    if (code !== 0) this.#error(code, x.length, mask);
    const n = new Uint32Array(lk._m.HEAPU8.buffer, count, 1)[0];
    return { ids: new Int32Array(lk._m.HEAPU8.buffer, ids, n).slice(), probs: new Float32Array(lk._m.HEAPU8.buffer, probs, n).slice() };
  }

  /** Appends a generated token to the history. */
  accept(token) {
    checkNumber('accept(token): token', token, { min: 0, max: 2 ** 31 - 1, integer: true });
    this.#live();
    this.#lk._m._lk_sampler_accept(this.#address, token);
  }

  /** Back to draw 0 of the same stream with the prompt (the constructor's, or `prompt`) as history. */
  reset(prompt) {
    this.#live().reset();
    this.#setPrompt(prompt == null ? tokenList('prompt', this.#options.prompt) : tokenList('prompt', prompt, ''));
  }

  /** History length (prompt + accepted tokens). */
  get historyLength() {
    return this.#live().historyLength();
  }

  /** The state (history, RNG position, mirostat mu) as a plain object; see restore(). */
  saveState() {
    return JSON.parse(this.#live().save());
  }

  /** Restores a saveState() (object or JSON string): generation resumes exactly. */
  restoreState(state) {
    if (typeof state !== 'string' && (state === null || typeof state !== 'object' || Array.isArray(state))) {
      throw new TypeError(`state must be a saveState() object or its JSON string (got ${describe(state)})`);
    }
    const json = typeof state === 'string' ? state : JSON.stringify(state);
    const code = this.#live().restore(json);
    if (code !== 0) throw new RangeError('state is not a state saved by Sampler.saveState() (it does not parse, or a field is missing or out of range)');
  }

  /** Options and state as JSON: lk.samplerFromJSON(json) rebuilds the sampler exactly. */
  toJSON() {
    const o = { ...this.#options };
    if (o.logitBias instanceof Map) o.logitBias = [...o.logitBias.entries()];
    // JSON has no ±Infinity (it writes null): such a bias is written as ±1e39,
    // which the bias's float32 storage holds as ±Infinity too, so the sampler is rebuilt exactly.
    const entries = biasEntries(o.logitBias);
    if (entries.some(([, v]) => !Number.isFinite(v))) o.logitBias = entries.map(([t, v]) => [t, Number.isFinite(v) ? v : Math.sign(v) * 1e39]);
    for (const k of ['seed', 'stream']) if (typeof o[k] === 'bigint') o[k] = o[k].toString();
    for (const [k, v] of Object.entries(o)) if (ArrayBuffer.isView(v)) o[k] = Array.from(v);
    return { options: o, state: this.saveState() };
  }

  dispose() {
    if (this.#handle === null) return;
    this.#lk._registry.unregister(this);
    this.#handle.delete();
    this.#handle = null;
    this.#address = 0;
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

keepName(Sampler, 'Sampler');

export function installSampler(Logitkit) {
  const proto = Logitkit.prototype;

  /** A sampler for one sequence; see Sampler. */
  proto.sampler = function (options) {
    return new Sampler(this, options);
  };

  /** Rebuilds a sampler from Sampler.toJSON() (object or string). */
  proto.samplerFromJSON = function (json) {
    let j = json;
    if (typeof json === 'string') {
      try {
        j = JSON.parse(json);
      } catch (err) {
        throw new TypeError(`json must be the output of Sampler.toJSON() (an object or its JSON string); the string does not parse: ${err.message}`);
      }
    }
    if (j === null || typeof j !== 'object' || Array.isArray(j) || j.options === null || typeof j.options !== 'object' ||
        j.state === null || typeof j.state !== 'object') {
      throw new TypeError(`json must be { options, state } from Sampler.toJSON() (got ${describe(j)}${j && typeof j === 'object' ? ` with keys ${Object.keys(j).join(', ') || 'none'}` : ''})`);
    }
    let s;
    try {
      s = new Sampler(this, j.options);
    } catch (err) {
      throw relabel(err, 'options', 'json.options');
    }
    try {
      s.restoreState(j.state);
    } catch (err) {
      s.dispose();
      throw relabel(err, 'state', 'json.state');
    }
    return s;
  };

  /**
   * B rows of logits, row r sampled by samplers[r] (each with its own stream),
   * so results do not depend on B. Returns one result per row.
   */
  proto.sampleRows = function (samplers, logits, options) {
    const o = checkOptions('options', options, ROWS_KEYS);
    if (!Array.isArray(samplers)) throw new TypeError(`samplers must be an array of Sampler (got ${describe(samplers)})`);
    samplers.forEach((s, i) => {
      if (!(s instanceof Sampler)) throw new TypeError(`samplers[${i}] must be a Sampler (got ${describe(s)})`);
      if (!s._ownedBy(this)) {
        throw new TypeError(`samplers[${i}] is a Sampler of another logitkit instance (each load() has its own wasm memory): ` +
          'make the samplers with this instance');
      }
      // Before any row is sampled: no sampler advances when another cannot.
      if (s._disposed) throw new TypeError(`samplers[${i}] is a Sampler that was disposed: it must not be used after dispose()`);
    });
    if (logits instanceof LogitBuffer) logits._ptr('logits', this);
    const x = logits instanceof LogitBuffer ? logits.view : logits;
    if (!(x instanceof Float32Array)) throw new TypeError(`logits must be a Float32Array or a LogitBuffer (got ${describe(logits)})`);
    if (x.length === 0) checkAttached('logits', x);
    const cols = o.cols === undefined ? x.length / samplers.length : checkNumber('options.cols', o.cols, { min: 1, integer: true });
    if (!Number.isInteger(cols) || cols * samplers.length !== x.length) {
      throw new RangeError(`logits.length (${x.length}) must be samplers.length (${samplers.length}) × options.cols`);
    }
    return samplers.map((s, r) => {
      try {
        return s.sample(x.subarray(r * cols, (r + 1) * cols));
      } catch (err) {
        // The sampler names an element of its own row: name it in `logits`.
        const m = err instanceof RangeError && /^logits\[(\d+)\](?: \(row \d+, column \d+\))?/.exec(err.message);
        if (!m) throw err;
        const c = Number(m[1]);
        throw new RangeError(`logits[${r * cols + c}] (row ${r}, column ${c})${err.message.slice(m[0].length)}`);
      }
    });
  };

  /**
   * Speculative decoding acceptance (Leviathan et al. 2023): target [(k+1) × V]
   * and draft [k × V] probabilities, draft tokens [k]. Returns the accepted
   * count, the token emitted after them and the RNG counter to continue from.
   */
  proto.speculativeVerify = function (target, draft, draftTokens, options) {
    const o = checkOptions('options', options, SPECULATIVE_KEYS);
    if (!(draftTokens instanceof Int32Array)) throw new TypeError(`draftTokens must be an Int32Array (got ${describe(draftTokens)})`);
    const k = draftTokens.length;
    const t = this._in('target', target, SLOT.target);
    if (t.length % (k + 1) !== 0 || t.length === 0) throw new RangeError(`target.length (${t.length}) must be (draftTokens.length + 1) × vocabulary`);
    const vocab = t.length / (k + 1);
    const d = this._in('draft', draft, SLOT.draft);
    if (d.length !== k * vocab) throw new RangeError(`draft must hold draftTokens.length × vocabulary = ${k * vocab} probabilities, got ${d.length}`);
    const tok = this._in('draftTokens', draftTokens, SLOT.draftTokens, Int32Array);
    const out = this._scratchPtr(SLOT.result, 24);
    const code = this._m.speculativeVerify(t.ptr, d.ptr, tok.ptr, k, vocab, u64String('options.seed', o.seed === undefined ? 0 : o.seed),
      u64String('options.stream', o.stream === undefined ? 0 : o.stream), u64String('options.counter', o.counter === undefined ? 0 : o.counter), out);
    this._check(code, {
      probability: (i) => (i < t.length ? `target[${i}]` : `draft[${i - t.length}]`) + ' must be a probability in [0, 1]',
      other: (i) => `draftTokens[${i}] must be a token in [0, ${vocab})`,
      noTokenLeft: 'target: no token left: a distribution to draw from (a target row, or target − draft after a rejection) is all zero',
      empty: 'the vocabulary must not be empty',
    });
    const r = new Float64Array(this._m.HEAPU8.buffer, out, 3);
    return { accepted: r[0], token: r[1], counter: r[2] };
  };
}
