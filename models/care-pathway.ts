import { FutureEventList } from "../sim/future-event-list.ts";
import type { PartitionModel } from "../sim/partition-model.ts";
import { exponential, geometric, pickCumulative, type RandomStreams } from "../sim/random/streams.ts";
import { ServerPools } from "../sim/server-pools.ts";
import type { Outbox } from "../sim/shared-exchange.ts";
import { type ChoiceTables, choiceTables, chooseLogit, ENTRY_STRIDE, ROW_STRIDE } from "./choice.ts";
import { CONDITION_GROUPS, GROUP_COUNT } from "./condition-groups.ts";
import * as C from "./counters.ts";
import {
  ADMIT_PLANNED,
  ADMITTED,
  AWAITING_SHARED,
  CAPABLE_PLANNED,
  EpisodePool,
  REHAB,
  SEEN_AT_COUNTY,
} from "./episode-pool.ts";
import { inpatientOutOfPocket } from "./insurance.ts";
import { FLAG_MALE, type Residents, schemeOf } from "./population.ts";
import { synthesizeResidents } from "./population-synthesis.ts";
import {
  PURPOSE_EPISODE,
  PURPOSE_FIRST_ONSET,
  PURPOSE_FOLLOW_UP,
  PURPOSE_ONSET,
  PURPOSE_VISIT,
} from "./random-purposes.ts";
import { COUNTY, OUT_OF_REGION, TIER_COUNT, TOWNSHIP } from "./tiers.ts";

import type { World } from "./world.ts";

const ADMIT_AT_FIRST = 0;
const ADMIT_AT_EVERY_VISIT = 2;
const REHABILITATION = CONDITION_GROUPS.indexOf("rehabilitation");
const ONSET = 1;
const VISIT = 2;
const DISCHARGE = 3;
const CONDITION_MASKS = 32;

/**
 * The care pathway of one area (a county or urban district): residents fall ill, choose where
 * to seek care, queue for the day's outpatient slots and for beds, are treated, admitted or
 * referred up when the facility cannot treat them, and are referred down to the grassroots for
 * rehabilitation after a stay. Facilities of the area are served here; city-wide ones (tertiary,
 * provincial) through the engine's shared exchange.
 *
 * Draw addresses (resident, purpose, serial, step), serial = the resident's episode number:
 *   FIRST_ONSET (0, 0): u0 time of the first onset
 *   ONSET   (n, 0): u0 gap from onset n to onset n + 1, u1 kind, u2 first choice, u3 severity of episode n
 *   EPISODE (n, 0): u0 need level, u1 visit count, u2 admission, u3 length of stay
 *   EPISODE (n, 1): u1 rehabilitation need, u3 referral down (drawn at discharge)
 *   VISIT   (n, s): u0 self-referral choice, u2 referral compliance, u3 referral delay (s-th referral)
 *   FOLLOW_UP (n, g >> 2)[g & 3]: the gap before the episode's g-th follow-up visit
 */
export class CarePathway implements PartitionModel {
  readonly fel: FutureEventList;
  outbox!: Outbox;
  readonly residents: Residents;
  readonly episodes = new EpisodePool(1024);
  readonly counters: Float64Array;
  private readonly pools: ServerPools;
  private readonly firstFacility: number;
  private readonly rural: boolean;
  private readonly villageOffset: number;
  private readonly utility: Float64Array;
  private readonly scratch: Float64Array;
  private day = 0;
  private dayRow = 0;
  private readonly choiceTables: ChoiceTables;
  /** Conservation ledger of this partition. */
  readonly ledger = { sharedRequests: 0, sharedResults: 0 };

