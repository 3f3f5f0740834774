// Reports the size of what a user downloads — the JS glue, each adapter and
// each wasm, raw and gzip (level 9) — and fails when the JS entry plus one
// wasm exceeds the budget: 105 KB (105 000 bytes) gzip. Run by scripts/test.sh.
// It was 100 KB until beam search (docs/beam-search.md): with beam sampling and
// diverse groups it costs 13.5 KB gzip (10.7 KB wasm, 2.8 KB JS), of which the
// module's printf and strtod, dropped just before (src/core/number_text.h), paid
// back 11.5 KB.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 105_000;
const dist = new URL('../dist/', import.meta.url);
const size = (file) => {
  const bytes = readFileSync(new URL(file, dist));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const js = ['index.mjs', 'index.cjs'].map(size);
const wasm = ['logitkit-simd.wasm', 'logitkit-baseline.wasm'].map(size);
const adapters = readdirSync(new URL('adapters/', dist)).filter((f) => /\.(mjs|cjs)$/.test(f)).sort().map((f) => size(`adapters/${f}`));

const kb = (n) => (n / 1000).toFixed(1).padStart(7);
console.log('file                            raw KB  gzip KB');
for (const s of [...js, ...wasm, ...adapters]) console.log(`${s.file.padEnd(30)} ${kb(s.raw)}  ${kb(s.gzip)}`);

let failed = false;
for (const j of js) {
  for (const w of wasm) {
    const total = j.gzip + w.gzip;
    const ok = total <= BUDGET;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'OVER'} ${j.file} + ${w.file}: ${kb(total).trim()} KB gzip (budget ${BUDGET / 1000} KB)`);
  }
}
if (failed) {
  console.error(`size: JS + one wasm must stay within ${BUDGET / 1000} KB gzip`);
  process.exit(1);
}
