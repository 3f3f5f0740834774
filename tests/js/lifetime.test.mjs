// Lifetimes: objects dropped without dispose() are reclaimed by the
// FinalizationRegistry safety net, and a constructor or fromJSON that fails
// leaves nothing behind. Run under --expose-gc (scripts/test.sh does); without
// it the flag is set at run time, so the test never silently skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { lkPromise } from './helpers.mjs';

if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? runInNewContext('gc');

const lk = await lkPromise;
const m = lk._m;
const MiB = 1 << 20;
const inUse = () => m.heapInUse();
const tick = () => new Promise((resolve) => setImmediate(resolve));

// Full collections until finalizers stop freeing memory (they run as tasks after a GC).
async function collect() {
  let last = -1;
  for (let i = 0; i < 10 && inUse() !== last; i++) {
    last = inUse();
    gc();
    await tick();
    await tick();
  }
}

// Warm-up: scratch regions and the shared sampler workspace reach their size once.
const x = new Float32Array(4096).map((_, i) => Math.sin(i));
const HISTORY = Array.from({ length: 4096 }, (_, i) => (i * 7919) % 4096);
lk.sampler({ prompt: HISTORY, repetitionPenalty: 1.1, topK: 40 }).dispose();
{
  const s = lk.sampler({ prompt: HISTORY, repetitionPenalty: 1.1, topK: 40 });
  s.next(x);
  s.dispose();
}
lk.fitTemperature(x, new Int32Array(4)).apply(x);

// What may remain after dropping thousands of objects and collecting: the
// objects the last GC cycle could not yet see as dead. 1 MiB is under 0.5 %
// of what the leaks below would hold (≥ 160 MiB).
const BOUND = MiB;

test('a disposed object is not freed again by the safety net', async () => {
  const cycle = () => {
    for (let i = 0; i < 1000; i++) {
      lk.buffer(1024).dispose();
      lk.sampler({ prompt: [1, 2, 3] }).dispose();
    }
  };
  cycle(); // the allocator settles into its pattern for these sizes
  await collect();
  const before = inUse();
  cycle();
  await collect();
  // A leak or a double free would show per object (1000 of each, >= 4 KiB per
  // buffer); the allocator may keep a few header bytes of slack across a cycle.
  assert.ok(Math.abs(inUse() - before) <= 64, `${inUse() - before} bytes`);
  // A double free would corrupt the allocator: it still hands out memory (plus its
  // small region header) and takes it back exactly.
  const settled = inUse();
  const b = lk.buffer(MiB / 4);
  assert.ok(inUse() >= settled + MiB && inUse() <= settled + MiB + 64, `${inUse() - settled}`);
  b.dispose();
  assert.ok(Math.abs(inUse() - settled) <= 64, `${inUse() - settled} bytes after giving 1 MiB back`);
});

test('10 000 samplers with a 4096-token history, dropped without dispose(), are reclaimed', async () => {
  await collect();
  const before = inUse();
  let peak = 0;
  for (let i = 0; i < 10000; i++) {
    const s = lk.sampler({ prompt: HISTORY, repetitionPenalty: 1.1, topK: 40, seed: i });
    if (i % 10 === 0) s.next(x); // some have run steps, so their history grew
    if (i % 500 === 499) {
      await collect();
      peak = Math.max(peak, inUse() - before);
    }
  }
  await collect();
  const after = inUse() - before;
  // Each sampler holds >= 16 KiB of history: leaked, 10 000 would hold >= 160 MiB.
  assert.ok(after <= BOUND, `in use after collecting: ${(after / MiB).toFixed(2)} MiB (bound ${BOUND / MiB} MiB)`);
  assert.ok(peak <= 600 * 20 * 1024, `peak between collections: ${(peak / MiB).toFixed(1)} MiB`);
});

test('10 000 buffers of 64 Ki floats, dropped without dispose(), are reclaimed', async () => {
  await collect();
  const before = inUse();
  for (let i = 0; i < 10000; i++) {
    const b = lk.buffer(65536);
    b.view[0] = i;
    if (i % 200 === 199) await collect();
  }
  await collect();
  const after = inUse() - before;
  // Leaked, they would hold 2.5 GiB (more than wasm32 memory can hold).
  assert.ok(after <= BOUND, `in use after collecting: ${(after / MiB).toFixed(2)} MiB (bound ${BOUND / MiB} MiB)`);
});

test('10 000 calibrators, dropped, hold no wasm memory', async () => {
  await collect();
  const before = inUse();
  const labels = new Int32Array(1024).map((_, i) => i % 4);
  const probs = lk.softmax(x, { cols: 4 });
  for (let i = 0; i < 10000; i++) {
    const c = i % 2 ? lk.fitTemperature(x, labels) : lk.fitIsotonic(probs, labels, { input: 'probabilities' });
    if (i % 100 === 0) c.apply(i % 2 ? x : probs);
  }
  await collect();
  assert.ok(inUse() - before <= BOUND);
});

test('1000 failing constructors and fromJSON calls leak nothing, without any GC', () => {
  // The case of the issue: a tampered state with a 64 Ki-token history, 1000 times.
  const big = lk.sampler({ prompt: Array.from({ length: 65536 }, (_, i) => i % 1000), topK: 5 });
  const bigJson = big.toJSON();
  big.dispose();
  const bigTampered = { options: bigJson.options, state: { ...bigJson.state, version: 2 } };
  assert.throws(() => lk.samplerFromJSON(bigTampered)); // warm-up: scratch regions sized once
  let before = inUse();
  for (let i = 0; i < 1000; i++) assert.throws(() => lk.samplerFromJSON(bigTampered), RangeError);
  assert.equal(inUse(), before, 'allocator bytes in use after 1000 failed samplerFromJSON (64 Ki-token history)');

  // Every other way to fail half-way, 1000 times each.
  const s = lk.sampler({ prompt: [5, 6, 7, 8], topK: 5 });
  s.next(x);
  const json = s.toJSON();
  s.dispose();
  const tampered = [
    { options: json.options, state: { ...json.state, version: 2 } },
    { options: json.options, state: { ...json.state, promptLength: 1e6 } },
    { options: json.options, state: { ...json.state, history: [...json.state.history, -1] } },
  ];
  const restored = lk.sampler({ topK: 5 });
  const failing = [
    ...tampered.map((t) => () => lk.samplerFromJSON(t)),
    () => lk.samplerFromJSON(JSON.stringify(tampered[0])),
    () => lk.samplerFromJSON('{"options": {}, "state": '),
    () => lk.samplerFromJSON({ options: { ...json.options, topP: 7 }, state: json.state }),
    () => lk.sampler({ prompt: json.options.prompt, bannedTokens: [1, -1] }),
    () => lk.sampler({ prompt: json.options.prompt, tmperature: 1 }),
    () => lk.buffer(-1),
    () => lk.buffer(1.5),
    () => restored.restoreState(tampered[0].state),
  ];
  for (const fn of failing) assert.throws(fn);
  before = inUse();
  for (let i = 0; i < 1000; i++) {
    for (const fn of failing) assert.throws(fn, (e) => e instanceof TypeError || e instanceof RangeError);
  }
  assert.equal(inUse(), before, 'allocator bytes in use after 1000 rounds of failures');
  restored.dispose();
});
