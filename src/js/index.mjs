// ESM entry: the .wasm files sit beside this file; bundlers see the
// new URL(..., import.meta.url) pattern and emit them as assets.
import { loadLogitkit, simdSupported } from './loader.js';
import { LogitBuffer } from './buffer.js';
import { Logitkit } from './areas.js';

const locations = {
  'logitkit-simd.wasm': () => new URL('./logitkit-simd.wasm', import.meta.url),
  'logitkit-baseline.wasm': () => new URL('./logitkit-baseline.wasm', import.meta.url),
};

/** Loads logitkit: the SIMD build where the engine supports it, else the baseline. */
export function load(options) {
  return loadLogitkit(options, (file) => locations[file]());
}

export { Logitkit, LogitBuffer, simdSupported };
