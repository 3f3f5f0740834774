// The playground's model files (data/model/, written by model/train.py), read
// in Node for tests/ecosystem/playground.test.mjs and tests/browser/playground.test.mjs.
import { readFileSync } from 'node:fs';

const dir = new URL('../../data/model/', import.meta.url);

export const readModelFile = (name, encoding) => readFileSync(new URL(name, dir), encoding);

// What CharModel.create takes besides ort and lk.
export function charlmFiles() {
  return {
    modelBytes: readModelFile('charlm.onnx'),
    meta: JSON.parse(readModelFile('charlm.json', 'utf8')),
    lmHead: readModelFile('lm-head.bin'),
  };
}
