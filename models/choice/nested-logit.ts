/**
 * Nested logit with one uniform. Alternatives [0, n) are grouped in contiguous nests (`nest[i]`
 * non-decreasing, e.g. care tiers in a choice set sorted by tier); alternatives with utility
 * −Infinity are unavailable. Within nest t, P(i | t) ∝ exp(V_i / λ); nests are chosen with
 * P(t) ∝ exp(I_t), I_t = λ·ln Σ_{i∈t} exp(V_i / λ) (McFadden 1978). With λ = 1 this is the
 * multinomial logit; with λ < 1 a second facility in a nest raises the nest's pull by λ·ln 2
 * instead of ln 2 — one more hospital adds mostly capacity, not demand.
 *
 * `scratch` must hold 2n numbers. Returns the chosen index, or -1 when none is available.
 */
export function chooseNested(
  utility: Float64Array,
  nest: ArrayLike<number>,
  n: number,
  lambda: number,
  u: number,
  scratch: Float64Array,
): number {
  // Pass 1: each nest's within-nest cumulative weights (in scratch, from its first index) and its
  // inclusive value (kept at scratch[n + nest's first index]). A nest of one alternative — most
  // of them — needs no exp or log: its inclusive value is the alternative's utility.
  let maxInclusive = Number.NEGATIVE_INFINITY;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && nest[end] === nest[start]) end++;
    let inclusive: number;
    if (end === start + 1) {
      inclusive = utility[start];
      scratch[start] = inclusive === Number.NEGATIVE_INFINITY ? 0 : 1;
    } else {
      let m = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) if (utility[i] > m) m = utility[i];
      if (m === Number.NEGATIVE_INFINITY) {
        for (let i = start; i < end; i++) scratch[i] = 0;
        inclusive = m;
      } else {
        let s = 0;
        for (let i = start; i < end; i++) {
          if (utility[i] !== Number.NEGATIVE_INFINITY) s += Math.exp((utility[i] - m) / lambda);
          scratch[i] = s;
        }
        inclusive = m + lambda * Math.log(s);
      }
    }
    scratch[n + start] = inclusive;
    if (inclusive > maxInclusive) maxInclusive = inclusive;
    start = end;
  }
  if (maxInclusive === Number.NEGATIVE_INFINITY) return -1;
  // Pass 2: nest weights exp(I_t − max), kept in place of the inclusive values.
  let total = 0;
  start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && nest[end] === nest[start]) end++;
    const inclusive = scratch[n + start];
    const w = inclusive === Number.NEGATIVE_INFINITY ? 0 : Math.exp(inclusive - maxInclusive);
    scratch[n + start] = w;
    total += w;
    start = end;
  }
  // Pass 3: the nest, then the alternative within it, from the one uniform.
  let target = u * total;
  let lastAvailable = -1;
  start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && nest[end] === nest[start]) end++;
    const w = scratch[n + start];
    if (w > 0) {
      if (target < w) {
        const within = (target / w) * scratch[end - 1];
        for (let i = start; i < end - 1; i++) if (within < scratch[i]) return i;
        return end - 1;
      }
      target -= w;
      lastAvailable = end - 1;
    }
    start = end;
  }
  // Rounding left the target past the last nest: take that nest's last available alternative.
  while (lastAvailable >= 0 && utility[lastAvailable] === Number.NEGATIVE_INFINITY) lastAvailable--;
  return lastAvailable;
}

/** The choice probabilities of `chooseNested` (for tests and reports). */
export function nestedProbabilities(
  utility: ArrayLike<number>,
  nest: ArrayLike<number>,
  lambda: number,
): number[] {
  const n = utility.length;
  const out = new Array<number>(n).fill(0);
  const nests = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (utility[i] === Number.NEGATIVE_INFINITY) continue;
    if (!nests.has(nest[i])) nests.set(nest[i], []);
    nests.get(nest[i])!.push(i);
  }
  const inclusive = new Map<number, number>();
  for (const [t, members] of nests) {
    inclusive.set(t, lambda * Math.log(members.reduce((s, i) => s + Math.exp(utility[i] / lambda), 0)));
  }
  const denominator = [...inclusive.values()].reduce((s, v) => s + Math.exp(v), 0);
  for (const [t, members] of nests) {
    const within = members.reduce((s, i) => s + Math.exp(utility[i] / lambda), 0);
    for (const i of members)
      out[i] = (Math.exp(inclusive.get(t)!) / denominator) * (Math.exp(utility[i] / lambda) / within);
  }
  return out;
}
