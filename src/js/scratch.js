// The scratch regions of a Logitkit instance (Logitkit._scratchPtr), by name,
// every area's in one table so that sharing is visible: within one call each
// argument and result has its own region; different calls reuse the same
// regions. A region grows by doubling and lives as long as the instance, so
// steady-state calls allocate nothing.
export const SLOTS = Object.freeze({
  rows: { logits: 0, out: 1, weight: 2, hidden: 3, bias: 4 },
  losses: { input: 0, out: 1, target: 2, weight: 3, posWeight: 4, result: 5 },
  classify: {
    logits: 0, out: 1, thresholds: 2, decisions: 3, docs: 4, // multiLabel, similarity
    topIndices: 5, topValues: 6, topProbs: 7, // topClasses, decide, retrieve
    top: 1, margin: 2, entropy: 3, kind: 4, summary: 5, // diagnose
    guardKind: 2, // the opt-in guard, before softmax's own logits (0) and out (1)
  },
  calibration: { scores: 0, labels: 1, out: 1, table: 4, table2: 5, counts: 6 },
  sampler: {
    logits: 0, params: 6, lists: 7, biasValues: 8, bitmask: 9, result: 10, ids: 11, probs: 12, count: 13,
    target: 0, draft: 2, draftTokens: 3, // speculativeVerify (its result uses `result`)
  },
  beam: { logits: 0, params: 6, lists: 7, biasValues: 8, bitmask: 9 },
  scoring: { logits: 0, tokens: 20, logprob: 21, rank: 22, entropy: 23, topIndex: 24, topLogprob: 25, totals: 26 },
});
