// The page's side of web/ort-worker.js: an object with the part of ONNX
// Runtime's API that web/playground-core.mjs uses (Tensor, and an
// InferenceSession with run and release), each call a message to the worker.
// Tensors cross as their typed arrays; outputs come back as { type, dims, data }.
export function workerOrt(worker) {
  let next = 0;
  const pending = new Map();
  worker.onmessage = ({ data }) => {
    const call = pending.get(data.id);
    if (!call) return;
    pending.delete(data.id);
    if ('error' in data) call.reject(new Error(data.error));
    else call.resolve(data.result);
  };
  worker.onerror = (e) => {
    for (const call of pending.values()) call.reject(new Error(`ONNX Runtime worker: ${e.message ?? 'failed to start'}`));
    pending.clear();
  };
  const call = (message, transfer = []) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id }, transfer);
  });

  class Tensor {
    constructor(type, data, dims) {
      this.type = type;
      this.data = data;
      this.dims = dims;
    }
  }
  const session = {
    run: (feeds) => call({ op: 'run', feeds: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { type: t.type, data: t.data, dims: t.dims }])) }),
    release: () => call({ op: 'release' }),
  };
  return {
    Tensor,
    InferenceSession: {
      async create(modelBytes) {
        await call({ op: 'create', modelBytes });
        return session;
      },
    },
  };
}
