import { DailySlots } from "../../sim/engine/daily-slots.ts";
import { FutureEventList } from "../../sim/engine/future-event-list.ts";
import type { PartitionModel } from "../../sim/engine/partition-model.ts";
import {
  exponential,
  geometric,
  pickCumulative,
  type RandomStreams,
} from "../../sim/engine/random/streams.ts";
import { ServerPools } from "../../sim/engine/server-pools.ts";
import type { Outbox, SharedCapacity } from "../../sim/engine/shared-exchange.ts";
import * as C from "../outcomes/counters.ts";
import { COUNTY_COMMUNITY, inAlliance } from "../policy/alliances.ts";
import { BenefitLedger, INPATIENT_ACCOUNT } from "../policy/benefit-ledger.ts";
import { ContractBook, contractGroups } from "../policy/contracting.ts";
import { DeductibleLedger } from "../policy/deductible-ledger.ts";
import {
  type InsuranceTables,
  kindSchemeTier,
  SCHEME_COUNT,
  settleOutpatient,
  settleStay,
} from "../policy/insurance.ts";
import { daySurgeryShare, stayCostFactor, visitCostFactor } from "../policy/payment.ts";
import { type GatekeepingRules, gatekeepingRules } from "../policy/referral.ts";
import { advanceYear } from "../population/demography.ts";
import {
  CONDITIONS,
  FLAG_MALE,
  FLAG_URBAN,
  PREGNANT,
  type Residents,
  SEVERE_MENTAL_ILLNESS,
  schemeOf,
} from "../population/population.ts";
import { synthesizeResidents } from "../population/population-synthesis.ts";
import { FACILITY_TYPES } from "../supply/facilities.ts";
import { COUNTY, OUT_OF_REGION, TERTIARY, TIER_COUNT, TOWNSHIP } from "../supply/tiers.ts";
import { insuranceOf, slotQuotas, type World } from "../world.ts";
import { chooseNested } from "./choice/nested-logit.ts";
import {
  type ChoiceTables,
  choiceTables,
  ENTRY_STRIDE,
  episodeCost,
  HAS_BEDS,
  ROW_STRIDE,
  UNREFERRED,
} from "./choice/tables.ts";
import { CONDITION_GROUPS, GROUP_COUNT } from "./condition-groups.ts";
import {
  ADMIT_PLANNED,
  ADMITTED,
  AWAITING_SHARED,
  BALKED_ONCE,
  BED_TRANSFERRED,
  CAPABLE_PLANNED,
  EpisodePool,
  FAMILY_BED,
  GATE_LIFTED,
  NO_BED_HERE,
  REFERRED,
  REHAB,
  SEEN_AT_COUNTY,
} from "./episode-pool.ts";
import {
  PURPOSE_EPISODE,
  PURPOSE_FIRST_ONSET,
  PURPOSE_FOLLOW_UP,
  PURPOSE_ONSET,
  PURPOSE_RETENTION,
  PURPOSE_VISIT,
} from "./random-purposes.ts";

const ADMIT_AT_FIRST = 0;
const ADMIT_AT_EVERY_VISIT = 2;
const REHABILITATION = CONDITION_GROUPS.indexOf("rehabilitation");
const CHRONIC_GROUP = CONDITION_GROUPS.indexOf("chronic");
const REHAB_NURSING = FACILITY_TYPES.indexOf("rehabNursing");
const RESPIRATORY_GROUP = CONDITION_GROUPS.indexOf("respiratory");
const SURGERY_GROUP = CONDITION_GROUPS.indexOf("surgery");
const ONSET = 1;
const VISIT = 2;
const DISCHARGE = 3;
const CONDITION_MASKS = 32;
const OPT_OUT = -2;
const NO_EXCLUSION = -1;
/** Word 1 of the packed resident record: the onset-table row in the low bits, a contract held at bit 15. */
const ROW_MASK = 0x7fff;
const HOLDER = 0x8000;
/** Word 2: the home village in the low 24 bits, this year's managed follow-ups (saturating) above. */
const VILLAGE_MASK = 0xffffff;
const MANAGED_SHIFT = 24;

/**
 * The care pathway of one area (a county or urban district): residents fall ill, choose where
 * to seek care (or not to), book an outpatient slot, are treated, admitted, transferred for want
 * of a bed, or referred when the facility cannot treat them, and are referred down to the
 * grassroots for rehabilitation after a stay. Facilities of the area are served here; city-wide
 * ones (tertiary, provincial) through the engine's shared exchange.
 *
 * Draw addresses (resident, purpose, serial, step), serial = the resident's episode number:
 *   FIRST_ONSET (0, 0): u0 time of the first onset
 *   ONSET   (n, 0): u0 gap from onset n to onset n + 1, u1 kind, u2 first choice, u3 severity of episode n;
 *                   where u1 fell inside the kind's interval: the need level, and where that
 *                   fell inside the need's interval: the perceived need
 *   EPISODE (n, 0): u0 return to the usual facility (chronic follow-up), u1 visit count,
 *                   u2 admission (first visit), u3 length of stay (drawn only if care is sought)
 *   EPISODE (n, 1): u1 rehabilitation need, u3 referral down (drawn at discharge)
 *   EPISODE (n, 2 + v ÷ 4)[v mod 4]: admission at the v-th visit of kinds admitted at every visit
 *   VISIT   (n, s): u0 a new choice (referral not followed, or turned away), u2 referral compliance,
 *                   u3 referral delay (s-th such event of the episode)
 *   FOLLOW_UP (n, g >> 2)[g & 3]: the gap before the episode's g-th follow-up visit
 */
export class CarePathway implements PartitionModel {
  readonly fel: FutureEventList;
  outbox!: Outbox;
  readonly residents: Residents;
  readonly episodes = new EpisodePool(1024);
  readonly counters: Float64Array;
  /** Local outpatient slots (号源), one pool per facility of the area. */
  private readonly slots: DailySlots;
  /** Local beds, one FCFS pool per facility of the area. */
  private readonly beds: ServerPools;
  private shared!: SharedCapacity;
  private readonly deductibles: DeductibleLedger;
  /** What the fund paid each resident this year on capped accounts (null: no scheme caps anything). */
  private readonly benefits: BenefitLedger | null;
  /**
   * What onsets and choices read of a resident, packed in 16 bytes so that it costs one cache
   * line instead of six (measured: the columns' cache misses were most of an onset's time):
   *   [4r]     the episode serial (the counter that addresses the resident's next onset draws);
   *   [4r + 1] the row of the onset table (sex, age, conditions) | contract held << 15
   *            | insurance scheme << 16, refreshed at each year's turn (the contract bit after
   *            each enrolment: the contract book stays the record, this is its copy where the
   *            choice reads it, saving a cache miss per choice);
   *   [4r + 2] the home village (index among the partition's villages)
   *            | this year's grassroots hypertension or diabetes follow-ups (saturating) << 24;
   *   [4r + 3] the usual facility (offset + 1 in the home village's choice set, 0: none yet)
   *            | open episodes holding a key group (pregnancy) << 8
   *            | (insurance year + 1) of the last deductible payment, mod 255, << 16: most
   *            choices see that nothing was paid this year without reading the ledger.
   */
  private readonly hot: Uint32Array;
  private readonly firstFacility: number;
  private readonly localCount: number;
  private readonly rural: boolean;
  private readonly villageOffset: number;
  private readonly utility: Float64Array;
  private readonly scratch: Float64Array;
  private readonly nests: Int8Array;
  private readonly months: number;
  private waitSmoothing!: number;
  /** Expected outpatient wait (days) at each facility, by global id: refreshed once a day. */
  private readonly waits: Float64Array;
  /** Scratch: the deductible still due at each tier during one choice. */
  private readonly due = new Float64Array(TIER_COUNT);
  private gate!: GatekeepingRules;
  /** Insurance of this area's residents (a county's rules may differ from the districts'). */
  private insurance!: InsuranceTables;
  private misjudgeUnder!: number;
  private misjudgeEither!: number;
  private continuity!: number;
  private day = 0;
  private dayRow = 0;
  private choiceTables: ChoiceTables;
  private nextPhase = 0;
  /** Family-doctor contracts of the partition's residents. */
  private readonly contracts: ContractBook;
  /** Enrolments so far in the current contract year (dated changes of coverage). */
  private contractStep = 0;
  private contractBonus!: number;
  private reservedShare!: number;
  private longPrescription!: number;
  private oneOneOne!: boolean;
  private familyBedShare!: number;
  /** Per kind: 1 for follow-ups of hypertension or diabetes (standardized management counts them). */
  private readonly managedKind: Uint8Array;
  /** This year's episodes seen and referred up at each tier in this area (enforced referral caps). */
  private readonly yearSeen = new Float64Array(TIER_COUNT);
  private readonly yearReferred = new Float64Array(TIER_COUNT);
  /** Conservation ledger of this partition. */
  readonly ledger = { sharedRequests: 0, sharedResults: 0 };

