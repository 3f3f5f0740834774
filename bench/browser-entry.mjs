// The browser side of `bench/browser.mjs`: the same suite as Node's, run in
// the page. Bundled by esbuild; the wasm files are served beside the bundle.
import { load } from '../dist/index.mjs';
import * as T from '@huggingface/transformers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tfBackend } from './peers.mjs';
import { timeCases, timeColdCases, timeFit } from './suite.mjs';
import { makeEvictor } from '../common/harness.mjs';

window.runBench = async (sizes, versions) => {
  const simd = await load({ simd: true, wasmUrl: '/dist/logitkit-simd.wasm' });
  const base = await load({ simd: false, wasmUrl: '/dist/logitkit-baseline.wasm' });
  setWasmPaths('/tfjs/');
  // transformers.js runs topk through an ONNX Runtime Web session: its wasm from here, not a CDN.
  T.env.backends.onnx.wasm.wasmPaths = '/ort/';
  const peers = { transformers: { T, version: versions.transformers }, tf: { tf, version: tf.version_core } };
  const tfWasm = await tfBackend(tf, 'wasm');
  const tfCpu = await tfBackend(tf, 'cpu');
  const floor = await fetch('/floor/lk_floor.wasm').then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null);
  const out = {};
  for (const n of sizes) out[n] = await timeCases(n, { simd, base, peers, tfWasm, tfCpu, floor }, { minSampleMs: 10 });
  const fit = timeFit({ simd, base }, { minSampleMs: 10 });
  return { results: out, fit, userAgent: navigator.userAgent, backend: simd.backend, tfInfo: tfWasm.info };
};

// The cold rows (bench/suite.mjs): a fixed 64 MiB eviction walk, in a page
// that bench/browser.mjs serves cross-origin isolated for a fine timer.
window.runCold = async (sizes, calls) => {
  const simd = await load({ simd: true, wasmUrl: '/dist/logitkit-simd.wasm' });
  const evict = makeEvictor(64 * 2 ** 20);
  // The timer's resolution: the smallest step performance.now() takes.
  let step = Infinity;
  for (let i = 0, last = performance.now(); i < 20000 && step > 0.001; i++) {
    const t = performance.now();
    if (t > last) { step = Math.min(step, t - last); last = t; }
  }
  const results = {};
  for (const n of sizes) results[n] = await timeColdCases(n, { simd }, evict, { calls });
  return { results, isolated: self.crossOriginIsolated, timerUs: Math.round(step * 1000), evictMiB: evict.bytes / 2 ** 20 };
};
