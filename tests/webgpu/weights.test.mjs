// The GPU path's weight kernel (src/webgpu/sampler_weight.wgsl) run on two
// real WebGPU implementations, Dawn in Node (npm webgpu) and Chromium's own,
// both on SwiftShader, gives the wasm kernel's bits: every 509th float32 y in
// [-21.5, 0] at T = 1, and rows around a nonzero maximum (ties, -inf, the
// maximum itself) at six temperatures from 2^-20 to 1e30; the expected bits
// come from the native kernel (build/native/lk_weight_vectors), which the C++
// tests tie to both wasm builds. Self-checks (tests/webgpu/weights-check.mjs):
// the shader with round-half-up instead of ties to even must differ somewhere
// (the comparison can fail), and the same formula written with WGSL's own f32
// operations is run beside it, its differences printed next to the same f32
// formula computed in JavaScript (Math.fround), which must give the wasm bits:
// on SwiftShader half of the f32 shader's weights differ, because its
// compiler turns (t + 1.5·2^23) − 1.5·2^23 into t (the probe prints what it
// does); docs/sampler.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../common/chromium.mjs';
import { dawnDevice } from './dawn.mjs';
import { checkWeights, parseVectors } from './weights-check.mjs';

const root = new URL('../../', import.meta.url);
const shader = readFileSync(new URL('src/webgpu/sampler_weight.wgsl', root), 'utf8');
const vectorBytes = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'lk-weights-'));
  try {
    execFileSync(new URL('build/native/lk_weight_vectors', root).pathname, [join(dir, 'w.bin')]);
    return readFileSync(join(dir, 'w.bin'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

function verdict(where, r) {
  console.log(`${where}: ${r.values} weights; integer kernel ${r.softDiffer} differ, round-half-up variant ` +
    `${r.halfUpDiffer} differ (must be > 0), the formula in WGSL f32 operations ${r.floatDiffer} differ on this ` +
    `implementation (${r.floatJs} in JavaScript float32); (0.125 + 1.5·2^23) − 1.5·2^23 = ${r.probed} here`);
  assert.ok(r.soft.length === 7 && r.soft[0].n > 2_000_000 && r.shaderHasTieRule, 'the vectors: a sweep and six rows');
  for (const c of r.soft) assert.equal(c.differ, 0, `${where}, T = ${c.t}: ${c.differ} of ${c.n} weights differ from the wasm kernel`);
  assert.ok(r.halfUpDiffer > 0, 'breaking the tie rule changes some weight');
  assert.equal(r.floatJs, 0, 'the f32 shader is the formula: in JavaScript float32 it gives the wasm bits');
}

test('WebGPU in Node (Dawn, SwiftShader): the WGSL weight kernel in integer arithmetic gives the wasm kernel\'s bits', async () => {
  const { device, description } = await dawnDevice();
  verdict(`Dawn, ${description}`, await checkWeights(device, shader, parseVectors(vectorBytes)));
  device.destroy();
});

test('WebGPU in Chromium (SwiftShader): the same bits', async () => {
  // A secure context for navigator.gpu: 127.0.0.1, serving the check's modules, the shader and the vectors.
  const files = {
    '/': ['text/html', '<!doctype html><title>weights</title>'],
    '/compute.mjs': ['text/javascript', readFileSync(new URL('compute.mjs', import.meta.url))],
    '/weights-check.mjs': ['text/javascript', readFileSync(new URL('weights-check.mjs', import.meta.url))],
    '/sampler_weight.wgsl': ['text/plain', shader],
    '/vectors.bin': ['application/octet-stream', vectorBytes],
  };
  const server = createServer((req, res) => {
    const f = files[req.url];
    res.writeHead(f ? 200 : 404, { 'content-type': f ? f[0] : 'text/plain' });
    res.end(f ? f[1] : 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium(['--enable-unsafe-webgpu']);
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(600000);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const r = await page.evaluate(async () => {
      if (!navigator.gpu) return { error: 'navigator.gpu is undefined' };
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) return { error: 'no WebGPU adapter' };
      const device = await adapter.requestDevice();
      const { checkWeights, parseVectors } = await import('/weights-check.mjs');
      const shader = await (await fetch('/sampler_weight.wgsl')).text();
      const bytes = new Uint8Array(await (await fetch('/vectors.bin')).arrayBuffer());
      const out = await checkWeights(device, shader, parseVectors(bytes));
      out.description = `${adapter.info?.description || adapter.info?.vendor || 'adapter'} (${adapter.info?.architecture ?? ''})`;
      return out;
    });
    assert.equal(r.error, undefined, r.error);
    verdict(`Chromium, ${r.description}`, r);
  } finally {
    await browser.close();
    server.close();
  }
});
