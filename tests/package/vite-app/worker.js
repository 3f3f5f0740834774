// logitkit inside a module Web Worker: load, then answer softmax requests.
import { load } from 'logitkit';

const lkPromise = load();
self.onmessage = async (e) => {
  try {
    const lk = await lkPromise;
    self.postMessage({ backend: lk.backend, softmax: Array.from(lk.softmax(new Float32Array(e.data))) });
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
