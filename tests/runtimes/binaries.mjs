// Prints the path of the Deno or Bun executable that the dev dependencies
// `deno` and `bun` installed: `node tests/runtimes/binaries.mjs deno|bun`.
//
// Both ship their binary in an optional platform package (@deno/linux-x64-glibc,
// @oven/bun-linux-x64). Their postinstall scripts only link it: deno's copies
// (hard-links) it to node_modules/deno/deno and leaves the original; bun's
// moves it over the placeholder node_modules/bun/bin/bun.exe (a 450-byte text
// file until then), so the platform package's bin/bun is gone afterwards.
// npm 11 runs these scripts but warns that they are "not yet covered by
// allowScripts"; with --ignore-scripts (or a future npm that skips them) only
// the platform packages hold binaries. This picks whichever is a real
// executable, so the tests run either way, and never runs the wrapper scripts
// (bin.cjs; bun.exe's placeholder), which would try an install of their own.
import { accessSync, constants, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const platform = `${process.platform}-${process.arch}`;
if (platform !== 'linux-x64') {
  throw new Error(`tests/runtimes: Deno and Bun are tested on linux-x64 only (this is ${platform})`);
}

const packageDir = (name) => {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
};

// An ELF executable, not a placeholder or a script.
function isBinary(path) {
  try {
    accessSync(path, constants.X_OK);
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  }
}

const CANDIDATES = {
  deno: () => [[packageDir('@deno/linux-x64-glibc'), 'deno'], [packageDir('deno'), 'deno']],
  bun: () => [[packageDir('@oven/bun-linux-x64'), 'bin/bun'], [packageDir('bun'), 'bin/bun.exe']],
};

const name = process.argv[2];
if (!(name in CANDIDATES)) throw new RangeError(`usage: node tests/runtimes/binaries.mjs deno|bun (got ${name})`);
const tried = CANDIDATES[name]().filter(([dir]) => dir).map(([dir, file]) => join(dir, file));
const found = tried.find(isBinary);
if (!found) {
  throw new Error(`tests/runtimes: no ${name} executable among ${tried.join(', ') || '(no package installed)'}; run scripts/setup.sh`);
}
console.log(found);
