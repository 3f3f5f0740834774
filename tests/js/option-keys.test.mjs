// One source of truth for option names: the option keys each method accepts at
// run time (Logitkit._optionKeys, registered where the method is defined) are
// exactly the properties of its `options` parameter in the shipped .d.ts, read
// with the TypeScript compiler. A key the types promise but the code rejects,
// or one the code takes silently but the types do not know, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Logitkit, load } from '../../dist/index.mjs';

const dts = fileURLToPath(new URL('../../dist/index.d.ts', import.meta.url));
const program = ts.createProgram([dts], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, types: [] });
const checker = program.getTypeChecker();
const source = program.getSourceFile(dts);
const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(source)).map((s) => [s.name, s]));

// Option names of every method of `typeName` that has an `options` parameter, keyed `${prefix}${method}`.
function optionsOf(typeName, prefix = '') {
  const type = checker.getDeclaredTypeOfSymbol(exported.get(typeName));
  const found = {};
  for (const method of checker.getPropertiesOfType(type)) {
    const methodType = checker.getTypeOfSymbolAtLocation(method, source);
    for (const signature of methodType.getCallSignatures()) {
      const param = signature.getParameters().find((p) => p.name === 'options');
      if (!param) continue;
      const optionsType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(param, source));
      found[prefix + method.name] = checker.getPropertiesOfType(optionsType).map((p) => p.name).sort();
    }
  }
  return found;
}

test('the option keys of every method match the .d.ts option types', async () => {
  // The sampler's keys come from the wasm module's schema, read by the first sampler.
  (await load()).sampler().dispose();
  const declared = {
    ...optionsOf('Logitkit'),
    ...optionsOf('Sampler', 'Sampler.'),
    ...optionsOf('BeamSearch', 'BeamSearch.'),
    ...optionsOf('TemperatureCalibrator', 'Calibrator.'),
  };
  const runtime = Object.fromEntries(Object.entries(Logitkit._optionKeys).map(([k, v]) => [k, [...v].sort()]));
  assert.ok(Object.keys(declared).length >= 30, `found ${Object.keys(declared).length} methods with options in the .d.ts`);
  assert.deepEqual(runtime, declared);
});
