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

export function checkOptions(name, v) {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new TypeError(`${name} must be an object (got ${describe(v)})`);
  }
  return v;
}
