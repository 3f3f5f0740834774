// The libraries a user would otherwise pick, loaded from bench/node_modules
// (bench/package.json, never installed by `npm test`), each wrapped as the
// operations the bench measures. Missing peers are reported and skipped.
// loadPeers is Node's; the wrappers below it also run in the browser bench.
export async function loadPeers() {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const peers = {};
  try {
    const T = await import('@huggingface/transformers');
    const pkg = JSON.parse(readFileSync(new URL('./node_modules/@huggingface/transformers/package.json', import.meta.url), 'utf8'));
    peers.transformers = { T, version: pkg.version };
  } catch (err) {
    console.log(`(transformers.js not available: ${err.message.split('\n')[0]}; run npm --prefix bench ci)`);
  }
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(fileURLToPath(new URL('./node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
    peers.tf = { tf, version: tf.version_core };
  } catch (err) {
    console.log(`(TensorFlow.js not available: ${err.message.split('\n')[0]})`);
  }
  return peers;
}

// transformers.js as generate() runs a sampling step: its logits processors
// on a Tensor (repetition penalty, temperature; top-p is not wired into its
// generate), then MultinomialSampler: topk(k) → softmax → weighted draw.
export function transformersStep(T, { topK, temperature, repetitionPenalty, history }) {
  const procs = new T.LogitsProcessorList();
  if (repetitionPenalty) procs.push(new T.RepetitionPenaltyLogitsProcessor(repetitionPenalty));
  if (temperature) procs.push(new T.TemperatureLogitsWarper(temperature));
  const ids = [history.map(BigInt)];
  return async (x) => {
    const logits = new T.Tensor('float32', x.slice(), [1, x.length]);
    const processed = procs(ids, logits);
    const [v, i] = await T.topk(processed, topK || x.length);
    const p = T.softmax(v.data);
    let r = 0.5, k = 0;
    for (; k < p.length - 1 && (r -= p[k]) > 0; k++);
    return Number(i.data[k]);
  };
}

// Each call as TensorFlow.js's docs show it: create the tensor, run the op,
// read it back with dataSync(), dispose the tensors. No tf.tidy around an op
// whose result is a Float32Array: tidy walks every element of a returned
// container (tf.tidy(() => x) alone costs as much), which is no cost of the op.
// tidy stays where the result is a number. `backend` is what tfjs runs on,
// checked before every timing.
//
// The wasm backend picks its binary from two flags (SIMD; threads, which need
// SharedArrayBuffer, i.e. a cross-origin-isolated page, and are off in Node):
// they, the thread count and the binary are read back here and printed beside
// its rows (`label`, `info`).
export async function tfBackend(tf, name) {
  if (!(await tf.setBackend(name))) throw new Error(`bench: TensorFlow.js backend ${name} failed to initialise`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`bench: TensorFlow.js runs on ${tf.getBackend()}, not ${name}`);
  let label = '', info = null;
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const threadCount = tf.backend().wasm?.tfjs?.getThreadsCount?.() ?? 1;
    // As tfjs-backend-wasm's getPathToWasmBinary chooses it.
    const binary = simd && threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
    info = { backend: tf.getBackend(), simd, threads, threadCount, binary };
    label = ` (SIMD ${simd ? 'on' : 'off'}, threads ${threads ? `on, ${threadCount}` : 'off'})`;
  }
  const vector = (x, op) => {
    const t = tf.tensor1d(x);
    const y = op(t);
    const out = y.dataSync();
    t.dispose();
    y.dispose();
    return out;
  };
  return {
    name,
    label,
    info,
    // A tensor uploaded once (the first op moves it into the backend's memory).
    resident: (x) => { const t = tf.tensor1d(x); tf.neg(t).dispose(); return t; },
    residentSoftmax: (t, read = true) => { const y = tf.softmax(t); const out = read ? y.dataSync() : null; y.dispose(); return out; },
    softmax: (x) => vector(x, (t) => tf.softmax(t)),
    logSoftmax: (x) => vector(x, (t) => tf.logSoftmax(t)),
    argmax: (x) => tf.tidy(() => tf.argMax(tf.tensor1d(x)).dataSync()[0]),
    crossEntropy: (x, labels, n) => tf.tidy(() => tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.tensor1d(labels, 'int32'), n), tf.tensor2d(x, [labels.length, n])).dataSync()[0]),
    // top-k 50 → temperature → multinomial, the chain tfjs offers.
    chain: (x, { topK, temperature }) => tf.tidy(() => {
      const { values, indices } = tf.topk(tf.tensor1d(x), topK);
      const pick = tf.multinomial(tf.expandDims(tf.div(values, temperature), 0), 1, 7).dataSync()[0];
      return indices.dataSync()[pick];
    }),
  };
}