  constructor(
    readonly index: number,
    private world: World,
    private readonly streams: RandomStreams,
    months: number,
    /** The worlds of the policy timeline after the first, with the day each takes effect. */
    private readonly phases: readonly { day: number; world: World }[] = [],
  ) {
    const f = world.facilities;
    const area = world.geography.areas[index];
    this.months = months;
    this.rural = area.rural;
    this.firstFacility = f.areaFirst[index];
    this.localCount = f.areaCount[index];
    this.villageOffset = world.geography.townships[area.firstTownship].firstVillage;
    this.residents = synthesizeResidents(world, index, streams);
    this.counters = new Float64Array((months + 1) * C.COUNTER_COUNT);
    const beds: number[] = [];
    for (let i = 0; i < this.localCount; i++) beds.push(f.simulatedBeds[this.firstFacility + i]);
    // Open slots of each local facility, then those its hospitals reserve for contract holders.
    this.slots = new DailySlots(slotQuotas(world, this.firstFacility, this.localCount));
    this.beds = new ServerPools(beds);
    this.waits = new Float64Array(f.count);
    this.readPolicy(world);
    const n = this.residents.count;
    this.deductibles = new DeductibleLedger(n, this.insurance);
    this.benefits = [world, ...phases.map((p) => p.world)].some((w) => insuranceOf(w, this.rural).anyCap)
      ? new BenefitLedger(n)
      : null;
    this.hot = packedRecords(this.residents);
    this.choiceTables = choiceTables(world, this.rural);
    this.managedKind = Uint8Array.from(world.scenario.episodes.kinds, (k) =>
      k.usualSource &&
      ((k.conditionIncidence.hypertension ?? 0) > 0 || (k.conditionIncidence.diabetes ?? 0) > 0)
        ? 1
        : 0,
    );
    this.contracts = new ContractBook(n);
    this.enrol(0, 0);
    this.utility = new Float64Array(world.catchment.maxEntries + 1);
    this.scratch = new Float64Array(2 * (world.catchment.maxEntries + 1));
    this.nests = new Int8Array(world.catchment.maxEntries + 1);
    this.fel = new FutureEventList((months / 12) * C.DAYS_PER_YEAR, Math.ceil(n * 1.2) + 1024);
    this.fel.warm = (kinds, payloads, from, to) => this.warm(kinds, payloads, from, to);
    this.scheduleFirstOnsets();
  }

  /** The first onset of every resident whose onset rate is not zero. */
  private scheduleFirstOnsets(): void {
    const K = this.world.kinds.count;
    for (let r = 0; r < this.residents.count; r++) {
      const total = this.onsetTotal(r, K);
      if (total <= 0) continue;
      const u = this.streams.block(this.residents.firstId + r, PURPOSE_FIRST_ONSET, 0, 0);
      this.fel.push(exponential(u[0], 1 / total), ONSET, r);
    }
  }