  constructor(
    readonly index: number,
    private readonly world: World,
    private readonly streams: RandomStreams,
    months: number,
  ) {
    const f = world.facilities;
    const area = world.geography.areas[index];
    this.rural = area.rural;
    this.firstFacility = f.areaFirst[index];
    this.villageOffset = world.geography.townships[area.firstTownship].firstVillage;
    this.residents = synthesizeResidents(world, index, streams);
    this.counters = new Float64Array((months + 1) * C.COUNTER_COUNT);
    const servers: number[] = [];
    for (let i = 0; i < f.areaCount[index]; i++) {
      const id = this.firstFacility + i;
      servers.push(f.doctors[id], f.beds[id]);
    }
    this.pools = new ServerPools(servers);
    this.choiceTables = choiceTables(world);
    this.utility = new Float64Array(world.catchment.maxEntries);
    this.scratch = new Float64Array(world.catchment.maxEntries);
    const n = this.residents.count;
    this.fel = new FutureEventList((months / 12) * C.DAYS_PER_YEAR, Math.ceil(n * 1.2) + 1024);
    const K = world.kinds.count;
    for (let r = 0; r < n; r++) {
      const total = this.onsetTotal(r, K);
      if (total <= 0) continue;
      const u = streams.block(this.residents.firstId + r, PURPOSE_FIRST_ONSET, 0, 0);
      this.fel.push(exponential(u[0], 1 / total), ONSET, r);
    }
  }

  /** Total onset rate of resident r (episodes per year), converted to per day. */
  private onsetTotal(r: number, K: number): number {
    const row = this.onsetRow(r) * K;
    return this.world.kinds.onsetCumulative[row + K - 1] / C.DAYS_PER_YEAR;
  }

  private onsetRow(r: number): number {
    const res = this.residents;
    return ((res.flags[r] & FLAG_MALE) * 121 + res.age[r]) * CONDITION_MASKS + res.conditions[r];
  }

  beginDay(day: number): void {
    this.day = day;
    this.dayRow = C.monthIndex(day) * C.COUNTER_COUNT;
    if (day > 0 && day % C.DAYS_PER_YEAR === 0) this.residents.deductiblePaid.fill(0);
  }

  handle(kind: number, payload: number, time: number): void {
    if (kind === ONSET) this.onset(payload, time);
    else if (kind === VISIT) this.visit(payload, time);
    else if (kind === DISCHARGE) this.discharge(payload, time);
    else throw new Error(`unknown event kind ${kind}`);
  }

  receive(tag: number, firstStart: number, secondStart: number): void {
    this.ledger.sharedResults++;
    const ep = this.episodes;
    ep.flags[tag] &= ~AWAITING_SHARED;
    this.completeVisit(tag, ep.arrival[tag], firstStart, secondStart);
  }

  endRun(): void {}

  private count(counter: number, t: number, amount = 1): void {
    // Most counts fall on the open day, whose month row is cached.
    const row = t >= this.day && t < this.day + 1 ? this.dayRow : C.monthIndex(t) * C.COUNTER_COUNT;
    this.counters[row + counter] += amount;
  }

  /** Never schedule into a day that has already been run (results of shared requests arrive a day late). */
  private at(t: number): number {
    return t < this.day ? this.day : t;
  }

  private onset(r: number, t: number): void {
    const res = this.residents;
    const kinds = this.world.kinds;
    const streams = this.streams;
    const K = kinds.count;
    const id = res.firstId + r;
    const serial = res.onsetSerial[r];
    const o = streams.block(id, PURPOSE_ONSET, serial, 0);
    const kind = pickCumulative(o[1], kinds.onsetCumulative, this.onsetRow(r) * K, K);
    const uChoice = o[2];
    const uSeverity = o[3];
    res.onsetSerial[r] = serial + 1;
    this.fel.push(t + exponential(o[0], 1 / this.onsetTotal(r, K)), ONSET, r);

    const ep = this.episodes;
    const e = ep.allocate();
    ep.resident[e] = r;
    ep.kind[e] = kind;
    ep.group[e] = kinds.group[kind];
    ep.serial[e] = serial;
    ep.severity[e] = triangular(
      uSeverity,
      kinds.severityMin[kind],
      kinds.severityMode[kind],
      kinds.severityMax[kind],
    );
    const u = streams.block(id, PURPOSE_EPISODE, serial, 0);
    ep.need[e] = 1 + pickCumulative(u[0], kinds.needCumulative, kind * 5, 5);
    ep.visitsLeft[e] = 1 + geometric(u[1], kinds.visitsMean[kind] - 1);
    ep.admissionDraw[e] = u[2];
    ep.stayDraw[e] = u[3];
    this.count(C.EPISODES_STARTED + kind, t);
    res.keyGroups[r] |= kinds.keyGroupBit[kind];
    ep.facility[e] = kinds.emergency[kind] ? this.nearestHospital(r) : this.choose(e, -1, uChoice);
    this.visit(e, t);
  }

