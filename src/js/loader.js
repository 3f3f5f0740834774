// Finds, fetches and instantiates one of the two wasm builds.
// The SIMD build is chosen when WebAssembly.validate accepts a probe module
// that uses a v128 instruction (the tfjs-backend-wasm approach); the
// baseline build runs everywhere else.
import { Logitkit } from './areas.js';
// One glue for both builds: they export the same functions (scripts/build.sh
// checks that the two glues are the same code), and it is always handed the bytes.
import createModule from '../../build/wasm/logitkit_glue.mjs';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export const WASM_FILES = { simd: 'logitkit-simd.wasm', baseline: 'logitkit-baseline.wasm' };
const LOAD_KEYS = ['simd', 'wasmUrl', 'wasmBinary'];

export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

async function readBytes(location) {
  const href = typeof location === 'string' ? location : location.href;
  if (isNode && !/^https?:/.test(href)) {
    // A variable specifier keeps bundlers from following this Node-only import.
    const fsName = 'node:fs/promises';
    const urlName = 'node:url';
    const fs = await import(fsName);
    const path = href.startsWith('file:') ? (await import(urlName)).fileURLToPath(href) : href;
    return fs.readFile(path);
  }
  const response = await fetch(href, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`logitkit: could not fetch ${href} (HTTP ${response.status})`);
  return response.arrayBuffer();
}

/**
 * @param {object} options
 * @param {(file: string) => (string|URL)} defaultLocation where the packaged .wasm files live
 */
export async function instantiate(options, defaultLocation) {
  const opts = options ?? {};
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new TypeError('load(options): options must be an object');
  for (const key of Object.keys(opts)) {
    if (!LOAD_KEYS.includes(key)) throw new RangeError(`load(options): options.${key} is not a known option (known: ${LOAD_KEYS.join(', ')})`);
  }
  const { simd = 'auto', wasmUrl, wasmBinary } = opts;
  if (simd !== 'auto' && typeof simd !== 'boolean') {
    throw new TypeError(`load(options): options.simd must be true, false or 'auto' (got ${String(simd)})`);
  }
  let useSimd = simd === 'auto' ? simdSupported() : simd;
  if (useSimd && !simdSupported()) {
    throw new RangeError('load(options): options.simd is true but this engine has no WebAssembly SIMD');
  }
  const exactFile = wasmBinary != null || (wasmUrl != null && typeof wasmUrl !== 'function');
  if (exactFile && simd === 'auto') {
    throw new TypeError(
      "load(options): with options.wasmBinary or a single options.wasmUrl, set options.simd to true or false to say which build it is",
    );
  }
  let bytes = wasmBinary;
  if (bytes != null) {
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
      throw new TypeError('load(options): options.wasmBinary must be an ArrayBuffer or a Uint8Array');
    }
    if (!WebAssembly.validate(bytes)) throw new RangeError('load(options): options.wasmBinary is not a valid WebAssembly module');
  } else {
    const file = useSimd ? WASM_FILES.simd : WASM_FILES.baseline;
    const location = typeof wasmUrl === 'function' ? wasmUrl(file) : (wasmUrl ?? defaultLocation(file));
    if (typeof location !== 'string' && !(location instanceof URL)) {
      throw new TypeError('load(options): options.wasmUrl must be a string, a URL or a function (file) => URL');
    }
    bytes = await readBytes(location);
  }
  try {
    return await createModule({ wasmBinary: bytes });
  } catch (err) {
    throw new Error(`logitkit: could not instantiate the ${useSimd ? 'SIMD' : 'baseline'} wasm: ${err?.message ?? err}`);
  }
}

/** Instantiates the chosen build and wraps it; the entry points differ only in defaultLocation. */
export async function loadLogitkit(options, defaultLocation) {
  const simd = options?.simd === undefined || options?.simd === 'auto' ? simdSupported() : options.simd;
  const module = await instantiate(options, defaultLocation);
  // options.simd names the build of an exact file; the module knows which it is.
  if ((module.backendName() === 'wasm-simd128') !== simd) {
    const from = options.wasmBinary != null ? 'options.wasmBinary' : 'options.wasmUrl';
    throw new RangeError(`load(options): options.simd is ${simd} but ${from} is the ${simd ? 'baseline' : 'SIMD'} build`);
  }
  return new Logitkit(module, simd);
}
