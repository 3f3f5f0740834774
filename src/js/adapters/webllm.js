// WebLLM (@mlc-ai/web-llm) adapter, with no import of it: an object with its
// LogitProcessor interface (processLogits, processSampledToken, resetState),
// registered through MLCEngineConfig.logitProcessorRegistry.
import { checkOptions } from '../errors.js';
import { checkLogitkit, writeLogDistribution } from './rows.js';

const disposeSymbol = Symbol.dispose ?? Symbol.for('Symbol.dispose');
const MODES = ['distribution', 'sample'];

/**
 * mode 'distribution' (default): processLogits returns the log-probabilities
 * of logitkit's final distribution (-inf outside it); with WebLLM's own
 * temperature and top_p at 1 its draw is then from exactly that distribution.
 * mode 'sample': logitkit draws the token itself (seeded, reproducible) and
 * processLogits returns a row where only that token is possible; the
 * draw's logprob and top alternatives are in `lastResult`.
 * WebLLM hands back the committed token through processSampledToken, which
 * appends it to the sampler's history.
 */
export class LogitkitLogitProcessor {
  constructor(lk, options) {
    checkLogitkit(lk, 'LogitkitLogitProcessor(lk, options)');
    const { mode = 'distribution', ...samplerOptions } = checkOptions('options', options);
    if (!MODES.includes(mode)) throw new RangeError(`options.mode must be 'distribution' or 'sample', got '${mode}'`);
    this.lk = lk;
    this.mode = mode;
    this.sampler = lk.sampler(samplerOptions);
    this.lastResult = null;
  }

  processLogits(logits) {
    if (this.mode === 'sample') {
      const r = this.sampler.sample(logits);
      this.lastResult = r;
      logits.fill(-Infinity);
      logits[r.token] = 0;
      return logits;
    }
    return writeLogDistribution(this.lk, logits, this.sampler.distribution(logits));
  }

  processSampledToken(token) {
    this.sampler.accept(token);
  }

  resetState() {
    this.sampler.reset();
    this.lastResult = null;
  }

  dispose() {
    this.sampler.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

/** new LogitkitLogitProcessor(lk, options). */
export function logitProcessor(lk, options) {
  return new LogitkitLogitProcessor(lk, options);
}
