/**
 * The yardstick: a plain typed-array kernel of a four-tier referral model of the same shape as a
 * tiersim run (residents falling ill as a Poisson process, a logit choice of tier, referral up
 * when the tier cannot treat, follow-up visits), with nothing else: no insurance, capacity,
 * contracts, threads or reporting. Its time for a 1-million-resident year is what the full model
 * is measured against (scale issue: at most 1.5× on 2 threads). One thread; one bucket of packed
 * events per day (an event's time within its day is not kept); mulberry32 draws.
 *
 *   npx tsx bench/kernel.ts --population 1000000 --years 1
 */
import { parseArgs } from "node:util";

const TIERS = 4;
const ONSET = 0;
const VISIT = 1;

export interface KernelResult {
  kind: "kernel";
  residents: number;
  years: number;
  events: number;
  visits: number;
  visitsByTier: number[];
  wallSeconds: number;
  eventsPerSecond: number;
  peakRssMB: number;
}

export function runKernel(population: number, years: number, seed = 20150101): KernelResult {
  const started = performance.now();
  let state = seed >>> 0;
  const uniform = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const horizon = 365 * years;
  // Episodes per person-year and visits they bring, near the baseline's 5.5 visits per person-year.
  const onsetRate = 3.6 / 365;
  const followUpProbability = 0.3;
  const tierConstant = [0.8, 0.15, 0, -0.4];
  const price = [0.1, 0.3, 0.6, 1.0];
  const needShare = [0.62, 0.25, 0.1, 0.03];
  // Each resident's travel cost to the nearest facility of each tier.
  const travel = new Float32Array(population * TIERS);
  for (let r = 0; r < population; r++)
    for (let k = 0; k < TIERS; k++) travel[r * TIERS + k] = (0.2 + uniform()) * (k + 1) * 0.5;
  const episodeNeed = new Uint8Array(population);

  // Events in one bucket per day, each a packed (resident, kind, tier) in a growable Uint32Array;
  // a day's events run in the order they were added (same-day events go to the end of the day).
  const days = Math.ceil(horizon);
  const buckets: Uint32Array[] = Array.from({ length: days }, () => new Uint32Array(16));
  const fill = new Uint32Array(days);
  const push = (t: number, k: number, r: number, tier: number) => {
    const d = Math.floor(t);
    if (d >= days) return;
    let b = buckets[d];
    if (fill[d] === b.length) {
      const grown = new Uint32Array(b.length * 2);
      grown.set(b);
      buckets[d] = b = grown;
    }
    b[fill[d]++] = r * 8 + k * 4 + tier;
  };

  for (let r = 0; r < population; r++) push(-Math.log(1 - uniform()) / onsetRate, ONSET, r, 0);
  const visitsByTier = [0, 0, 0, 0];
  const weights = new Float64Array(TIERS);
  let events = 0;
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < fill[d]; i++) {
      const packed = buckets[d][i];
      const r = packed >>> 3;
      const k = (packed >>> 2) & 1;
      events++;
      // Within the day, an event's time is its day plus a uniform fraction (for the next onset).
      const t = d + uniform();
      if (k === ONSET) {
        const u = uniform();
        let need = 0;
        for (let acc = needShare[0]; u > acc && need < TIERS - 1; ) acc += needShare[++need];
        episodeNeed[r] = need;
        // Logit choice of the first tier.
        let total = 0;
        for (let j = 0; j < TIERS; j++) {
          weights[j] = Math.exp(tierConstant[j] - travel[r * TIERS + j] - price[j]);
          total += weights[j];
        }
        let x = uniform() * total;
        let tier = 0;
        while (tier < TIERS - 1 && x > weights[tier]) x -= weights[tier++];
        push(d, VISIT, r, tier);
        push(t - Math.log(1 - uniform()) / onsetRate, ONSET, r, 0);
      } else {
        const tier = packed & 3;
        visitsByTier[tier]++;
        if (tier < episodeNeed[r]) push(d + 1, VISIT, r, tier + 1);
        else if (uniform() < followUpProbability) push(d + 7, VISIT, r, tier);
      }
    }
    buckets[d] = new Uint32Array(0); // a finished day's memory goes back
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const visits = visitsByTier.reduce((a, b) => a + b, 0);
  return {
    kind: "kernel",
    residents: population,
    years,
    events,
    visits,
    visitsByTier,
    wallSeconds,
    eventsPerSecond: events / wallSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { population: { type: "string", default: "1000000" }, years: { type: "string", default: "1" } },
  });
  process.stdout.write(`${JSON.stringify(runKernel(Number(values.population), Number(values.years)))}\n`);
}
