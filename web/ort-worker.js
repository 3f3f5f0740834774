// ONNX Runtime Web in a Web Worker: the playground's transformer runs here, so
// that loading the model and each forward pass never block the page's main
// thread. The page talks to it through web/ort-client.mjs, which looks like
// the part of ONNX Runtime's API that web/playground-core.mjs uses.
import * as ort from 'onnxruntime-web/wasm';

// ONNX Runtime's wasm from this server (see vite.config.js), one thread: no CDN,
// no cross-origin isolation needed, and the same arithmetic as the Node test.
ort.env.wasm.wasmPaths = new URL('/ort/', self.location.href).href;
ort.env.wasm.numThreads = 1;

let session = null;

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    if (op === 'create') {
      session = await ort.InferenceSession.create(data.modelBytes, { executionProviders: ['wasm'] });
      self.postMessage({ id, result: null });
    } else if (op === 'run') {
      const feeds = {};
      for (const [name, t] of Object.entries(data.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const outputs = await session.run(feeds);
      const result = {}, transfer = [];
      for (const [name, t] of Object.entries(outputs)) {
        const copy = t.data.slice(); // its own buffer, moved to the page without a copy
        result[name] = { type: t.type, dims: t.dims, data: copy };
        transfer.push(copy.buffer);
      }
      self.postMessage({ id, result }, transfer);
    } else if (op === 'release') {
      await session?.release();
      session = null;
      self.postMessage({ id, result: null });
    } else {
      throw new Error(`unknown operation ${op}`);
    }
  } catch (e) {
    self.postMessage({ id, error: e?.message ?? String(e) });
  }
};
