// Classification, multi-label, retrieval and logit diagnostics
// (src/core/ops/topk.h, multilabel.h, similarity.h, diagnostics.h).
import { checkNumber, checkOptions, checkTemperature, describe, optionKeys } from './errors.js';
import { LogitBuffer } from './buffer.js';
import { Status } from './logitkit.js';
import { SLOTS } from './scratch.js';

const SLOT = SLOTS.classify;

// InputKind of src/core/classify/diagnostics.h, as warning codes.
const KINDS = [null, 'probabilities', 'log-probabilities', 'single-column'];
const KIND_MESSAGES = {
  probabilities: 'look like probabilities (every value in [0, 1], each row sums to 1), not logits: ' +
    'softmax of probabilities flattens them toward uniform; pass the logits, or use the values as they are',
  'log-probabilities': 'look like log-probabilities (every value <= 0, logsumexp = 0), not raw logits: ' +
    'they are already normalised (softmax of them is just exp, logSoftmax changes nothing); check for a double log-softmax',
  'single-column': 'have one column: softmax over one class is always 1; for a binary logit use sigmoid (or multiLabel)',
};
const METRICS = { dot: 0, cosine: 1 };
const SIMILARITY = ['dim', 'metric', 'scale'];
const KEYS = {
  topClasses: optionKeys('topClasses', ['cols', 'temperature', 'k']),
  decide: optionKeys('decide', ['cols', 'temperature', 'threshold']),
  multiLabel: optionKeys('multiLabel', ['cols', 'threshold', 'out']),
  similarity: optionKeys('similarity', [...SIMILARITY, 'out']),
  retrieve: optionKeys('retrieve', [...SIMILARITY, 'k', 'temperature']),
  diagnose: optionKeys('diagnose', ['cols', 'tornMargin']),
};

function checkK(k, cols, name = 'options.k') {
  if (k === undefined) return Math.min(5, cols);
  checkNumber(name, k, { min: 1, integer: true });
  if (k > cols) throw new RangeError(`${name} must be <= the number of columns (${cols}), got ${k}`);
  return k;
}

// A threshold number or per-class list as a Float64Array of 1 or `cols` values in [0, 1].
function thresholdsOf(name, v, cols) {
  if (typeof v === 'number') return Float64Array.of(v);
  const list = v instanceof Float64Array ? v : Array.isArray(v) || ArrayBuffer.isView(v) ? Float64Array.from(v) : null;
  if (list === null) throw new TypeError(`${name} must be a number or an array of ${cols} numbers (got ${describe(v)})`);
  if (list.length !== cols) throw new RangeError(`${name} must hold one threshold per class (${cols}), got ${list.length}`);
  return list;
}

function warningFor(code, rows, firstRow, total) {
  const which = total === 1 ? 'the logits' : `${rows} of ${total} rows (first: row ${firstRow})`;
  return { code, rows, firstRow, message: `logitkit: ${which} ${KIND_MESSAGES[code]}` };
}

