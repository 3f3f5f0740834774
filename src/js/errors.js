// Argument checks shared by every entry point. Messages name the argument
// and the rule, and say what was received.
export function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'Array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  if (typeof v === 'string') return `string "${v.length > 20 ? v.slice(0, 20) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

export function checkNumber(name, v, { min = -Infinity, max = Infinity, minExclusive = false, integer = false } = {}) {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number (got ${describe(v)})`);
  const rule = integer ? 'an integer' : 'a number';
  const lo = minExclusive ? `> ${min}` : `>= ${min}`;
  if (Number.isNaN(v)) throw new RangeError(`${name} must be ${rule}, got NaN`);
  if (integer && !Number.isInteger(v)) throw new RangeError(`${name} must be ${rule}, got ${v}`);
  if (minExclusive ? !(v > min) : !(v >= min)) throw new RangeError(`${name} must be ${lo}, got ${v}`);
  if (!(v <= max)) throw new RangeError(`${name} must be <= ${max}, got ${v}`);
  return v;
}

// Every method's option names, registered where the method is defined
// (optionKeys below). The table is exposed as Logitkit._optionKeys so that a
// test can check it against the option types of the shipped .d.ts.
export const OPTION_KEYS = {};

/** Registers the option names of `method` and returns them as a Set. */
export function optionKeys(method, keys) {
  OPTION_KEYS[method] = Object.freeze([...keys]);
  return new Set(keys);
}

// Levenshtein distance, for "did you mean" (option names are short).
function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** The known name closest to `name` (case-insensitive edit distance <= 1/3 of its length), or undefined. */
export function closest(name, known) {
  let best, bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) { best = k; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** RangeError for an option `key` of `name` that is not one of `known`. */
export function unknownOption(name, key, known) {
  const guess = closest(key, known);
  const hint = guess ? `; did you mean '${guess}'?` : '';
  const list = known.size === 0 ? ' (this call takes no options)' : known.size <= 12 ? ` (known: ${[...known].join(', ')})` : '';
  return new RangeError(`${name}.${key} is not a known option${hint}${list}`);
}

/**
 * The options object of a call: undefined gives {}; anything but a plain
 * object is a TypeError; with `known` (a Set), any other own key is a
 * RangeError naming it, with the closest known name.
 */
export function checkOptions(name, v, known) {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new TypeError(`${name} must be an object (got ${describe(v)})`);
  }
  if (known !== undefined) {
    for (const key of Object.keys(v)) if (!known.has(key)) throw unknownOption(name, key, known);
  }
  return v;
}

// Above 2^64 the core's float32 reduction constants (ln2·T) overflow and
// every probability would be NaN; the sampler's temperature has the same cap.
export const MAX_TEMPERATURE = 2 ** 64;

// The temperature option of every softmax-like call: finite and >= 0 (0 = greedy), at most 2^64.
export function checkTemperature(t, name = 'options.temperature') {
  if (t === undefined) return 1;
  if (typeof t !== 'number') throw new TypeError(`${name} must be a number (got ${describe(t)})`);
  if (!(t >= 0) || t === Infinity) {
    throw new RangeError(`${name} must be a finite number >= 0 (0 = greedy), got ${t}`);
  }
  if (t > MAX_TEMPERATURE) throw new RangeError(`${name} must be <= 2^64 (${MAX_TEMPERATURE}), got ${t}`);
  return t;
}