  /** Choice-set entries of resident r: [first, end) into the catchment arrays. */
  private entries(r: number): number {
    return this.world.catchment.first[this.villageOffset + this.residents.home[r]];
  }
  private entriesEnd(r: number): number {
    return this.world.catchment.first[this.villageOffset + this.residents.home[r] + 1];
  }

  /**
   * Emergencies go to the nearest hospital in the city, whatever its tier (Wenzhou 000:146;
   * nationally straight to secondary or above, 004:625).
   */
  private nearestHospital(r: number): number {
    const cat = this.world.catchment;
    const tiers = this.world.facilities.tier;
    let best = -1;
    let bestMinutes = Number.POSITIVE_INFINITY;
    for (let i = this.entries(r), end = this.entriesEnd(r); i < end; i++) {
      const tier = tiers[cat.facility[i]];
      if (tier >= COUNTY && tier < OUT_OF_REGION && cat.minutes[i] < bestMinutes) {
        best = cat.facility[i];
        bestMinutes = cat.minutes[i];
      }
    }
    return best >= 0 ? best : cat.facility[this.entriesEnd(r) - 1];
  }

  /** Logit choice among the resident's choice set, restricted to tiers above `aboveTier`. */
  private choose(e: number, aboveTier: number, u: number): number {
    const ep = this.episodes;
    const res = this.residents;
    const r = ep.resident[e];
    const c = this.choiceTables;
    const entry = c.entry;
    const row = c.row;
    const rowBase = (ep.kind[e] * 3 + schemeOf(res.flags[r])) * TIER_COUNT;
    const severityWeight = c.qualityFloor + (1 - c.qualityFloor) * ep.severity[e];
    const paid = res.deductiblePaid[r];
    const first = this.entries(r);
    const n = this.entriesEnd(r) - first;
    const utility = this.utility;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      const eb = (first + j) * ENTRY_STRIDE;
      const code = entry[eb + 3];
      const tier = code & 7;
      if (tier <= aboveTier) {
        utility[j] = Number.NEGATIVE_INFINITY;
        continue;
      }
      const rb = (rowBase + tier) * ROW_STRIDE;
      const priceFactor = entry[eb + 2];
      let v = entry[eb] + row[rb] * priceFactor + entry[eb + 1] * severityWeight;
      const admitWeight = row[rb + 1];
      if (code >= 8 && admitWeight !== 0) {
        // Expected inpatient out-of-pocket: the rest of this year's deductible, then the uncovered share.
        const cost = row[rb + 2] * priceFactor;
        const remaining = row[rb + 3] - paid;
        const deductible = remaining <= 0 ? 0 : remaining < cost ? remaining : cost;
        v += admitWeight * (deductible + (cost - deductible) * row[rb + 4]);
      }
      utility[j] = v;
      if (v > max) max = v;
    }
    if (max === Number.NEGATIVE_INFINITY) return this.world.catchment.facility[first + n - 1];
    const pick = chooseLogit(utility, n, u, this.scratch, max);
    return this.world.catchment.facility[first + pick];
  }

  /** A patient arrives at the episode's facility: decide treatment, then take capacity. */
  private visit(e: number, t: number): void {
    const w = this.world;
    const ep = this.episodes;
    const f = ep.facility[e];
    const tier = w.facilities.tier[f];
    const kind = ep.kind[e];
    const capable = w.facilities.capability[f * GROUP_COUNT + ep.group[e]] >= ep.need[e];
    let flags = ep.flags[e] & ~(ADMIT_PLANNED | CAPABLE_PLANNED);
    let los = 0;
    if (capable) {
      flags |= CAPABLE_PLANNED;
      const hasBeds = w.facilities.beds[f] > 0 || tier === OUT_OF_REGION;
      const timing = w.kinds.admissionAt[kind];
      const admissionDue =
        timing === ADMIT_AT_EVERY_VISIT
          ? !(flags & REHAB)
          : !(flags & (ADMITTED | REHAB)) && (timing === ADMIT_AT_FIRST || ep.visitsLeft[e] <= 1);
      if (hasBeds && admissionDue) {
        if (ep.admissionDraw[e] < w.kinds.admission[kind * TIER_COUNT + tier]) {
          flags |= ADMIT_PLANNED;
          const mean = w.kinds.lengthOfStay[kind * TIER_COUNT + tier];
          los = 1 + exponential(ep.stayDraw[e], mean - 1);
        }
      }
    }
    ep.flags[e] = flags;
    ep.lengthOfStay[e] = los;
    const service = w.outpatientService[f];
    const local = f - this.firstFacility;
    if (local >= 0 && local < w.facilities.areaCount[this.index]) {
      const start = this.pools.acquire(2 * local, t, service);
      const bedStart = flags & ADMIT_PLANNED ? this.pools.acquire(2 * local + 1, start, los) : -1;
      this.completeVisit(e, t, start, bedStart);
    } else {
      const shared = f - w.facilities.sharedFirst;
      ep.arrival[e] = t;
      ep.flags[e] |= AWAITING_SHARED;
      this.ledger.sharedRequests++;
      this.outbox.post(t, 2 * shared, service, flags & ADMIT_PLANNED ? 2 * shared + 1 : -1, los, e);
    }
  }

  /** The visit happens at `start` (after any wait); then treatment, admission or referral. */
  private completeVisit(e: number, arrival: number, start: number, bedStart: number): void {
    const w = this.world;
    const ep = this.episodes;
    const f = ep.facility[e];
    const tier = w.facilities.tier[f];
    this.count(C.OUTPATIENT + tier, start);
    this.count(C.OUTPATIENT_WAIT_DAYS + tier, start, start - arrival);
    if (this.rural) {
      this.count(C.COUNTY_RESIDENT_VISITS, start);
      if (w.facilities.area[f] === this.index) this.count(C.COUNTY_RESIDENT_DOMESTIC_VISITS, start);
    }
    if (tier === COUNTY && !(ep.flags[e] & SEEN_AT_COUNTY)) {
      ep.flags[e] |= SEEN_AT_COUNTY;
      this.count(C.COUNTY_TIER_EPISODES_SEEN, start);
    }
    if (!(ep.flags[e] & CAPABLE_PLANNED)) {
      this.referUp(e, start, tier);
      return;
    }
    if (ep.flags[e] & ADMIT_PLANNED && bedStart >= 0) {
      const kind = ep.kind[e];
      const r = ep.resident[e];
      ep.flags[e] |= ADMITTED;
      this.count(C.ADMISSIONS + tier, bedStart);
      this.count(C.BED_WAIT_DAYS + tier, bedStart, bedStart - start);
      const cost = ep.lengthOfStay[e] * w.kinds.pricePerDay[kind * TIER_COUNT + tier];
      const scheme = schemeOf(this.residents.flags[r]);
      const paid = inpatientOutOfPocket(w.insurance, scheme, tier, cost, this.residents.deductiblePaid[r]);
      this.residents.deductiblePaid[r] += paid.deductibleUsed;
      this.fel.push(this.at(bedStart + ep.lengthOfStay[e]), DISCHARGE, e);
      return;
    }
    this.followUpOrEnd(e, start);
  }

  private followUpOrEnd(e: number, t: number): void {
    const ep = this.episodes;
    ep.visitsLeft[e]--;
    if (ep.visitsLeft[e] <= 0) {
      this.end(e, t);
      return;
    }
    const kind = ep.kind[e];
    const mean =
      ep.flags[e] & REHAB ? this.world.kinds.rehabInterval[kind] : this.world.kinds.intervalDays[kind];
    // Follow-up gaps use the four lanes of one block in turn: a block serves four visits.
    const gap = ep.gaps[e]++;
    const u = this.streams.block(
      this.residents.firstId + ep.resident[e],
      PURPOSE_FOLLOW_UP,
      ep.serial[e],
      gap >> 2,
    )[gap & 3];
    this.fel.push(this.at(t + 1 + exponential(u, mean - 1)), VISIT, e);
  }

  private nextVisitBlock(e: number): Float64Array {
    const ep = this.episodes;
    const step = ep.step[e]++;
    return this.streams.block(this.residents.firstId + ep.resident[e], PURPOSE_VISIT, ep.serial[e], step);
  }

  /** The facility cannot treat the episode: refer it up the patient's chain (Wenzhou annex 1). */
  private referUp(e: number, t: number, tier: number): void {
    const w = this.world;
    const ep = this.episodes;
    this.count(C.UPWARD_REFERRALS, t);
    if (tier === COUNTY) this.count(C.COUNTY_TIER_REFERRALS_OUT, t);
    // The target: the first entry of the choice set (sorted by tier, then travel time) above
    // this tier that can treat the episode; the provincial hospitals otherwise.
    const cat = w.catchment;
    const r = ep.resident[e];
    const end = this.entriesEnd(r);
    let target = cat.facility[end - 1];
    const need = ep.need[e];
    const column = ep.group[e];
    for (let i = this.entries(r); i < end; i++) {
      const f = cat.facility[i];
      if (w.facilities.tier[f] > tier && w.facilities.capability[f * GROUP_COUNT + column] >= need) {
        target = f;
        break;
      }
    }
    const u = this.nextVisitBlock(e);
    const { compliance, delayDays } = w.scenario.referral;
    const uChoice = u[0];
    const uDelay = u[3];
    ep.facility[e] = u[2] < compliance ? target : this.choose(e, tier, uChoice);
    const delay = w.kinds.emergency[ep.kind[e]] ? 0 : exponential(uDelay, delayDays);
    this.fel.push(this.at(t + delay), VISIT, e);
  }

  private discharge(e: number, t: number): void {
    const w = this.world;
    const ep = this.episodes;
    const kind = ep.kind[e];
    const tier = w.facilities.tier[ep.facility[e]];
    const u = this.streams.block(this.residents.firstId + ep.resident[e], PURPOSE_EPISODE, ep.serial[e], 1);
    const rehab = u[1] < w.kinds.rehabProbability[kind];
    const down = u[3] < w.scenario.referral.downward;
    if (!rehab) {
      this.followUpOrEnd(e, t);
      return;
    }
    ep.flags[e] |= REHAB;
    ep.need[e] = 1;
    ep.group[e] = REHABILITATION;
    ep.visitsLeft[e] = 1 + Math.round(w.kinds.rehabVisits[kind]);
    if (tier >= COUNTY && down) {
      this.count(C.DOWNWARD_REFERRALS, t);
      const centre = this.homeCentre(ep.resident[e]);
      if (centre >= 0) ep.facility[e] = centre;
    }
    this.followUpOrEnd(e, t);
  }

  /** The resident's own township or community centre, or -1 if the area has none. */
  private homeCentre(r: number): number {
    const cat = this.world.catchment;
    for (let i = this.entries(r), end = this.entriesEnd(r); i < end; i++) {
      if (this.world.facilities.tier[cat.facility[i]] === TOWNSHIP) return cat.facility[i];
    }
    return -1;
  }

  private end(e: number, t: number): void {
    const ep = this.episodes;
    this.residents.keyGroups[ep.resident[e]] &= ~this.world.kinds.keyGroupBit[ep.kind[e]];
    this.count(ep.flags[e] & ADMITTED ? C.ENDED_INPATIENT : C.ENDED_OUTPATIENT, t);
    this.count(C.EPISODES_ENDED + ep.kind[e], t);
    ep.release(e);
  }

  /** Bytes of per-resident and per-episode state (for the memory figures). */
  get stateBytes(): number {
    const r = this.residents;
    return (
      r.age.byteLength +
      r.flags.byteLength +
      r.conditions.byteLength +
      r.home.byteLength +
      r.onsetSerial.byteLength +
      r.deductiblePaid.byteLength +
      r.keyGroups.byteLength +
      this.fel.byteLength +
      this.episodes.byteLength
    );
  }
}

/** Triangular variate on [min, max] with the given mode, by inversion. */
export function triangular(u: number, min: number, mode: number, max: number): number {
  if (max <= min) return min;
  const cut = (mode - min) / (max - min);
  return u < cut
    ? min + Math.sqrt(u * (max - min) * (mode - min))
    : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
}
