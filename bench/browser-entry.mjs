// The browser side of `bench/browser.mjs`: the same suite as Node's, run in
// the page. Bundled by esbuild; the wasm files are served beside the bundle.
import { load } from '../dist/index.mjs';
import * as T from '@huggingface/transformers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tfBackend } from './peers.mjs';
import { timeCases, timeFit } from './suite.mjs';

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
  return { results: out, fit, userAgent: navigator.userAgent, backend: simd.backend };
};
