#!/usr/bin/env bash
# `npm pack`; check the tarball with publint and attw (package-lint.sh: the
# exports map, every file it names, the types each entry point resolves to
# under node10/node16/bundler; doctored tarballs caught); install it into an
# empty project, and use it the ways users do: `import` and `require` (main
# entry and adapters), TypeScript with the shipped types (types-matrix.sh:
# the default libs of targets es2020 to esnext; nodenext, node16 and bundler
# resolution; import and require; the pinned and the newest TypeScript), and a
# Vite-bundled app in Chromium (main thread, custom wasmUrl, Web Worker:
# vite-app.mjs). Softmax checked against float64.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="$(cd "$root" && npm pack --silent --pack-destination "$tmp" 2>/dev/null | tail -1)"
bash "$root/tests/package/package-lint.sh" "$tmp/$tarball"
mkdir "$tmp/app"
cd "$tmp/app"
echo '{ "name": "consumer", "version": "1.0.0", "private": true }' > package.json
npm install --silent --no-audit --no-fund --offline "$tmp/$tarball" >/dev/null
listed="$(tar -tzf "$tmp/$tarball" | sort | tr '\n' ' ')"
echo "tarball: $tarball ($(du -b "$tmp/$tarball" | cut -f1) bytes): $listed"

cat > check.js <<'JS'
module.exports = function check(p, how) {
  const x = [4.5, -1.2, 0.8];
  const m = Math.max(...x);
  const s = x.reduce((a, v) => a + Math.exp(v - m), 0);
  x.forEach((v, i) => {
    const ref = Math.exp(v - m) / s;
    if (Math.abs(p[i] - ref) > 4e-7 * ref) throw new Error(`${how}: softmax[${i}] = ${p[i]}, expected ${ref}`);
  });
  console.log(`${how}: softmax ok`, Array.from(p, (v) => v.toFixed(6)).join(' '));
};
JS
cat > esm.mjs <<'JS'
import { load } from 'logitkit';
import { createRequire } from 'node:module';
const check = createRequire(import.meta.url)('./check.js');
const lk = await load();
check(lk.softmax(new Float32Array([4.5, -1.2, 0.8])), `ESM import (${lk.backend})`);
const base = await load({ simd: false });
check(base.softmax(new Float32Array([4.5, -1.2, 0.8])), `ESM import (${base.backend})`);
JS
cat > cjs.cjs <<'JS'
const { load } = require('logitkit');
const check = require('./check.js');
load().then((lk) => check(lk.softmax(new Float32Array([4.5, -1.2, 0.8])), `CJS require (${lk.backend})`));
JS
cat > adapters.mjs <<'JS'
import { load } from 'logitkit';
import { logitsProcessor } from 'logitkit/transformers';
import { logitProcessor } from 'logitkit/webllm';
import { lastLogits } from 'logitkit/onnx';
import { grammarSampler, allowedCount } from 'logitkit/xgrammar';
const lk = await load();
const tensor = { data: new Float32Array([0, 1, 2, 3, 4, 5]), dims: [1, 2, 3], type: 'float32' };
const [row] = lastLogits(tensor);
if (row.buffer !== tensor.data.buffer || row.join() !== '3,4,5') throw new Error('onnx: last row');
const p = logitsProcessor(lk, { topK: 1 });
p([[0n]], { data: row, dims: [1, 3], type: 'float32' });
if (row.join() !== '-Infinity,-Infinity,0') throw new Error(`transformers: ${row.join()}`);
const w = logitProcessor(lk, { temperature: 0 });
if (w.processLogits(new Float32Array([1, 9, 2])).indexOf(0) !== 1) throw new Error('webllm');
// A matcher that allows token 2 only, then ends.
let ended = false;
const matcher = { getNextTokenBitmask: async () => new Int32Array([4]), acceptToken: (t) => (ended = t === 2), isTerminated: () => ended, reset() { ended = false; } };
const g = grammarSampler(lk, matcher, { seed: 1 });
const r = await g.next(new Float32Array([9, 8, 1]));
if (r.token !== 2 || !r.done || allowedCount(r.bitmask, 3) !== 1) throw new Error(`xgrammar: ${r.token}`);
console.log('ESM import of logitkit/transformers, logitkit/webllm, logitkit/onnx, logitkit/xgrammar: ok');
JS
cat > adapters.cjs <<'JS'
const { load } = require('logitkit');
const { logitsSampler } = require('logitkit/transformers');
const { LogitkitLogitProcessor } = require('logitkit/webllm');
const { lastLogitsBuffer } = require('logitkit/onnx');
const { allowedCount } = require('logitkit/xgrammar');
load().then(async (lk) => {
  const buf = lastLogitsBuffer(lk, { data: new Float32Array([0, 1, 2, 3, 4, 5]), dims: [1, 2, 3], type: 'float32' });
  if (buf.view.join() !== '3,4,5') throw new Error('onnx buffer');
  const [[token]] = await logitsSampler(lk, { temperature: 0 })({ data: buf.view, dims: [3], type: 'float32' });
  if (token !== 2n) throw new Error(`transformers sampler: ${token}`);
  new LogitkitLogitProcessor(lk).resetState();
  if (allowedCount(new Uint32Array([0xff]), 4) !== 4) throw new Error('xgrammar allowedCount');
  console.log('CJS require of logitkit/transformers, logitkit/webllm, logitkit/onnx, logitkit/xgrammar: ok');
});
JS
node esm.mjs
node cjs.cjs
node adapters.mjs
node adapters.cjs

# TypeScript with the shipped types, as ordinary consumer projects compile
# them (no lib or types added): targets x module kinds, import and require,
# the pinned and the newest TypeScript.
bash "$root/tests/package/types-matrix.sh" "$tmp/app"

node "$root/tests/package/vite-app.mjs" "$tmp/app"
