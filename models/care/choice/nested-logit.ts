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
  // Fast path: utilities of everyday size need no shift by their maximum, so one pass computes
  // each nest's within-nest cumulative weights exp(V/λ) (in scratch) and its weight
  // exp(I_t) = (Σ exp(V/λ))^λ (kept at scratch[n + the nest's first index]); a nest of one
  // alternative — most of them — needs exp(V) alone.
  const inverse = 1 / lambda;
  let total = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && nest[end] === nest[start]) end++;
    let weight: number;
    if (end === start + 1) {
      weight = Math.exp(utility[start]);
      scratch[start] = weight;
    } else {
      let s = 0;
      for (let i = start; i < end; i++) {
        s += Math.exp(utility[i] * inverse);
        scratch[i] = s;
      }
      weight = s > 0 ? s ** lambda : 0;
    }
    scratch[n + start] = weight;
    total += weight;
    start = end;
  }
  if (!(total > 1e-280 && total < 1e280)) return chooseNestedShifted(utility, nest, n, lambda, u, scratch);
  return pickNest(utility, nest, n, u * total, scratch);
}

/** Pass 2 of both paths: the nest, then the alternative within it, from target = u·Σ weights. */
function pickNest(
  utility: Float64Array,
  nest: ArrayLike<number>,
  n: number,
  target: number,
  scratch: Float64Array,
) {
  let lastAvailable = -1;
  let start = 0;
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

/**
 * The same choice for utilities too large or small for exp: within-nest weights shifted by the
 * nest's maximum, nest weights by the largest inclusive value.
 */
function chooseNestedShifted(
  utility: Float64Array,
  nest: ArrayLike<number>,
  n: number,
  lambda: number,
  u: number,
  scratch: Float64Array,
): number {
  let maxInclusive = Number.NEGATIVE_INFINITY;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && nest[end] === nest[start]) end++;
    let m = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) if (utility[i] > m) m = utility[i];
    let inclusive = m;
    if (m === Number.NEGATIVE_INFINITY) {
      for (let i = start; i < end; i++) scratch[i] = 0;
    } else {
      let s = 0;
      for (let i = start; i < end; i++) {
        if (utility[i] !== Number.NEGATIVE_INFINITY) s += Math.exp((utility[i] - m) / lambda);
        scratch[i] = s;
      }
      inclusive = m + lambda * Math.log(s);
    }
    scratch[n + start] = inclusive;
    if (inclusive > maxInclusive) maxInclusive = inclusive;
    start = end;
  }
  if (maxInclusive === Number.NEGATIVE_INFINITY) return -1;
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
  return pickNest(utility, nest, n, u * total, scratch);
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
