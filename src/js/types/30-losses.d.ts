
// ---- Losses (PyTorch semantics; docs/losses.md) ----

export type Reduction = 'none' | 'mean' | 'sum';

export interface ClassLossOptions<R extends Reduction> {
  /** Class count C; inferred from the lengths where possible. */
  classes?: number;
  /** Per-class rescaling weights [C], finite and >= 0. */
  weight?: Floats;
  /** 'mean' (default), 'sum' or 'none' (per-sample Float32Array). */
  reduction?: R;
  /** Per-sample output for reduction 'none'. */
  out?: Float32Array;
}

export interface Logitkit {
  /**
   * torch.nn.functional.cross_entropy from logits [n × C]. target: Int32Array of class
   * indices (n of them) or Float32Array of class probabilities (n × C, soft labels).
   * 'mean' divides by Σ weight[target] over non-ignored samples (class indices) or by n
   * (probabilities); a mean over no sample is NaN, as in PyTorch.
   */
  crossEntropy(
    logits: Floats,
    target: Int32Array | Floats,
    options?: ClassLossOptions<'mean' | 'sum'> & { ignoreIndex?: number; labelSmoothing?: number },
  ): number;
  crossEntropy(
    logits: Floats,
    target: Int32Array | Floats,
    options: ClassLossOptions<'none'> & { ignoreIndex?: number; labelSmoothing?: number },
  ): Float32Array;

  /** torch.nn.functional.nll_loss on log-probabilities [n × C] with class indices. */
  nllLoss(logProbs: Floats, target: Int32Array, options?: ClassLossOptions<'mean' | 'sum'> & { ignoreIndex?: number }): number;
  nllLoss(logProbs: Floats, target: Int32Array, options: ClassLossOptions<'none'> & { ignoreIndex?: number }): Float32Array;

  /**
   * torch.nn.functional.binary_cross_entropy_with_logits over [n × classes], targets in
   * [0, 1]; weight [classes] or [n × classes]; posWeight [classes]. Stable for |x| up to 1e30.
   */
  bceWithLogits(logits: Floats, target: Floats, options?: ClassLossOptions<'mean' | 'sum'> & { posWeight?: Floats }): number;
  bceWithLogits(logits: Floats, target: Floats, options: ClassLossOptions<'none'> & { posWeight?: Floats }): Float32Array;

  /**
   * torch.nn.functional.kl_div(input, target): input holds log-probabilities; target
   * probabilities (or log-probabilities with logTarget). 'batchmean' divides by n = length / classes.
   */
  klDiv(
    input: Floats,
    target: Floats,
    options?: { classes?: number; logTarget?: boolean; reduction?: 'mean' | 'sum' | 'batchmean' },
  ): number;
  klDiv(input: Floats, target: Floats, options: { classes?: number; logTarget?: boolean; reduction: 'none'; out?: Float32Array }): Float32Array;
}
