// CommonJS entry: the .wasm files sit beside this file.
import { loadLogitkit, simdSupported } from './loader.js';
import { LogitBuffer } from './buffer.js';
import { Logitkit } from './areas.js';

/** Loads logitkit: the SIMD build where the engine supports it, else the baseline. */
export function load(options) {
  // eslint-disable-next-line no-undef
  return loadLogitkit(options, (file) => require('node:path').join(__dirname, file));
}

export { Logitkit, LogitBuffer, simdSupported };
