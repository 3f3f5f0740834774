// The README's example; scripts/test.sh runs it.
import { load } from 'logitkit';

const lk = await load(); // picks the SIMD build when the engine has WebAssembly SIMD

// Cat / dog / bird logits from an image classifier.
const logits = new Float32Array([4.5, -1.2, 0.8]);
const probs = lk.softmax(logits); // ≈ [0.9727, 0.0033, 0.0240]
const calm = lk.softmax(logits, { temperature: 2 }); // flatter
const logProbs = lk.logSoftmax(logits);
const [best] = lk.argmax(logits);

console.log(Array.from(probs, (p) => p.toFixed(4)), Array.from(calm, (p) => p.toFixed(4)));
console.log(`best class ${best}, log p = ${logProbs[best].toFixed(4)}, backend ${lk.backend}`);
