// Supply chain: no runtime dependencies, no install scripts, a committed
// lockfile, and a tarball holding only the files whitelist. (That every file
// the exports map names is packed, publint checks on the tarball:
// tests/package/package-lint.sh.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

test('no runtime dependencies and no install scripts', () => {
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), []);
  assert.deepEqual(Object.keys(pkg.peerDependencies ?? {}), []);
  assert.deepEqual(Object.keys(pkg.optionalDependencies ?? {}), []);
  for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts?.[s], undefined, s);
});

test('lockfile committed; tarball holds only the whitelisted files', () => {
  assert.ok(existsSync(new URL('package-lock.json', root)));
  const tracked = execFileSync('git', ['ls-files', 'package-lock.json'], { cwd: root, encoding: 'utf8' }).trim();
  assert.equal(tracked, 'package-lock.json');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: root, encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path);
  for (const f of files) {
    assert.ok(f === 'package.json' || pkg.files.some((w) => f === w || f.startsWith(w.replace(/\/?$/, '/'))), `${f} is not whitelisted`);
  }
});
