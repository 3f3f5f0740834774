// Run by Node (tests/runtimes/deno-bun.sh) beside a copy of
// tests/shared/digests.mjs, in a project where the packed tarball is
// installed: computes Node's digests with both builds of that tarball and
// checks that each runtime's (digests-run.mjs's JSON files, the arguments)
// equal them bit for bit, build by build. A runtime that also sent flipped
// digests must differ from Node's in exactly the flipped one: the self-test
// that shows the comparison can fail.
import { readFileSync } from 'node:fs';
import { load } from 'logitkit';
import { digests, compareDigests } from './digests.mjs';

const node = {};
for (const [build, simd] of [['simd', true], ['baseline', false]]) node[build] = digests(await load({ simd }));
const count = Object.keys(node.simd).length;
const fail = (msg) => { console.error(`FAILED: ${msg}`); process.exitCode = 1; };

const same = compareDigests(node.simd, node.baseline);
if (same.length) fail(`Node ${process.version}: the SIMD and baseline builds differ in ${same.join(', ')}`);
let selfTests = 0;
for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  for (const build of ['simd', 'baseline']) {
    const differ = compareDigests(node[build], r[build]);
    if (differ.length) fail(`${r.runtime}, ${build} build: these digests differ from Node's: ${differ.join(', ')}`);
    else console.log(`${r.runtime}, ${build} build: all ${count} digests equal Node ${process.version}'s (${r.seconds[build]} s)`);
  }
  if (r.flipped) {
    selfTests++;
    const caught = compareDigests(node.simd, r.flipped);
    const { key, word, bit } = r.flip;
    if (caught.length !== 1 || caught[0] !== key) fail(`self-test in ${r.runtime}: flipping bit ${bit} of ${key}'s word ${word} changed [${caught.join(', ')}], expected [${key}] alone`);
    else console.log(`self-test: one output bit flipped in ${r.runtime} (${key}, element ${word - 1}, bit ${bit}) is caught, and only there`);
  }
}
if (selfTests === 0) fail('no runtime ran the one-bit self-test');
