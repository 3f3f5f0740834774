// The sampler's schema (src/core/sampler_options.h, exported by the wasm
// module) is the one source of truth between C++ and JS: the .d.ts stage and
// order names equal it, JS validation and C++ validation agree on every
// option, and each option's slot reaches the C++ field of that name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Logitkit } from '../../dist/index.mjs';
import { lkPromise } from './helpers.mjs';

const lk = await lkPromise;
const schema = JSON.parse(lk._m.samplerSchema());

function declared(typeName) {
  const dts = fileURLToPath(new URL('../../dist/index.d.ts', import.meta.url));
  const program = ts.createProgram([dts], { strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dts);
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)).find((s) => s.name === typeName);
  return { checker, type: checker.getDeclaredTypeOfSymbol(symbol), source };
}

test('the .d.ts stage names and order presets are the schema\'s', () => {
  const { type } = declared('SamplerStageName');
  assert.deepEqual(type.types.map((t) => t.value).sort(), [...schema.stages].sort());
  const opts = declared('SamplerOptions');
  const order = opts.checker.getTypeOfSymbolAtLocation(opts.type.getProperty('order'), opts.source);
  const presets = order.types.filter((t) => t.isStringLiteral()).map((t) => t.value).sort();
  assert.deepEqual(presets, Object.keys(schema.orders).sort());
});

// Builds a sampler through the raw binding with one option slot set to `value`
// (JS validation bypassed) and returns the status of one step.
function rawStep(slot, value) {
  const m = lk._m;
  const params = Float64Array.from(schema.options, (o) => o.default);
  params[slot] = value;
  const packed = new Int32Array(schema.lists.length); // every list empty: length 0 ...
  packed[schema.lists.indexOf('allowed')] = -1; // ... and allowedTokens absent
  const p = lk._alloc(params.byteLength), l = lk._alloc(packed.byteLength), logits = lk._alloc(32), out = lk._alloc(schema.result.size * 8);
  try {
    new Float64Array(m.HEAPU8.buffer, p, params.length).set(params);
    new Int32Array(m.HEAPU8.buffer, l, packed.length).set(packed);
    new Float32Array(m.HEAPU8.buffer, logits, 8).set([0.5, 2, -1, 3, 0.25, 1, 0, 0]);
    const h = new m.SamplerBinding('1', '0', p, l, 0);
    try {
      const code = m._lk_sampler_sample(h.address(), logits, 8, 0, 0, out);
      return { code, index: m.lastErrorIndex() };
    } finally {
      h.delete();
    }
  } finally {
    for (const q of [p, l, logits, out]) lk._free(q);
  }
}

// Values on both sides of each option's rule.
function probes(o) {
  if (o.kind === 'boolean') return { good: [0, 1], bad: [] };
  const good = [o.default], bad = [NaN, Infinity, -Infinity];
  if (o.min !== null && o.min > -1e30) {
    good.push(o.minExclusive ? o.min + 0.5 : o.min);
    bad.push(o.minExclusive ? o.min : o.min - 1);
  }
  if (o.max !== null && o.max < 1e30) {
    good.push(o.maxExclusive ? o.max - 0.5 : o.max);
    // One above max, or the next double above it where 1 is below its ulp (temperature's 2^64).
    bad.push(o.maxExclusive ? o.max : Math.max(o.max + 1, o.max * (1 + 2 ** -52)));
  }
  return { good, bad };
}

test('JS and C++ agree on every option: what one accepts the other accepts, and a bad slot names its own option', () => {
  const status = schema.status;
  schema.options.forEach((o, slot) => {
    const { good, bad } = probes(o);
    for (const v of good) {
      const js = o.kind === 'boolean' ? Boolean(v) : v;
      const s = lk.sampler({ [o.name]: js });
      s.dispose();
      assert.equal(rawStep(slot, v).code, status.ok, `${o.name} = ${v}: C++ rejects what JS accepts`);
    }
    for (const v of bad) {
      assert.throws(() => lk.sampler({ [o.name]: v }), (e) => e instanceof RangeError && e.message.startsWith(`options.${o.name} `), `${o.name} = ${v}`);
      const r = rawStep(slot, v);
      assert.deepEqual(r, { code: status.badOption, index: slot }, `${o.name} = ${v}: C++ must reject it at slot ${slot}`);
    }
  });
});

test('defaults come from the C++ configuration and every control is off by default', () => {
  const byName = Object.fromEntries(schema.options.map((o) => [o.name, o.default]));
  assert.equal(byName.temperature, 1);
  assert.equal(byName.topP, 1);
  assert.equal(byName.topK, 0);
  assert.equal(byName.penaltyLastN, 64);
  assert.equal(byName.xtcThreshold, 0.1);
  // A sampler with every default equals greedy-free plain sampling at T = 1: same draws as no options.
  const x = new Float32Array([0.5, 2, -1, 3, 0.25, 1]);
  const a = lk.sampler({ seed: 3 }), b = lk.sampler({ ...byName, topLogprobsFinal: false, rawLogprob: false, entropy: false, seed: 3 });
  for (let i = 0; i < 50; i++) assert.deepEqual(a.next(x), b.next(x));
  a.dispose();
  b.dispose();
});

test('the status codes JS translates are the module\'s (src/core/status.h, exported with the schema)', () => {
  const js = Logitkit._status;
  assert.ok(Object.keys(js).length >= 9);
  for (const [name, code] of Object.entries(js)) assert.equal(schema.status[name], code, name);
});
