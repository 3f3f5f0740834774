// logitkit's sampling RNG in JavaScript, for the test references: Philox4x32-10
// (Random123) as a counter-based generator, as src/core/sampling/sampling_rng.h
// defines it: uniform number c of (seed, stream) = the 53-bit integer
// (w0 << 21 | w1 >> 11) of block c / 2's words (w0, w1) for even c, (w2, w3)
// for odd c, times 2^-53. BigInt arithmetic: written for clarity, not speed.

const M32 = 0xffffffffn;

export function philox4x32(ctr, key) {
  let [c0, c1, c2, c3] = ctr.map(BigInt);
  let [k0, k1] = key.map(BigInt);
  for (let round = 0; round < 10; round++) {
    const p0 = 0xd2511f53n * c0, p1 = 0xcd9e8d57n * c2;
    const n0 = (p1 >> 32n) ^ c1 ^ k0, n2 = (p0 >> 32n) ^ c3 ^ k1;
    c1 = p1 & M32, c3 = p0 & M32, c0 = n0, c2 = n2;
    k0 = (k0 + 0x9e3779b9n) & M32, k1 = (k1 + 0xbb67ae85n) & M32;
  }
  return [c0, c1, c2, c3].map(Number);
}

/** Uniform number `counter` (a BigInt or number) in [0, 1) of (seed, stream), all u64. */
export function uniform(seed, stream, counter) {
  const s = BigInt(seed), t = BigInt(stream), c = BigInt(counter), block = c >> 1n;
  const w = philox4x32([block & M32, block >> 32n, t & M32, t >> 32n], [s & M32, s >> 32n]);
  const h = Number(c & 1n) * 2;
  return (w[h] * 2 ** 21 + (w[h + 1] >>> 11)) * 2 ** -53;
}
