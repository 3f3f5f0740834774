// logitkit/webllm: a WebLLM (@mlc-ai/web-llm) LogitProcessor backed by a logitkit sampler,
// with no dependency on WebLLM. Register it with CreateMLCEngine(model, { logitProcessorRegistry }).
import type { DisposeMethod, Logitkit, SamplerOptions, Sampler, SampleResult } from '../index.js';

export interface LogitProcessorOptions extends SamplerOptions {
  /**
   * 'distribution' (default): processLogits returns log-probabilities of logitkit's final
   * distribution (set WebLLM's temperature and top_p to 1 to draw from exactly it).
   * 'sample': logitkit draws the token (seeded) and only that token stays possible.
   */
  mode?: 'distribution' | 'sample';
}

/** Structurally a WebLLM LogitProcessor. */
export class LogitkitLogitProcessor {
  constructor(lk: Logitkit, options?: LogitProcessorOptions);
  readonly lk: Logitkit;
  readonly mode: 'distribution' | 'sample';
  /** The logitkit sampler (history, state, toJSON). */
  readonly sampler: Sampler;
  /** In 'sample' mode, the full result of the last draw. */
  readonly lastResult: SampleResult | null;
  /** Processes logits in place and returns them. */
  processLogits(logits: Float32Array): Float32Array;
  /** Appends the committed token to the history. */
  processSampledToken(token: number): void;
  /** Back to draw 0 with the prompt option as history (MLCEngine.resetChat). */
  resetState(): void;
  dispose(): void;
}
/** Where the lib has Symbol.dispose: `using` disposes it at the end of the scope. */
export interface LogitkitLogitProcessor extends DisposeMethod {}

/** new LogitkitLogitProcessor(lk, options). */
export function logitProcessor(lk: Logitkit, options?: LogitProcessorOptions): LogitkitLogitProcessor;