  /**
   * Reads the packed record of each resident the coming events concern (an onset's payload is
   * the resident, other events' the episode), so that the misses of a bucket's worth of events
   * overlap.
   */
  private warm(kinds: Uint8Array, payloads: Int32Array, from: number, to: number): void {
    const hot = this.hot;
    const ep = this.episodes;
    const resident = ep.resident;
    const facility = ep.facility;
    const flags = ep.flags;
    const kind = ep.kind;
    const visitsLeft = ep.visitsLeft;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const p = payloads[i];
      if (kinds[i] === ONSET) sum += hot[4 * p];
      else sum += hot[4 * resident[p]] + facility[p] + flags[p] + kind[p] + visitsLeft[p];
    }
    this.warmSum = sum;
  }
  /** What `warm` read, summed: kept so that its loads are not optimised away. */
  warmSum = 0;

  attachShared(shared: SharedCapacity): void {
    this.shared = shared;
  }

  /** Total onset rate of resident r (episodes per year), converted to per day. */
  private onsetTotal(r: number, K: number): number {
    return this.onsetTable(r)[((this.hot[4 * r + 1] & ROW_MASK) + 1) * K - 1] / C.DAYS_PER_YEAR;
  }

  /**
   * The cumulative onset rates that apply to resident r: a contract holder on long prescriptions
   * comes for chronic follow-up as many times less often (each visit covers that many times the
   * days), so the follow-up kinds' rates are divided by the factor for holders.
   */
  private onsetTable(r: number): Float64Array {
    return this.longPrescription > 1 && this.holder(r)
      ? holderOnsetTable(this.world, this.longPrescription)
      : this.world.kinds.onsetCumulative;
  }

  /** Whether resident r holds a family-doctor contract (the packed record's copy of the book). */
  private holder(r: number): boolean {
    return (this.hot[4 * r + 1] & HOLDER) !== 0;
  }

  beginDay(day: number): void {
    // Yesterday's bookings at local facilities become what patients expect today (the shared
    // facilities' replicas do the same after each day's allocation).
    if (day > 0) this.slots.closeDay(this.waitSmoothing);
    this.day = day;
    this.dayRow = C.monthIndex(day) * C.COUNTER_COUNT;
    let enrol = false;
    while (this.nextPhase < this.phases.length && this.phases[this.nextPhase].day <= day)
      enrol = this.enterPhase(this.phases[this.nextPhase++].world) || enrol;
    this.refreshWaits();
    if (day > 0 && day % C.DAYS_PER_YEAR === 0) this.newYear(day / C.DAYS_PER_YEAR);
    else if (enrol) this.enrol(Math.floor(day / C.DAYS_PER_YEAR), ++this.contractStep);
  }

  /**
   * Contract enrolment: at the start of each contract year (step 0: renewals, lapses, new
   * contracts) and when a dated change alters contracting within it (step 1, 2, …: new contracts
   * only). Fees are charged for the year, or for what is left of it for a contract signed later.
   */
  private enrol(year: number, step: number): void {
    const params = this.world.scenario.contracting;
    const done = this.contracts.update(
      this.residents,
      params,
      this.world.scenario.population.keyGroups.elderlyAge,
      this.streams,
      year,
      step,
    );
    const holds = this.contracts.holds;
    const hot = this.hot;
    for (let r = 0; r < holds.length; r++)
      hot[4 * r + 1] = holds[r] === 1 ? hot[4 * r + 1] | HOLDER : hot[4 * r + 1] & ~HOLDER;
    const t = this.day;
    const left = step === 0 ? 1 : ((year + 1) * C.DAYS_PER_YEAR - t) / C.DAYS_PER_YEAR;
    const fees = params.fee.yuanPerYear * (step === 0 ? done.holders : done.signed) * left;
    const fund = fees * params.fee.fundShare;
    const publicHealth = fees * params.fee.publicHealthShare;
    this.count(C.CONTRACT_FEES, t, fund);
    this.count(C.CONTRACT_FEES + 1, t, publicHealth);
    this.count(C.CONTRACT_FEES + 2, t, fees - fund - publicHealth);
  }

  /**
   * Stocks at the end of a year, dated its last moment: contract coverage (all, urban, key
   * populations, by group), renewal at the year's enrolment, and the standardized management of
   * hypertension and diabetes patients (at least four grassroots follow-ups in the year).
   */
  private tallyYear(t: number): void {
    const res = this.residents;
    const holds = this.contracts.holds;
    const elderlyAge = this.world.scenario.population.keyGroups.elderlyAge;
    const htnDm = (1 << CONDITIONS.indexOf("hypertension")) | (1 << CONDITIONS.indexOf("diabetes"));
    const tally = new Float64Array(C.COUNTER_COUNT);
    for (let r = 0; r < res.count; r++) {
      const h = holds[r];
      const urban = (res.flags[r] & FLAG_URBAN) !== 0;
      tally[C.TALLY_RESIDENTS]++;
      tally[C.TALLY_HOLDERS] += h;
      if (urban) {
        tally[C.TALLY_URBAN_RESIDENTS]++;
        tally[C.TALLY_URBAN_HOLDERS] += h;
      }
      const groups = contractGroups(res.age[r], res.conditions[r], res.keyGroups[r], elderlyAge);
      if (groups) {
        tally[C.TALLY_KEY_MEMBERS]++;
        tally[C.TALLY_KEY_HOLDERS] += h;
        for (let g = 0; g < C.CONTRACT_GROUP_COUNT; g++)
          if (groups & (1 << g)) {
            tally[C.TALLY_GROUP_MEMBERS + g]++;
            tally[C.TALLY_GROUP_HOLDERS + g] += h;
          }
      }
      if (res.conditions[r] & htnDm) {
        const managed = this.hot[4 * r + 2] >>> MANAGED_SHIFT >= 4 ? 1 : 0;
        tally[C.TALLY_HTN_DM_PATIENTS]++;
        tally[C.TALLY_HTN_DM_MANAGED] += managed;
        if (urban) {
          tally[C.TALLY_URBAN_HTN_DM_PATIENTS]++;
          tally[C.TALLY_URBAN_HTN_DM_MANAGED] += managed;
        }
      }
    }
    // (The contract book's own tally would walk the residents a second time for these two.)
    const { eligible, renewed } = this.contracts.renewal;
    tally[C.TALLY_RENEWAL_ELIGIBLE] = eligible;
    tally[C.TALLY_RENEWED] = renewed;
    for (let c = C.TALLY_RESIDENTS; c <= C.TALLY_URBAN_HTN_DM_MANAGED; c++) this.count(c, t, tally[c]);
    for (let r = 0; r < res.count; r++) this.hot[4 * r + 2] &= VILLAGE_MASK;
  }

  /**
   * A dated policy change: from today the pathway reads the new world's tables (insurance, choice,
   * referral, what facilities offer, how episodes are treated). The region, its residents, staff
   * and beds are the same in every phase (validation refuses changing them), so open episodes,
   * queues and deductibles paid carry over.
   */
  private enterPhase(world: World): boolean {
    const contractingChanged =
      JSON.stringify(world.scenario.contracting) !== JSON.stringify(this.world.scenario.contracting);
    this.world = world;
    this.choiceTables = choiceTables(world, this.rural);
    slotQuotas(world, this.firstFacility, this.localCount).forEach((q, i) => {
      this.slots.setQuota(i, q);
    });
    // Supply may change on the timeline: the area's bed pools follow it from today.
    const beds = world.facilities.simulatedBeds.subarray(
      this.firstFacility,
      this.firstFacility + this.localCount,
    );
    this.beds.setServerCounts(beds, this.day);
    this.readPolicy(world);
    this.deductibles.setInsurance(this.insurance);
    return contractingChanged;
  }

  /** The parameters the hot loop reads of the world's policy, cached in fields. */
  private readPolicy(world: World): void {
    this.insurance = insuranceOf(world, this.rural);
    this.waitSmoothing = world.waitSmoothing;
    const choice = world.scenario.choice;
    this.misjudgeUnder = choice.misjudgement.under;
    this.misjudgeEither = choice.misjudgement.under + choice.misjudgement.over;
    this.continuity = choice.continuity;
    this.gate = gatekeepingRules(world.scenario.referral, world.scenario.population.keyGroups.elderlyAge);
    const contracting = world.scenario.contracting;
    this.contractBonus = contracting.effects.firstContactBonus;
    this.reservedShare = contracting.effects.reservedSlotShare;
    this.longPrescription = contracting.effects.longPrescriptionFactor;
    this.oneOneOne = contracting.model === "1+1+1";
    this.familyBedShare = contracting.effects.familyBedShare;
  }

  /**
   * The year's turn: residents age, die and are born (models/demography.ts). A newborn takes the
   * slot of a resident who died, so what the pathway keeps per resident is cleared for it; it keeps
   * the slot's episode serial, so its draws never reuse an address of the deceased's. Open
   * episodes of the deceased run to their end (they are few and short, and ending them early would
   * need an outcome for deaths, which the model does not yet have); the deductible needs no reset,
   * as it is kept per insurance year.
   */
  private newYear(year: number): void {
    const res = this.residents;
    this.tallyYear(this.day - 1e-6);
    const { deaths } = advanceYear(res, this.world, this.streams, year);
    this.count(C.DEATHS, this.day, deaths);
    for (let r = 0; r < res.count; r++) {
      this.hot[4 * r + 1] = rowAndScheme(res, r) | (this.hot[4 * r + 1] & HOLDER);
      if (res.age[r] === 0) {
        this.hot[4 * r + 3] &= 0xff00; // no usual facility yet, nothing paid
        this.deductibles.clear(r);
        this.benefits?.clear(r);
        this.contracts.clear(r);
      }
    }
    this.contractStep = 0;
    this.enrol(year, 0);
    this.yearSeen.fill(0);
    this.yearReferred.fill(0);
  }

  handle(kind: number, payload: number, time: number): void {
    if (kind === ONSET) this.onset(payload, time);
    else if (kind === VISIT) this.visit(payload, time);
    else if (kind === DISCHARGE) this.discharge(payload, time);
    else throw new Error(`unknown event kind ${kind}`);
  }

  receive(tag: number, slotStart: number, bedStart: number): void {
    this.ledger.sharedResults++;
    const ep = this.episodes;
    ep.flags[tag] &= ~AWAITING_SHARED;
    if (slotStart < 0) this.turnedAway(tag, this.day);
    else this.completeVisit(tag, ep.arrival[tag], slotStart, bedStart);
  }

  endRun(horizonDays: number): void {
    this.tallyYear(horizonDays - 1e-6);
  }

  /** Counts at time t; counts dated past the horizon go to the extra month row, never lost. */
  private count(counter: number, t: number, amount = 1): void {
    // Most counts fall on the open day, whose month row is cached.
    let row: number;
    if (t >= this.day && t < this.day + 1) row = this.dayRow;
    else {
      const m = C.monthIndex(t);
      row = (m < this.months ? m : this.months) * C.COUNTER_COUNT;
    }
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
    const hot = this.hot;
    const serial = hot[4 * r];
    const o = streams.block(id, PURPOSE_ONSET, serial, 0);
    const onsetRow = (hot[4 * r + 1] & ROW_MASK) * K;
    const cumulative = this.onsetTable(r);
    const kind = pickCumulative(o[1], cumulative, onsetRow, K);
    const uChoice = o[2];
    const uSeverity = o[3];
    // Where o[1] fell inside the kind's interval is itself uniform and independent of the kind:
    // it draws the need, and where it fell inside the need's interval, the perceived need.
    // (Read before the next block: `streams.block` reuses one buffer.)
    const uNeed = residual(o[1] * cumulative[onsetRow + K - 1], cumulative, onsetRow, kind);
    hot[4 * r] = serial + 1;
    this.fel.push(t + exponential(o[0], C.DAYS_PER_YEAR / cumulative[onsetRow + K - 1]), ONSET, r);

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
    const needIndex = pickCumulative(uNeed, kinds.needCumulative, kind * 5, 5);
    const need = 1 + needIndex;
    ep.need[e] = need;
    const uPerceived = residual(uNeed, kinds.needCumulative, kind * 5, needIndex);
    const perceived =
      uPerceived < this.misjudgeUnder ? need - 1 : uPerceived < this.misjudgeEither ? need + 1 : need;
    ep.perceivedNeed[e] = perceived < 1 ? 1 : perceived > 5 ? 5 : perceived;
    this.count(C.EPISODES_STARTED + kind, t);
    const bit = kinds.keyGroupBit[kind];
    if (bit) {
      res.keyGroups[r] |= bit;
      hot[4 * r + 3] += 1 << 8;
    }

    let facility: number;
    // The EPISODE block, once drawn (chronic follow-ups need its u0 before choosing).
    let traits: Float64Array | null = null;
    if (kinds.emergency[kind]) {
      // A green channel takes the patient straight to a hospital able to treat; otherwise to the
      // nearest hospital, which treats or refers on at once (ONSET u2, unused by emergencies).
      if (uChoice < this.world.scenario.referral.greenChannelShare)
        facility = this.nearestCapableHospital(r, ep.group[e], need);
      else {
        facility = this.nearestCapableHospital(r, ep.group[e], 1);
        this.count(C.EMERGENCIES_NEAREST, t);
      }
    } else if (kinds.usualSource[kind]) {
      // Chronic follow-up: back to the usual facility with probability `continuity` (EPISODE u0).
      const usual = hot[4 * r + 3] & 0xff;
      traits = streams.block(id, PURPOSE_EPISODE, serial, 0);
      const uContinuity = traits[0];
      if (usual > 0) this.count(C.USUAL_SOURCE_ELIGIBLE, t);
      const usualTier = usual > 0 ? this.choiceTables.tier[this.entries(r) + usual - 1] : 0;
      const allowed =
        !this.gatekept(r, kind) ||
        usualTier <= this.gate.highestFirstContactTier ||
        usualTier > this.gate.highestCoveredTier;
      if (usual > 0 && uContinuity < this.continuity && allowed) {
        this.count(C.USUAL_SOURCE_KEPT, t);
        facility = this.world.catchment.facility[this.entries(r) + usual - 1];
      } else {
        facility = this.choose(e, -1, NO_EXCLUSION, uChoice, false);
        hot[4 * r + 3] = (hot[4 * r + 3] & ~0xff) | (this.entryOffset(r, facility) + 1);
      }
    } else facility = this.choose(e, -1, NO_EXCLUSION, uChoice, true);
    const slot = facility === OPT_OUT ? C.OPT_OUT_SLOT : (this.world.facilities.tier[facility] as number);
    this.count(C.FIRST_CONTACT + kind * C.FIRST_CONTACT_SLOTS + slot, t);
    if (this.holder(r)) this.count(C.FIRST_CONTACT_HOLDERS + slot, t);
    if (facility === OPT_OUT) {
      this.count(C.ENDED_OPT_OUT, t);
      this.release(e, t);
      return;
    }
    // The episode's course, drawn only for episodes that seek care (nothing has drawn since
    // `traits`: choosing draws no block).
    const u = traits ?? streams.block(id, PURPOSE_EPISODE, serial, 0);
    ep.visitsLeft[e] = 1 + geometric(u[1], kinds.visitsMean[kind] - 1);
    ep.admissionDraw[e] = u[2];
    ep.stayDraw[e] = u[3];
    const fac = this.world.facilities;
    if (fac.capability[facility * GROUP_COUNT + ep.group[e]] >= need)
      this.count(C.FIRST_CONTACT_CAPABLE + kind, t);
    ep.facility[e] = facility;
    this.visit(e, t);
  }

  /** Choice-set entries of resident r: [first, end) into the catchment arrays. */
  private entries(r: number): number {
    return this.world.catchment.first[this.villageOffset + (this.hot[4 * r + 2] & VILLAGE_MASK)];
  }
  private entriesEnd(r: number): number {
    return this.world.catchment.first[this.villageOffset + (this.hot[4 * r + 2] & VILLAGE_MASK) + 1];
  }

  /** Offset of facility f in resident r's choice set (the last entry if it is not there). */
  private entryOffset(r: number, f: number): number {
    const cat = this.world.catchment;
    const first = this.entries(r);
    const end = this.entriesEnd(r);
    for (let i = first; i < end; i++) if (cat.facility[i] === f) return i - first;
    return end - 1 - first;
  }

  /**
   * Emergencies go to the nearest hospital in the city able to treat them (Wenzhou 温政办〔2014〕135号: the
   * nearest hospital; nationally straight to secondary or above, NHFPC tiered-care briefing 2015), through its emergency
   * department; the provincial hospitals when none in the city can.
   */
  private nearestCapableHospital(r: number, group: number, need: number): number {
    const cat = this.world.catchment;
    const f = this.world.facilities;
    let best = -1;
    let bestMinutes = Number.POSITIVE_INFINITY;
    for (let i = this.entries(r), end = this.entriesEnd(r); i < end; i++) {
      const id = cat.facility[i];
      const tier = f.tier[id];
      if (
        tier >= COUNTY &&
        tier < OUT_OF_REGION &&
        f.capability[id * GROUP_COUNT + group] >= need &&
        cat.minutes[i] < bestMinutes
      ) {
        best = id;
        bestMinutes = cat.minutes[i];
      }
    }
    return best >= 0 ? best : cat.facility[this.entriesEnd(r) - 1];
  }

  /** The smoothed waits of the area's facilities and of the city-wide ones, by facility id. */
  private refreshWaits(): void {
    // Patients learn the open slots' queues (the reserved pools follow them in each array).
    this.waits.set(this.slots.expectedWait.subarray(0, this.localCount), this.firstFacility);
    if (this.shared) {
      const f = this.world.facilities;
      this.waits.set(this.shared.slots.expectedWait.subarray(0, f.sharedCount), f.sharedFirst);
    }
  }

  /**
   * Nested-logit choice among the resident's choice set, restricted to tiers above `aboveTier`
   * and never `excluded`; with `allowOptOut`, not seeking care is an alternative for kinds that
   * have one. Returns a facility id or OPT_OUT.
   */
  private choose(e: number, aboveTier: number, excluded: number, u: number, allowOptOut: boolean): number {
    const w = this.world;
    const ep = this.episodes;
    const r = ep.resident[e];
    const c = this.choiceTables;
    const entry = c.entry;
    const row = c.row;
    const kind = ep.kind[e];
    const scheme = this.hot[4 * r + 1] >> 16;
    const rowBase = (kind * SCHEME_COUNT + scheme) * TIER_COUNT;
    const severityWeight = c.qualityFloor + (1 - c.qualityFloor) * ep.severity[e];
    const endRow = (ep.group[e] * 5 + ep.perceivedNeed[e] - 1) * c.entries;
    const visits = w.kinds.visitsMean[kind];
    // The deductible still due at each tier with beds, read once for the whole choice set.
    const due = this.due;
    const year = Math.floor(this.day / C.DAYS_PER_YEAR);
    const paidThisYear = this.hot[4 * r + 3] >>> 16 === (year % 255) + 1;
    const deductible = this.insurance.deductible;
    const continuous = (ep.flags[e] & REFERRED) !== 0 && this.insurance.continuousReferred[scheme] === 1;
    for (let tier = TOWNSHIP; tier < TIER_COUNT; tier++)
      due[tier] = !paidThisYear
        ? deductible[scheme * TIER_COUNT + tier]
        : continuous
          ? this.deductibles.remainingReferred(r, scheme, tier, year)
          : this.deductibles.remaining(r, scheme, tier, year);
    const first = this.entries(r);
    const n = this.entriesEnd(r) - first;
    const utility = this.utility;
    const nests = this.nests;
    const cat = w.catchment;
    const waits = this.waits;
    const referred = (ep.flags[e] & REFERRED) !== 0;
    // Care here without a referral is reimbursed at the penalised rates (if the rules apply them);
    // where this facility would refer the episode, it arrives referred.
    const unreferred = referred || !this.gate.penalties ? 0 : UNREFERRED;
    // A mandatory first-contact rule closes the higher tiers to a first contact.
    const open = referred || (ep.flags[e] & GATE_LIFTED) !== 0 || !this.gatekept(r, kind);
    const highest = open ? TIER_COUNT : this.gate.highestFirstContactTier;
    // A contract holder favours the team's facilities (the nearest of the village and township
    // tiers: entries run by tier, then travel time); under 1+1+1 the nearest county and tertiary
    // hospitals are the holder's own, open to a first contact and reimbursed as referred.
    const holder = this.holder(r);
    const bonus = holder ? this.contractBonus : 0;
    const ownHospitals = holder && this.oneOneOne;
    let seenTiers = 0;
    for (let j = 0; j < n; j++) {
      const i = first + j;
      const tier = c.tier[i];
      nests[j] = tier;
      const f = cat.facility[i];
      // (Rehabilitation and nursing facilities are nobody's team or own hospital.)
      const nearestOfTier = (seenTiers & (1 << tier)) === 0 && w.facilities.type[f] !== REHAB_NURSING;
      if (nearestOfTier) seenTiers |= 1 << tier;
      const own = ownHospitals && nearestOfTier && (tier === COUNTY || tier === TERTIARY);
      if (
        tier <= aboveTier ||
        (tier > highest && tier <= this.gate.highestCoveredTier && !own) ||
        f === excluded
      ) {
        utility[j] = Number.NEGATIVE_INFINITY;
        continue;
      }
      // The whole episode's out-of-pocket cost where the patient expects it to be treated (here,
      // or where this facility would refer it, plus this visit), with the deductible still due;
      // and the penalty when the facility is below the perceived need.
      const eb = i * ENTRY_STRIDE;
      const end = c.end[endRow + i];
      const priced = own ? 0 : unreferred;
      let cost = episodeCost(entry, row, end, rowBase, visits, due[c.tier[end]], end === i ? priced : 0);
      let v = entry[eb] + entry[eb + 1] * severityWeight + c.waitPerDay * waits[f];
      if (bonus > 0 && nearestOfTier && tier <= TOWNSHIP) v += bonus;
      if (end !== i) {
        cost += row[(rowBase + tier) * ROW_STRIDE + priced] * entry[eb + 2];
        v += c.belowNeed;
      }
      utility[j] = v + c.costPerYuan * cost;
    }
    let count = n;
    const optOut = w.kinds.optOut[kind];
    if (allowOptOut && !Number.isNaN(optOut)) {
      utility[n] = optOut;
      nests[n] = TIER_COUNT;
      count = n + 1;
    }
    const pick = chooseNested(utility, nests, count, c.lambda, u, this.scratch);
    if (pick < 0) {
      // Nothing open at the first-contact tiers (every one turned the patient away): any tier.
      if (highest < TIER_COUNT) {
        ep.flags[e] |= GATE_LIFTED;
        return this.choose(e, aboveTier, excluded, u, allowOptOut);
      }
      return cat.facility[first + n - 1];
    }
    return pick === n ? OPT_OUT : cat.facility[first + pick];
  }

  /**
   * Whether the mandatory first-contact rule binds this resident's outpatient first contact:
   * emergencies and the exempt groups go where they choose (Jiujiang 2016).
   */
  private gatekept(r: number, kind: number): boolean {
    const g = this.gate;
    if (!g.outpatient || this.world.kinds.emergency[kind]) return false;
    return !this.exempt(r);
  }

  private exempt(r: number): boolean {
    const g = this.gate;
    const age = this.residents.age[r];
    const groups = this.residents.keyGroups[r];
    return (
      age >= g.exemptElderlyAge ||
      age < g.exemptUnderAge ||
      (g.exemptPregnant && (groups & PREGNANT) !== 0) ||
      (g.exemptSevereMentalIllness && (groups & SEVERE_MENTAL_ILLNESS) !== 0)
    );
  }

  /** A patient arrives at the episode's facility: decide treatment, then take capacity. */
  private visit(e: number, t: number): void {
    const w = this.world;
    const ep = this.episodes;
    const f = ep.facility[e];
    const fac = w.facilities;
    const tier = fac.tier[f];
    const kind = ep.kind[e];
    const capability = fac.capability[f * GROUP_COUNT + ep.group[e]];
    let capable = capability >= ep.need[e];
    if (!capable && ep.need[e] === capability + 1 && !w.kinds.emergency[kind] && this.kept(e, f, tier)) {
      capable = true;
      this.count(C.RETAINED + tier, t);
    }
    let flags = ep.flags[e] & ~(ADMIT_PLANNED | CAPABLE_PLANNED | NO_BED_HERE);
    let los = 0;
    if (capable) {
      flags |= CAPABLE_PLANNED;
      const timing = w.kinds.admissionAt[kind];
      const admissionDue =
        timing === ADMIT_AT_EVERY_VISIT
          ? !(flags & REHAB)
          : !(flags & (ADMITTED | REHAB)) && (timing === ADMIT_AT_FIRST || ep.visitsLeft[e] <= 1);
      if (admissionDue && this.admissionDraw(e, timing) < w.kinds.admission[kind * TIER_COUNT + tier]) {
        flags |= ADMIT_PLANNED;
        const mean = w.kinds.lengthOfStay[kind * TIER_COUNT + tier];
        const day = ep.group[e] === SURGERY_GROUP ? daySurgeryShare(w, tier) : 0;
        // Day surgery takes the lowest `day` of the stay draw; the rest keep the kind's law.
        const u = ep.stayDraw[e];
        los = u < day ? 1 : 1 + exponential(day > 0 ? (u - day) / (1 - day) : u, mean - 1);
        if (fac.simulatedBeds[f] === 0 && tier !== OUT_OF_REGION) flags |= NO_BED_HERE;
      }
    }
    const emergency = w.kinds.emergency[kind] === 1;
    if (
      flags & ADMIT_PLANNED &&
      this.gate.inpatient &&
      !(flags & (REFERRED | BED_TRANSFERRED)) &&
      tier > this.gate.highestFirstContactTier &&
      tier <= this.gate.highestCoveredTier &&
      !emergency &&
      !this.exempt(ep.resident[e])
    ) {
      // A mandatory inpatient sequence (Qinghai): no admission here without a referral; the
      // patient goes to their township or community centre, which admits or refers up.
      const centre = this.homeCentre(ep.resident[e]);
      if (centre >= 0) {
        this.count(C.ADMISSIONS_REDIRECTED, t);
        ep.facility[e] = centre;
        this.visit(e, t);
        return;
      }
    }
    ep.flags[e] = flags;
    ep.lengthOfStay[e] = los;
    const maxSlotDelay = flags & BALKED_ONCE ? Number.POSITIVE_INFINITY : w.scenario.choice.balkAfterDays;
    const wantsBed = (flags & ADMIT_PLANNED) !== 0 && (flags & NO_BED_HERE) === 0;
    const maxBedWait = flags & BED_TRANSFERRED ? Number.POSITIVE_INFINITY : w.kinds.maxBedWaitDays[kind];
    const local = f - this.firstFacility;
    // A contract holder's referral books the hospital's reserved slots first (priority referral).
    const priority =
      this.reservedShare > 0 &&
      (flags & REFERRED) !== 0 &&
      (tier === COUNTY || tier === TERTIARY) &&
      this.holder(ep.resident[e]);
    if (local >= 0 && local < this.localCount) {
      let start = t;
      if (!emergency) {
        let day = priority ? this.slots.book(this.localCount + local, t, maxSlotDelay) : -1;
        if (day < 0) day = this.slots.book(local, t, maxSlotDelay);
        if (day < 0) {
          this.turnedAway(e, t);
          return;
        }
        start = DailySlots.startOf(t, day);
      }
      let bedStart = -1;
      if (wantsBed) {
        if (tier === TOWNSHIP && this.familyBed(e, f)) {
          // A family bed (家庭病床): cared for at home by the contracted team, no ward bed taken.
          ep.flags[e] |= FAMILY_BED;
          bedStart = start;
        } else bedStart = this.beds.acquire(local, start, los, maxBedWait);
      }
      this.completeVisit(e, t, start, bedStart);
    } else {
      const shared = f - fac.sharedFirst;
      ep.arrival[e] = t;
      ep.flags[e] |= AWAITING_SHARED;
      this.ledger.sharedRequests++;
      this.outbox.post(
        t,
        emergency ? -1 : shared,
        maxSlotDelay,
        wantsBed ? shared : -1,
        los,
        maxBedWait,
        e,
        priority ? fac.sharedCount + shared : -1,
        // A shared facility's slots, reserved slots and beds are one shard: served by one thread.
        shared,
      );
    }
  }

  /**
   * Whether facility f keeps an episode needing one level more than its capability instead of
   * referring it: when its payment makes referring cost it (a county medical community's global
   * budget; capitation of a family doctor for a holder's chronic episode), or when the area's
   * referral-out rate at its tier is over an enforced cap.
   */
  private kept(e: number, f: number, tier: number): boolean {
    const w = this.world;
    const s = w.scenario;
    let p = 0;
    const caps = s.referral.outCaps;
    const cap =
      tier === TOWNSHIP
        ? caps.township
        : tier === COUNTY
          ? caps.county
          : tier === TERTIARY
            ? caps.tertiary
            : null;
    if (caps.enforce && cap !== null && this.yearReferred[tier] > cap * this.yearSeen[tier]) p = 1;
    const alliance = w.alliances.allianceOf[f];
    if (
      tier === COUNTY &&
      alliance >= 0 &&
      w.alliances.kind[alliance] === COUNTY_COMMUNITY &&
      s.alliances.countyCommunities.globalBudget
    )
      p = Math.max(p, s.payment.globalBudgetRetention);
    const ep = this.episodes;
    if (
      tier === TOWNSHIP &&
      s.payment.grassroots === "capitation" &&
      w.kinds.usualSource[ep.kind[e]] &&
      this.holder(ep.resident[e])
    )
      p = Math.max(p, s.payment.capitationRetention);
    if (p <= 0) return false;
    if (p >= 1) return true;
    const id = this.residents.firstId + ep.resident[e];
    return this.streams.block(id, PURPOSE_RETENTION, ep.serial[e], ep.step[e])[0] < p;
  }

  /**
   * Whether a contract holder's admission at the home township or community centre is cared for in
   * a family bed (contracting.effects.familyBedShare, for chronic and respiratory disease and
   * rehabilitation: chronic patients' exacerbations, not acute care);
   * PURPOSE_RETENTION lane 1 of the visit's address.
   */
  private familyBed(e: number, f: number): boolean {
    const share = this.familyBedShare;
    if (share <= 0) return false;
    const ep = this.episodes;
    const r = ep.resident[e];
    const group = ep.group[e];
    if (
      !this.holder(r) ||
      (group !== CHRONIC_GROUP && group !== RESPIRATORY_GROUP && group !== REHABILITATION)
    )
      return false;
    if (f !== this.homeCentre(r)) return false;
    const id = this.residents.firstId + r;
    return this.streams.block(id, PURPOSE_RETENTION, ep.serial[e], ep.step[e])[1] < share;
  }

  /** The admission uniform of this visit: once per episode, or per cycle for kinds admitted at every visit. */
  private admissionDraw(e: number, timing: number): number {
    const ep = this.episodes;
    if (timing !== ADMIT_AT_EVERY_VISIT) return ep.admissionDraw[e];
    const v = ep.gaps[e];
    if (v === 0) return ep.admissionDraw[e];
    const id = this.residents.firstId + ep.resident[e];
    return this.streams.block(id, PURPOSE_EPISODE, ep.serial[e], 2 + (v >> 2))[v & 3];
  }

  /**
   * No slot within the patient's patience (balking): they go elsewhere, choosing again without
   * this facility, and then take whatever wait they find; turned away a second time, they go to
   * the provincial hospitals, whose capacity is not limited.
   */
  private turnedAway(e: number, t: number): void {
    const ep = this.episodes;
    const f = ep.facility[e];
    this.count(C.BALKED + this.world.facilities.tier[f], t);
    if (ep.flags[e] & BALKED_ONCE) {
      ep.facility[e] = this.world.catchment.facility[this.entriesEnd(ep.resident[e]) - 1];
    } else {
      ep.flags[e] |= BALKED_ONCE;
      const u = this.nextVisitBlock(e);
      ep.facility[e] = this.choose(e, -1, f, u[0], false);
    }
    this.fel.push(this.at(t), VISIT, e);
  }

  /** The visit happens at `start` (after any wait); then treatment, admission, transfer or referral. */
  private completeVisit(e: number, arrival: number, start: number, bedStart: number): void {
    const w = this.world;
    const ep = this.episodes;
    const f = ep.facility[e];
    const tier = w.facilities.tier[f];
    const countyHospital = tier === COUNTY && this.rural && w.facilities.area[f] === this.index;
    const domestic = w.facilities.area[f] === this.index;
    this.count(C.OUTPATIENT + tier, start);
    this.count(C.OUTPATIENT_WAIT_DAYS + tier, start, start - arrival);
    if (!(ep.seenTiers[e] & (1 << tier))) {
      ep.seenTiers[e] |= 1 << tier;
      this.count(C.EPISODES_SEEN_AT_TIER + tier, start);
      this.yearSeen[tier]++;
    }
    this.chargeVisit(e, f, tier, start);
    if (tier <= TOWNSHIP && this.managedKind[ep.kind[e]]) {
      const r = ep.resident[e];
      if (this.hot[4 * r + 2] >>> MANAGED_SHIFT < 255) this.hot[4 * r + 2] += 1 << MANAGED_SHIFT;
    }
    if (this.rural) {
      this.count(C.COUNTY_RESIDENT_VISITS, start);
      if (domestic) this.count(C.COUNTY_RESIDENT_DOMESTIC_VISITS, start);
      if (tier <= TOWNSHIP) this.count(C.COUNTY_RESIDENT_GRASSROOTS_VISITS, start);
    }
    if (countyHospital && !(ep.flags[e] & SEEN_AT_COUNTY)) {
      ep.flags[e] |= SEEN_AT_COUNTY;
      this.count(C.COUNTY_HOSPITAL_EPISODES_SEEN, start);
    }
    if (!(ep.flags[e] & CAPABLE_PLANNED)) {
      this.count(C.VISITS_ENDING_IN_REFERRAL + tier, start);
      this.referUp(e, start, tier, countyHospital);
      return;
    }
    if (ep.flags[e] & ADMIT_PLANNED) {
      if (bedStart < 0) {
        this.transferForBed(e, start, tier);
        return;
      }
      const kind = ep.kind[e];
      const r = ep.resident[e];
      const los = ep.lengthOfStay[e];
      ep.flags[e] |= ADMITTED;
      this.count(C.ADMISSIONS + tier, bedStart);
      if (ep.flags[e] & FAMILY_BED) this.count(C.FAMILY_BED_ADMISSIONS, bedStart);
      else this.count(C.BED_DAYS + tier, bedStart, los);
      this.count(C.BED_WAIT_DAYS + tier, bedStart, bedStart - start);
      if (this.rural) {
        this.count(C.COUNTY_RESIDENT_ADMISSIONS, bedStart);
        if (domestic) this.count(C.COUNTY_RESIDENT_DOMESTIC_ADMISSIONS, bedStart);
      }
      // Charged at the price the patient expected when choosing (same price factor).
      const cost =
        los *
        w.kinds.pricePerDay[kind * TIER_COUNT + tier] *
        w.facilities.priceFactor[f] *
        stayCostFactor(w, tier);
      this.chargeStay(e, r, tier, cost, bedStart, false);
      this.fel.push(this.at(bedStart + los), DISCHARGE, e);
      return;
    }
    this.followUpOrEnd(e, start);
  }

  /**
   * Care reimbursed at the full rate: referred, an emergency (its referral filed later), no
   * penalties, or (1+1+1) at one of the contract holder's own hospitals.
   */
  private referredCare(e: number): boolean {
    const ep = this.episodes;
    if (
      (ep.flags[e] & REFERRED) !== 0 ||
      !this.gate.penalties ||
      this.world.kinds.emergency[ep.kind[e]] === 1
    )
      return true;
    const r = ep.resident[e];
    if (!this.oneOneOne || !this.holder(r)) return false;
    const f = ep.facility[e];
    const tier = this.world.facilities.tier[f];
    return (tier === COUNTY || tier === TERTIARY) && this.nearestOfTier(r, tier) === f;
  }

  /** The nearest facility of `tier` in resident r's choice set, or -1. */
  private nearestOfTier(r: number, tier: number): number {
    const cat = this.world.catchment;
    const f = this.world.facilities;
    for (let i = this.entries(r), end = this.entriesEnd(r); i < end; i++) {
      const id = cat.facility[i];
      if (f.tier[id] === tier && f.type[id] !== REHAB_NURSING) return id;
    }
    return -1;
  }

  /** The visit's price, split between the patient and the fund (within the fund's yearly cap). */
  private chargeVisit(e: number, f: number, tier: number, t: number): void {
    const w = this.world;
    const ins = this.insurance;
    const ep = this.episodes;
    const r = ep.resident[e];
    const kind = ep.kind[e];
    const scheme = this.hot[4 * r + 1] >>> 16;
    const price =
      w.kinds.priceOutpatient[kind * TIER_COUNT + tier] *
      w.facilities.priceFactor[f] *
      visitCostFactor(w, tier);
    if (price <= 0) return;
    const at = kindSchemeTier(kind, scheme, tier);
    const rate = this.referredCare(e) ? ins.outpatientRate[at] : ins.unreferredOutpatientRate[at];
    let capLeft = Number.POSITIVE_INFINITY;
    const account = ins.outpatientAccount[at];
    const year = Math.floor(t / C.DAYS_PER_YEAR);
    const benefits = this.benefits;
    if (benefits) capLeft = ins.outpatientCap[scheme * 2 + account] - benefits.used(r, account, year);
    const { outOfPocket, fund } = settleOutpatient(price, rate, capLeft);
    benefits?.add(r, account, year, fund);
    this.count(C.OOP_OUTPATIENT + tier, t, outOfPocket);
    this.count(C.FUND_OUTPATIENT + tier, t, fund);
    this.count(C.OOP_BY_SCHEME + scheme, t, outOfPocket);
    this.count(C.FUND_BY_SCHEME + scheme, t, fund);
  }

  /**
   * A stay costing `cost` from `t`: the deductible still due (counted continuously for a referred
   * inpatient, waived for a downward-referred stay, where the scheme says so), the scheme's rate
   * for referred or unreferred care, and its yearly cap.
   */
  private chargeStay(e: number, r: number, tier: number, cost: number, t: number, downward: boolean): void {
    if (cost <= 0) return;
    const ins = this.insurance;
    const ep = this.episodes;
    const scheme = this.hot[4 * r + 1] >>> 16;
    const year = Math.floor(t / C.DAYS_PER_YEAR);
    const referred = this.referredCare(e);
    const due = this.deductibles.dueForStay(r, scheme, tier, year, (ep.flags[e] & REFERRED) !== 0, downward);
    const at = kindSchemeTier(ep.kind[e], scheme, tier);
    const rate = referred ? ins.inpatientRate[at] : ins.unreferredInpatientRate[at];
    const benefits = this.benefits;
    const capLeft = benefits
      ? ins.inpatientCap[scheme] - benefits.used(r, INPATIENT_ACCOUNT, year)
      : Number.POSITIVE_INFINITY;
    const { outOfPocket, fund, deductibleUsed } = settleStay(cost, due, rate, capLeft);
    benefits?.add(r, INPATIENT_ACCOUNT, year, fund);
    if (deductibleUsed > 0) {
      this.deductibles.pay(r, scheme, tier, year, deductibleUsed);
      const stamp = (year % 255) + 1;
      if (this.hot[4 * r + 3] >>> 16 < stamp)
        this.hot[4 * r + 3] = (this.hot[4 * r + 3] & 0xffff) | (stamp << 16);
    }
    this.count(C.OOP_INPATIENT + tier, t, outOfPocket);
    this.count(C.FUND_INPATIENT + tier, t, fund);
    this.count(C.OOP_BY_SCHEME + scheme, t, outOfPocket);
    this.count(C.FUND_BY_SCHEME + scheme, t, fund);
  }

  /**
   * Admission needed where no bed is free within the patient's wait (or there are no beds): the
   * patient is transferred to the nearest other capable hospital with beds of this tier or above,
   * where they queue for a bed if they must. Never treated as an outpatient instead.
   */
  private transferForBed(e: number, t: number, tier: number): void {
    const w = this.world;
    const ep = this.episodes;
    const cat = w.catchment;
    const f = ep.facility[e];
    this.count(C.BED_TRANSFERS + tier, t);
    const r = ep.resident[e];
    const end = this.entriesEnd(r);
    let target = cat.facility[end - 1];
    for (let i = this.entries(r); i < end; i++) {
      const id = cat.facility[i];
      const code = this.choiceTables.entry[i * ENTRY_STRIDE + 3];
      if (
        id !== f &&
        w.facilities.tier[id] >= tier &&
        code & HAS_BEDS &&
        w.facilities.capability[id * GROUP_COUNT + ep.group[e]] >= ep.need[e]
      ) {
        target = id;
        break;
      }
    }
    ep.flags[e] |= BED_TRANSFERRED;
    ep.facility[e] = target;
    this.fel.push(this.at(t), VISIT, e);
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

  /**
   * The facility cannot treat the episode: it refers the patient to the first capable facility of
   * the same tier or above in the patient's choice set (Wenzhou annex 1; a county TCM hospital
   * refers to the county general hospital). The patient follows with probability `compliance`,
   * else chooses among higher tiers. Tiers only rise and the provincial hospitals can treat every
   * need (checked by validation), so a chain of referrals always ends.
   */
  private referUp(e: number, t: number, tier: number, countyHospital: boolean): void {
    const w = this.world;
    const ep = this.episodes;
    const cat = w.catchment;
    const r = ep.resident[e];
    const first = this.entries(r);
    const from = first + this.entryOffset(r, ep.facility[e]);
    const target =
      cat.facility[
        this.choiceTables.end[(ep.group[e] * 5 + ep.need[e] - 1) * this.choiceTables.entries + from]
      ];
    this.count(C.UPWARD_REFERRALS, t);
    this.count(C.REFERRED_OUT_OF_TIER + tier, t);
    this.yearReferred[tier]++;
    if (!(ep.flags[e] & REFERRED)) {
      ep.flags[e] |= REFERRED;
      this.count(C.UPWARD_REFERRED_EPISODES, t);
    }
    const u = this.nextVisitBlock(e);
    const { compliance, delayDays } = w.scenario.referral;
    const next = u[2] < compliance ? target : this.choose(e, tier, NO_EXCLUSION, u[0], false);
    const alliance = w.alliances.allianceOf[ep.facility[e]];
    if (alliance >= 0) {
      this.count(C.REFERRALS_FROM_MEMBERS, t);
      if (inAlliance(w.alliances, alliance, next)) this.count(C.REFERRALS_INTO_ALLIANCE, t);
    }
    ep.facility[e] = next;
    this.count(C.UPWARD_FLOWS + tier * TIER_COUNT + w.facilities.tier[next], t);
    // A county hospital's referral out of the county (to the city or beyond; 县级医院转诊率).
    if (countyHospital && w.facilities.tier[next] > COUNTY) this.count(C.COUNTY_HOSPITAL_REFERRALS_OUT, t);
    const delay = w.kinds.emergency[ep.kind[e]] ? 0 : exponential(u[3], delayDays);
    this.fel.push(this.at(t + delay), VISIT, e);
  }

  private discharge(e: number, t: number): void {
    const w = this.world;
    const ep = this.episodes;
    const kind = ep.kind[e];
    // Treatment cycles still to come: rehabilitation waits for the last one.
    if (
      w.kinds.admissionAt[kind] === ADMIT_AT_EVERY_VISIT &&
      ep.visitsLeft[e] > 1 &&
      !(ep.flags[e] & REHAB)
    ) {
      this.followUpOrEnd(e, t);
      return;
    }
    const f = ep.facility[e];
    const tier = w.facilities.tier[f];
    const u = this.streams.block(this.residents.firstId + ep.resident[e], PURPOSE_EPISODE, ep.serial[e], 1);
    const rehab = u[1] < w.kinds.rehabProbability[kind];
    if (!rehab || ep.flags[e] & REHAB) {
      this.followUpOrEnd(e, t);
      return;
    }
    ep.flags[e] |= REHAB;
    ep.need[e] = 1;
    ep.perceivedNeed[e] = 1;
    ep.group[e] = REHABILITATION;
    ep.visitsLeft[e] = 1 + Math.round(w.kinds.rehabVisits[kind]);
    if (tier >= COUNTY && u[3] < w.scenario.referral.downward) {
      const uAccept = u[0];
      const uStay = u[2];
      const r = ep.resident[e];
      const centre = this.homeCentre(r);
      const rehab = this.nearestRehabFacility(r);
      if ((centre >= 0 && centre !== f) || rehab >= 0) {
        this.count(C.DOWNWARD_PROPOSED, t);
        const target = this.downwardChoice(e, f, centre !== f ? centre : -1, rehab, uAccept);
        if (target < 0) this.count(C.DOWNWARD_DECLINED, t);
        else if (this.referDown(e, target, t, uStay)) return;
      }
    }
    this.followUpOrEnd(e, t);
  }

  /**
   * Where a patient proposed a downward referral goes: a multinomial logit (one uniform) among
   * staying at the discharging hospital, the home township or community centre, and the nearest
   * rehabilitation and nursing facility where there is one, on the choice model's terms (tier
   * constant, travel, quality at low acuity, out-of-pocket cost of the rehabilitation visits and
   * of any step-down stay, with its deductible, waived or not). Returns the facility, or -1 when
   * the patient stays.
   */
  private downwardChoice(e: number, from: number, centre: number, rehab: number, u: number): number {
    const stay = this.rehabUtility(e, from, false);
    const toCentre = centre >= 0 ? Math.exp(this.rehabUtility(e, centre, true) - stay) : 0;
    const toRehab = rehab >= 0 ? Math.exp(this.rehabUtility(e, rehab, true) - stay) : 0;
    const total = 1 + toCentre + toRehab;
    if (u < toCentre / total) return centre;
    if (u < (toCentre + toRehab) / total) return rehab;
    return -1;
  }

  /** Utility of the rehabilitation course at facility f (referred down there, or staying). */
  private rehabUtility(e: number, f: number, down: boolean): number {
    const w = this.world;
    const c = this.choiceTables;
    const ep = this.episodes;
    const r = ep.resident[e];
    const kind = ep.kind[e];
    const scheme = this.hot[4 * r + 1] >>> 16;
    const rowBase = (kind * SCHEME_COUNT + scheme) * TIER_COUNT;
    const i = this.entries(r) + this.entryOffset(r, f);
    const eb = i * ENTRY_STRIDE;
    const tier = c.tier[i];
    const column = down || this.referredCare(e) ? 0 : UNREFERRED;
    const visits = w.kinds.rehabVisits[kind];
    let v =
      c.entry[eb] +
      c.entry[eb + 1] * c.qualityFloor +
      c.costPerYuan * visits * c.row[(rowBase + tier) * ROW_STRIDE + column] * c.entry[eb + 2];
    const stayDays = w.kinds.rehabStayDays[kind];
    if (down && stayDays > 0) {
      const cost = stayDays * w.kinds.pricePerDay[kind * TIER_COUNT + tier] * c.entry[eb + 2];
      const year = Math.floor(this.day / C.DAYS_PER_YEAR);
      const due = this.deductibles.dueForStay(r, scheme, tier, year, false, true);
      const deductible = due < cost ? due : cost;
      v += c.costPerYuan * (deductible + (cost - deductible) * c.row[(rowBase + tier) * ROW_STRIDE + 4]);
    }
    return v;
  }

  /** The nearest rehabilitation and nursing facility in resident r's choice set, or -1. */
  private nearestRehabFacility(r: number): number {
    const cat = this.world.catchment;
    const type = this.world.facilities.type;
    let best = -1;
    let bestMinutes = Number.POSITIVE_INFINITY;
    for (let i = this.entries(r), end = this.entriesEnd(r); i < end; i++) {
      if (type[cat.facility[i]] === REHAB_NURSING && cat.minutes[i] < bestMinutes) {
        best = cat.facility[i];
        bestMinutes = cat.minutes[i];
      }
    }
    return best;
  }

  /**
   * The patient goes down to the home centre or a rehabilitation and nursing facility. Kinds with
   * a step-down stay need one of its beds within a day (a stable patient is not kept waiting
   * longer): without one the referral fails and rehabilitation stays at the hospital (returns
   * false).
   */
  private referDown(e: number, target: number, t: number, uStay: number): boolean {
    const w = this.world;
    const ep = this.episodes;
    const kind = ep.kind[e];
    const tier = w.facilities.tier[target];
    const toRehab = w.facilities.type[target] === REHAB_NURSING;
    const stayMean = w.kinds.rehabStayDays[kind];
    const local = target - this.firstFacility;
    const flow = C.DOWNWARD_FLOWS + w.facilities.tier[ep.facility[e]] * TIER_COUNT + tier;
    if (stayMean <= 0 || local < 0 || local >= this.localCount) {
      this.count(C.DOWNWARD_REFERRALS, t);
      this.count(flow, t);
      if (toRehab) this.count(C.DOWNWARD_TO_REHAB, t);
      ep.facility[e] = target;
      return false;
    }
    const los = 1 + exponential(uStay, stayMean > 1 ? stayMean - 1 : 0);
    const start = this.beds.acquire(local, t, los, 1);
    if (start < 0) {
      this.count(C.DOWNWARD_NO_BED, t);
      return false;
    }
    this.count(C.DOWNWARD_REFERRALS, t);
    this.count(flow, t);
    if (toRehab) this.count(C.DOWNWARD_TO_REHAB, t);
    this.count(C.STEP_DOWN_STAYS, start);
    ep.facility[e] = target;
    ep.flags[e] |= ADMITTED;
    this.count(C.ADMISSIONS + tier, start);
    this.count(C.BED_DAYS + tier, start, los);
    this.count(C.BED_WAIT_DAYS + tier, start, start - t);
    if (this.rural) {
      this.count(C.COUNTY_RESIDENT_ADMISSIONS, start);
      this.count(C.COUNTY_RESIDENT_DOMESTIC_ADMISSIONS, start);
    }
    const cost = los * w.kinds.pricePerDay[kind * TIER_COUNT + tier] * w.facilities.priceFactor[target];
    this.chargeStay(e, ep.resident[e], tier, cost, start, true);
    this.fel.push(this.at(start + los), DISCHARGE, e);
    return true;
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
    this.count(ep.flags[e] & ADMITTED ? C.ENDED_INPATIENT : C.ENDED_OUTPATIENT, t);
    this.release(e, t);
  }

  private release(e: number, t: number): void {
    const ep = this.episodes;
    const r = ep.resident[e];
    const bit = this.world.kinds.keyGroupBit[ep.kind[e]];
    // Another open episode holding the same group (a second maternity episode) keeps it.
    if (bit) {
      const word = this.hot[4 * r + 3] - (1 << 8);
      this.hot[4 * r + 3] = word;
      if (((word >> 8) & 0xff) === 0) this.residents.keyGroups[r] &= ~bit;
    }
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
      this.hot.byteLength +
      r.keyGroups.byteLength +
      this.deductibles.byteLength +
      (this.benefits?.byteLength ?? 0) +
      this.contracts.byteLength +
      this.fel.byteLength +
      this.episodes.byteLength
    );
  }
}

