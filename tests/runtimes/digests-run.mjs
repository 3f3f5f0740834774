// Run by Deno and Bun (tests/runtimes/deno-bun.sh) beside a copy of
// tests/shared/digests.mjs, in a project where the packed tarball is
// installed: prints every digest with the SIMD and the baseline build as JSON,
// for compare-digests.mjs to check against Node's. With `flip`, also the SIMD
// build's digests with one output bit flipped (the comparison's self-test, the
// same bit as tests/browser/engines-bitexact.mjs flips).
import { load } from 'logitkit';
import { digests } from './digests.mjs';

const FLIP = { key: 'softmax/V/T=1', word: 1 + 12345, bit: 0 }; // element 12345 of row 0 (word 0 is the length)
const runtime = typeof Deno === 'object' ? `Deno ${Deno.version.deno}` : typeof Bun === 'object' ? `Bun ${Bun.version}` : `Node ${process.version}`;
const out = { runtime, seconds: {} };
for (const [build, simd] of [['simd', true], ['baseline', false]]) {
  const t0 = performance.now();
  const lk = await load({ simd });
  if (lk.simd !== simd) throw new Error(`${runtime}: load({ simd: ${simd} }) gave the ${lk.backend} backend`);
  out[build] = digests(lk);
  out.seconds[build] = Math.round(performance.now() - t0) / 1000;
  if (build === 'simd' && process.argv.includes('flip')) {
    out.flip = FLIP;
    out.flipped = digests(lk, { flip: FLIP });
  }
}
console.log(JSON.stringify(out));
