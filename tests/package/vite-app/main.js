// A user's app: logitkit from node_modules, bundled by Vite. The wasm must be
// found with no configuration; a second load takes it from a custom URL; a
// module Web Worker loads its own copy.
import { load } from 'logitkit';
import { logitProcessor } from 'logitkit/webllm';

const logits = [4.5, -1.2, 0.8];
const result = {};
try {
  const lk = await load();
  result.main = { backend: lk.backend, softmax: Array.from(lk.softmax(new Float32Array(logits))) };
  const proc = logitProcessor(lk, { mode: 'sample', seed: 1, topK: 2 });
  result.main.webllmToken = proc.processLogits(new Float32Array(logits)).indexOf(0);
  proc.dispose();

  const custom = await load({ simd: false, wasmUrl: (file) => new URL(`./custom-wasm/${file}`, location.href) });
  result.custom = { backend: custom.backend, softmax: Array.from(custom.softmax(new Float32Array(logits))) };

  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  result.worker = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
    worker.postMessage(logits);
  });
} catch (err) {
  result.error = String(err?.stack ?? err);
}
document.getElementById('out').textContent = JSON.stringify(result);
window.__result = result;
