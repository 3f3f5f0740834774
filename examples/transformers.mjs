// logitkit inside transformers.js: the controls its generate() lacks (top-p,
// min-p, typical, DRY, presence/frequency penalties, ...) as one logits
// processor, and a seeded sampler with its LogitsSampler interface.
// With a model: model.generate({ ...inputs, do_sample: true, logits_processor: [processor] }).
// `npm test` runs this file against the real @huggingface/transformers.
import { Tensor, LogitsProcessorList, RepetitionPenaltyLogitsProcessor } from '@huggingface/transformers';
import { load } from 'logitkit';
import { logitsProcessor, logitsSampler } from 'logitkit/transformers';

const lk = await load();
const processor = logitsProcessor(lk, { topP: 0.9, minP: 0.05, presencePenalty: 0.3, bannedTokens: [0] });
const sampler = logitsSampler(lk, { seed: 1234, topLogprobs: 3 });

// What generate() does each step: its processors, then ours, then a sampler.
const list = new LogitsProcessorList();
list.push(new RepetitionPenaltyLogitsProcessor(1.1));
list.push(processor);

const vocab = 32;
const inputIds = [[5n, 9n, 9n]];
for (let step = 0; step < 6; step++) {
  const data = Float32Array.from({ length: vocab }, (_, i) => Math.sin(i + step) * 3);
  const logits = list(inputIds, new Tensor('float32', data, [1, vocab])); // [batch, vocab]
  const [[token, logprob]] = await sampler(logits[0]);
  inputIds[0].push(token);
}
const { topLogprobs } = sampler.lastResult;
console.log(`transformers example: ${inputIds[0].join(' ')}; last top-3 ${topLogprobs.map((t) => t.token).join(',')}`);
processor.dispose();
sampler.dispose();
