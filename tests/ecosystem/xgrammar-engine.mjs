// XGrammar's web build (@mlc-ai/web-xgrammar 0.1.27, a devDependency) in Node.
// Its lib/index.js is a UMD bundle (the wasm inlined as base64) inside a
// package marked "type": "module", so Node's `import` runs it as an ES module
// and it stops at its first line: `require` is not defined in ES module scope.
// Browsers and bundlers (Vite, esbuild, rollup) load it as the CommonJS/UMD
// file it is; here it is required from a .cjs copy. Nothing is patched and
// nothing is fetched.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let engine;

/** The @mlc-ai/web-xgrammar module ({ TokenizerInfo, GrammarCompiler, GrammarMatcher, ... }). */
export function loadXGrammar() {
  if (engine) return engine;
  const file = createRequire(import.meta.url).resolve('@mlc-ai/web-xgrammar');
  const dir = mkdtempSync(join(tmpdir(), 'lk-xgrammar-'));
  try {
    copyFileSync(file, join(dir, 'web-xgrammar.cjs'));
    engine = createRequire(join(dir, 'loader.cjs'))('./web-xgrammar.cjs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return engine;
}