export function installClassify(Logitkit) {
  const proto = Logitkit.prototype;

  // top-k of each row of `ptr` into slots 5..7; returns {indices, logits, probs}.
  proto._topK = function (ptr, rows, cols, k, t, ctx, wantProbs = true) {
    const idx = this._out('indices', undefined, rows * k, SLOT.topIndices, Int32Array);
    const val = this._out('logits', undefined, rows * k, SLOT.topValues);
    const prob = wantProbs ? this._out('probs', undefined, rows * k, SLOT.topProbs) : null;
    this._check(this._m.topK(ptr, rows, cols, k, t, idx.ptr, val.ptr, prob ? prob.ptr : 0), ctx);
    return { indices: idx.finish(), logits: val.finish(), probs: prob ? prob.finish() : null };
  };

  /**
   * The k most likely classes of each row, best first (equal logits: lower
   * index first), with softmax(x / T) probabilities; O(cols) per row, no sort.
   */
  proto.topClasses = function (logits, options) {
    const o = checkOptions('options', options, KEYS.topClasses);
    const t = checkTemperature(o.temperature);
    const inp = this._in('logits', logits, SLOT.logits);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    if (rows > 0 && cols === 0) throw new RangeError('logits must not be empty');
    const k = checkK(o.k, cols);
    const r = this._topK(inp.ptr, rows, cols, k, t, { cols });
    return { ...r, rows, k };
  };

  /**
   * The top class of each row and its probability; `labels[r]` is -1
   * (abstain) when that probability is below options.threshold.
   */
  proto.decide = function (logits, options) {
    const o = checkOptions('options', options, KEYS.decide);
    const threshold = o.threshold === undefined ? 0 : checkNumber('options.threshold', o.threshold, { min: 0, max: 1 });
    const t = checkTemperature(o.temperature);
    const inp = this._in('logits', logits, SLOT.logits);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    if (rows > 0 && cols === 0) throw new RangeError('logits must not be empty');
    const { indices, probs } = this._topK(inp.ptr, rows, cols, 1, t, { cols });
    let abstained = 0;
    for (let r = 0; r < rows; r++) {
      if (probs[r] < threshold) { indices[r] = -1; abstained++; }
    }
    return { labels: indices, probs, abstained };
  };

  /**
   * Binary / multi-label decisions: probs = σ(x) per logit and
   * decisions[i] = probs[i] >= threshold of its class (one number for all, or one per class).
   */
  proto.multiLabel = function (logits, options) {
    const o = checkOptions('options', options, KEYS.multiLabel);
    const inp = this._in('logits', logits, SLOT.logits);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    const th = thresholdsOf('options.threshold', o.threshold === undefined ? 0.5 : o.threshold, cols);
    const thr = this._in('options.threshold', th, SLOT.thresholds, Float64Array);
    const prob = this._out('options.out', o.out, inp.length, SLOT.out);
    const dec = this._out('decisions', undefined, inp.length, SLOT.decisions, Uint8Array);
    const code = this._m.multiLabel(inp.ptr, rows, cols, thr.ptr, th.length, prob.ptr, dec.ptr);
    if (code === Status.badProbability) {
      const i = this._m.lastErrorIndex();
      throw new RangeError(`options.threshold${th.length > 1 ? `[${i}]` : ''} must be a probability in [0, 1], got ${th[i]}`);
    }
    this._check(code, { cols });
    return { probs: prob.finish(), decisions: dec.finish() };
  };

  /** log(1 + e^x) element-wise, <= 1 ULP, finite for every finite x. */
  proto.softplus = function (x, options) {
    return this._elementwise('softplus', 'logits', x, options);
  };
  /** log σ(x) = -softplus(-x) element-wise (torch logsigmoid), <= 1 ULP, never -inf for finite x. */
  proto.logSigmoid = function (x, options) {
    return this._elementwise('logSigmoid', 'logits', x, options);
  };
  /** log(1 - σ(x)) = -softplus(x) element-wise, <= 1 ULP, never -inf for finite x. */
  proto.log1mSigmoid = function (x, options) {
    return this._elementwise('log1mSigmoid', 'logits', x, options);
  };

  // similarity of [nq × dim] queries to [n × dim] docs into `out` (a _out target).
  proto._similarity = function (query, docs, o, outTarget) {
    const dim = checkNumber('options.dim', o.dim, { min: 1, integer: true });
    const metric = o.metric === undefined ? 'cosine' : o.metric;
    if (typeof metric !== 'string') throw new TypeError(`options.metric must be 'dot' or 'cosine' (got ${describe(metric)})`);
    // Own keys only: 'toString' or '__proto__' is not a metric.
    if (!Object.hasOwn(METRICS, metric)) throw new RangeError(`options.metric must be 'dot' or 'cosine', got ${describe(metric)}`);
    const scale = o.scale === undefined ? 1 : checkNumber('options.scale', o.scale, { min: -Infinity });
    if (!Number.isFinite(scale)) throw new RangeError(`options.scale must be finite, got ${scale}`);
    const q = this._in('query', query, SLOT.logits);
    const d = this._in('docs', docs, SLOT.docs);
    if (q.length % dim !== 0) throw new RangeError(`query.length (${q.length}) must be a multiple of options.dim (${dim})`);
    if (d.length % dim !== 0) throw new RangeError(`docs.length (${d.length}) must be a multiple of options.dim (${dim})`);
    const nq = q.length / dim, n = d.length / dim;
    if (nq === 0) throw new RangeError('query must not be empty');
    const out = outTarget(nq * n);
    const code = this._m.similarity(q.ptr, nq, d.ptr, n, dim, METRICS[metric], scale, out.ptr);
    if (code === Status.nan || code === Status.badArgument) {
      const i = this._m.lastErrorIndex();
      const [name, j] = i < q.length ? ['query', i] : ['docs', i - q.length];
      const at = `${name}[${j}] (row ${Math.floor(j / dim)}, column ${j % dim})`;
      throw new RangeError(code === Status.nan ? `${at} is NaN; ${name} must not contain NaN` : `${at} is infinite; embeddings must be finite`);
    }
    this._check(code);
    return { out, nq, n };
  };

  /**
   * Retrieval logits: scale · (q · d_j) ('dot') or scale · cos(q, d_j)
   * ('cosine', default) for each query row and document row; [nq × n].
   */
  proto.similarity = function (query, docs, options) {
    const o = checkOptions('options', options, KEYS.similarity);
    const { out } = this._similarity(query, docs, o, (len) => {
      const target = this._out('options.out', o.out, len, SLOT.out);
      // Rows are written while later documents (and the query) are still read.
      if (o.out instanceof LogitBuffer && (o.out === query || o.out === docs)) {
        throw new RangeError('options.out must not be the query or docs buffer');
      }
      return target;
    });
    return out.finish();
  };

  /**
   * The k best documents per query: similarity logits, softmax(logits / T)
   * over all n documents, and the top k (best first, ties by lower index).
   */
  proto.retrieve = function (query, docs, options) {
    const o = checkOptions('options', options, KEYS.retrieve);
    const t = checkTemperature(o.temperature);
    const { out, nq, n } = this._similarity(query, docs, o, (len) => ({ ptr: this._scratchPtr(SLOT.out, len * 4) }));
    if (n === 0) throw new RangeError('docs must not be empty');
    const k = checkK(o.k, n);
    const r = this._topK(out.ptr, nq, n, k, t, { input: 'similarities', cols: n });
    return { indices: r.indices, scores: r.logits, probs: r.probs, rows: nq, k };
  };

  /**
   * Per row: top class, margin between the two largest logits, entropy
   * (nats), torn flag (margin < options.tornMargin, default 0.5); a batch
   * summary; and warnings when rows look like probabilities,
   * log-probabilities or a single column.
   */
  proto.diagnose = function (logits, options) {
    const o = checkOptions('options', options, KEYS.diagnose);
    const tornMargin = o.tornMargin === undefined ? 0.5 : checkNumber('options.tornMargin', o.tornMargin, { min: 0 });
    const inp = this._in('logits', logits, SLOT.logits);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    const top = this._out('top', undefined, rows, SLOT.top, Int32Array);
    const margin = this._out('margin', undefined, rows, SLOT.margin);
    const entropy = this._out('entropy', undefined, rows, SLOT.entropy);
    const kind = this._out('kind', undefined, rows, SLOT.kind, Int32Array);
    const sum = this._out('summary', undefined, 6, SLOT.summary, Float64Array);
    this._check(this._m.diagnose(inp.ptr, rows, cols, top.ptr, margin.ptr, entropy.ptr, kind.ptr, sum.ptr), { cols });
    const [count, nonFinite, m, s, min, max] = sum.finish();
    // No finite logit: no mean or spread (as meanMargin with no finite margin).
    const mean = count ? m : NaN, std = count ? s : NaN;
    const result = { rows, top: top.finish(), margin: margin.finish(), entropy: entropy.finish() };
    const kinds = kind.finish();
    const torn = new Uint8Array(rows);
    let tornCount = 0, marginSum = 0, marginRows = 0, entropySum = 0;
    const byKind = new Map();
    for (let r = 0; r < rows; r++) {
      const m = result.margin[r];
      if (m < tornMargin) { torn[r] = 1; tornCount++; }
      if (Number.isFinite(m)) { marginSum += m; marginRows++; }
      entropySum += result.entropy[r];
      const code = KINDS[kinds[r]];
      if (code) {
        const w = byKind.get(code) ?? { rows: 0, firstRow: r };
        w.rows++;
        byKind.set(code, w);
      }
    }
    const warnings = [];
    for (const [code, w] of byKind) {
      // A lone normalised row is a coincidence; a batch that is mostly normalised is a mistake.
      if (code === 'single-column' || w.rows * 2 > rows) warnings.push(warningFor(code, w.rows, w.firstRow, rows));
    }
    return {
      ...result, torn,
      summary: {
        rows, count, nonFinite, mean, std, min, max, tornCount,
        meanMargin: marginRows ? marginSum / marginRows : NaN,
        meanEntropy: rows ? entropySum / rows : NaN,
      },
      warnings,
    };
  };

  /**
   * Opt-in guard for softmax and logSoftmax: true warns with console.warn,
   * a function receives the warning; each kind is reported once per
   * instance. It checks the first row only (one vector pass over it).
   * false turns it off. Returns the instance.
   */
  proto.guard = function (warn = true) {
    if (warn !== true && warn !== false && typeof warn !== 'function') {
      throw new TypeError(`guard(warn) takes true, false or a function (got ${describe(warn)})`);
    }
    this._guardWarn = warn === true ? (w) => console.warn(w.message) : warn || null;
    this._guardSeen ??= new Set();
    return this;
  };

  proto._guardCheck = function (logits, options) {
    let cols = options?.cols;
    let ptr;
    if (logits instanceof LogitBuffer && !logits.disposed && logits._ownedBy(this)) {
      ptr = logits._ptr();
      cols ??= logits.length;
      if (!(cols >= 1 && cols <= logits.length)) return;
    } else if (logits instanceof Float32Array) {
      cols ??= logits.length;
      if (!(cols >= 1 && cols <= logits.length)) return;
      ptr = this._in('logits', logits.subarray(0, cols), SLOT.logits).ptr;
    } else {
      return;  // the operation itself reports the type error
    }
    const kindPtr = this._scratchPtr(SLOT.guardKind, 4);
    if (this._m.inputKind(ptr, cols, kindPtr) !== Status.ok) return;  // NaN: reported by the operation
    const code = KINDS[new Int32Array(this._m.HEAPU8.buffer, kindPtr, 1)[0]];
    if (!code || this._guardSeen.has(code)) return;
    this._guardSeen.add(code);
    this._guardWarn(warningFor(code, 1, 0, 1));
  };
}