/**
 * Where `x` fell inside the interval [c[at + k − 1], c[at + k]) of cumulative weights `c` that
 * picked item k, rescaled to [0, 1): uniform and independent of k when x was uniform over the whole.
 */
export function residual(x: number, c: Float64Array, at: number, k: number): number {
  const low = k > 0 ? c[at + k - 1] : 0;
  const width = c[at + k] - low;
  const v = width > 0 ? (x - low) / width : 0;
  return v < 0 ? 0 : v >= 1 ? 0.9999999999999999 : v;
}

/** Triangular variate on [min, max] with the given mode, by inversion. */
export function triangular(u: number, min: number, mode: number, max: number): number {
  if (max <= min) return min;
  const cut = (mode - min) / (max - min);
  return u < cut
    ? min + Math.sqrt(u * (max - min) * (mode - min))
    : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
}

/** Word 1 of the packed record without the contract bit: the onset-table row | the insurance scheme << 16. */
function rowAndScheme(res: Residents, r: number): number {
  const flags = res.flags[r];
  const row = ((flags & FLAG_MALE) * 121 + res.age[r]) * CONDITION_MASKS + res.conditions[r];
  return row | (schemeOf(flags) << 16);
}

/** The residents' packed records as synthesised: words 1 and 2, without contracts (see `hot`). */
function packedRecords(res: Residents): Uint32Array {
  const hot = new Uint32Array(4 * res.count);
  const home = res.home;
  for (let r = 0; r < res.count; r++) {
    hot[4 * r + 1] = rowAndScheme(res, r);
    if (home[r] > VILLAGE_MASK) throw new RangeError("too many villages in one area");
    hot[4 * r + 2] = home[r];
  }
  return hot;
}

const holderTables = new WeakMap<World, Float64Array>();

/** The world's cumulative onset table with the chronic follow-up kinds' rates divided by `factor`. */
function holderOnsetTable(world: World, factor: number): Float64Array {
  let table = holderTables.get(world);
  if (!table) {
    const kinds = world.kinds;
    const K = kinds.count;
    const source = kinds.onsetCumulative;
    table = new Float64Array(source.length);
    for (let row = 0; row < source.length; row += K) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const rate = source[row + k] - (k > 0 ? source[row + k - 1] : 0);
        acc += kinds.usualSource[k] ? rate / factor : rate;
        table[row + k] = acc;
      }
    }
    holderTables.set(world, table);
  }
  return table;
}
