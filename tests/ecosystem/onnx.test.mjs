// logitkit/onnx with a real onnxruntime-web InferenceSession (wasm, in Node)
// running tests/ecosystem/tiny-lm.onnx (made by make-model.mjs): the last
// position of logits [batch, seq, vocab] as views (no copy) and as one
// LogitBuffer, against a float64 reference of the same model; a seeded
// generation loop.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { lastLogits, lastLogitsBuffer } from '../../dist/adapters/onnx.mjs';
import { VOCAB, referenceLogits as reference, modelBytes } from './make-model.mjs';

ort.env.wasm.numThreads = 1;
const lk = await load({ simd: process.env.LK_SIMD !== '0' });
const modelFile = new URL('./tiny-lm.onnx', import.meta.url);
const session = await ort.InferenceSession.create(readFileSync(modelFile));
after(() => session.release());
const run = async (ids, batch) => {
  const input = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [batch, ids.length / batch]);
  return (await session.run({ input_ids: input })).logits;
};

test('the committed model is what make-model.mjs writes', () => {
  assert.deepEqual(new Uint8Array(readFileSync(modelFile)), modelBytes());
});

test('lastLogits: views of the output tensor at the last position of each batch row', async () => {
  const logits = await run([1, 2, 3, 40, 50, 60], 2);
  assert.deepEqual(logits.dims, [2, 3, VOCAB]);
  const rows = lastLogits(logits);
  assert.equal(rows.length, 2);
  rows.forEach((row, b) => {
    assert.equal(row.buffer, logits.data.buffer, 'a view, not a copy');
    assert.equal(row.byteOffset, logits.data.byteOffset + (b * 3 + 2) * VOCAB * 4);
    const ref = reference([3, 60][b]);
    row.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-5, `row ${b} logit ${i}`));
  });
  const p = lk.softmax(rows[1]);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6);
});

test('lastLogitsBuffer: one copy into wasm memory, then softmax and sampleRows on it', async () => {
  const logits = await run([5, 6, 7, 8], 2);
  const buf = lastLogitsBuffer(lk, logits);
  assert.equal(buf.length, 2 * VOCAB);
  assert.deepEqual(buf.view.subarray(VOCAB), lastLogits(logits)[1]);
  const probs = lk.softmax(buf, { cols: VOCAB });
  assert.equal(probs.length, 2 * VOCAB);
  const samplers = [lk.sampler({ temperature: 0 }), lk.sampler({ temperature: 0 })];
  const picked = lk.sampleRows(samplers, buf).map((r) => r.token);
  assert.deepEqual(picked, [6, 8].map((t) => { const r = reference(t); return r.indexOf(Math.max(...r)); }));
  assert.equal(lastLogitsBuffer(lk, logits, buf), buf, 'reused');
  assert.throws(() => lastLogitsBuffer(lk, logits, lk.buffer(3)), /out must hold batch × vocab = 128 elements, got 3/);
  samplers.forEach((s) => s.dispose());
  buf.dispose();
});

test('a seeded generation loop with the real session is reproducible', async () => {
  const generate = async (seed) => {
    const s = lk.sampler({ seed, temperature: 0.8, topP: 0.9, repetitionPenalty: 1.3, prompt: [1, 2] });
    const ids = [1, 2];
    for (let i = 0; i < 10; i++) {
      const [row] = lastLogits(await run(ids, 1));
      ids.push(s.next(row).token);
    }
    s.dispose();
    return ids;
  };
  const a = await generate(3);
  assert.deepEqual(await generate(3), a);
  assert.ok(a.every((t) => Number.isInteger(t) && t >= 0 && t < VOCAB));
});

test('tensors it cannot read are named errors', () => {
  assert.throws(() => lastLogits(new ort.Tensor('int32', new Int32Array(4), [1, 1, 4])), /logits.type must be 'float32'/);
  assert.throws(() => lastLogits({ data: new Float32Array(8), dims: [2, 2, 2, 1] }), /must be \[batch, seq, vocab\]/);
  assert.throws(() => lastLogits({ data: new Float32Array(8), dims: [1, 8], location: 'gpu-buffer', type: 'float32' }), /download it first/);
});
