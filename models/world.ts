import { DailySlots } from "../sim/engine/daily-slots.ts";
import { ServerPools } from "../sim/engine/server-pools.ts";
import type { SharedCapacity } from "../sim/engine/shared-exchange.ts";
import { CONDITION_GROUPS } from "./care/condition-groups.ts";
import type { EpisodeKind } from "./care/episodes.ts";
import { type AllianceMembership, applyAlliances } from "./policy/alliances.ts";
import { countyRules, type InsuranceTables, insuranceTables } from "./policy/insurance.ts";
import { tabulateByAge } from "./population/age-schedule.ts";
import { CONDITIONS, KEY_GROUPS, type PopulationTables, populationTables } from "./population/population.ts";
import type { Scenario } from "./scenario.ts";
import { byTierArray } from "./supply/by-tier.ts";
import { buildCatchment, type Catchment } from "./supply/catchment.ts";
import type { Facilities } from "./supply/facilities.ts";
import { placeFacilities } from "./supply/facility-placement.ts";
import { buildGeography, type Geography } from "./supply/geography.ts";
import { COUNTY, TERTIARY, TIER_COUNT } from "./supply/tiers.ts";

/**
 * The world a run simulates, built from the scenario by pure functions: geography, facilities
 * and their catchments, and the lookup tables the hot loop reads. Every worker builds the same
 * world from the same scenario; nothing here is random.
 */
export interface KindTables {
  count: number;
  ids: string[];
  /** Cumulative onset rate per (sex, age, condition mask) and kind: [((male * 121 + age) * 32 + mask) * count + k]. */
  onsetCumulative: Float64Array;
  emergency: Uint8Array;
  /** 0: admission decided at the first treating visit, 1: at the last, 2: at every visit. */
  admissionAt: Uint8Array;
  group: Uint8Array;
  /** Key-group bit set on the patient while an episode of the kind is open (0: none). */
  keyGroupBit: Uint8Array;
  severityMin: Float64Array;
  severityMode: Float64Array;
  severityMax: Float64Array;
  /** Cumulative need-level probabilities: [k * 5 + level-1]. */
  needCumulative: Float64Array;
  visitsMean: Float64Array;
  intervalDays: Float64Array;
  /** [k * TIER_COUNT + tier] */
  admission: Float64Array;
  lengthOfStay: Float64Array;
  priceOutpatient: Float64Array;
  pricePerDay: Float64Array;
  rehabProbability: Float64Array;
  rehabVisits: Float64Array;
  rehabInterval: Float64Array;
  rehabStayDays: Float64Array;
  /** Utility of not seeking care; NaN: the kind always seeks care. */
  optOut: Float64Array;
  usualSource: Uint8Array;
  maxBedWaitDays: Float64Array;
}

export interface World {
  scenario: Scenario;
  population: number;
  geography: Geography;
  facilities: Facilities;
  catchment: Catchment;
  /** Medical alliances; their effects are already in the facilities' capability and quality. */
  alliances: AllianceMembership;
  kinds: KindTables;
  /** Insurance of the urban districts' residents (and of everyone when counties have no rules of their own). */
  insurance: InsuranceTables;
  /** Insurance of the counties' residents where `insurance.counties` changes the rules. */
  countyInsurance: InsuranceTables | undefined;
  populationTables: PopulationTables;
  /** Real residents of the region the scenario describes. */
  regionPopulation: number;
  /** Real residents each simulated resident stands for (region ÷ simulated). */
  scale: number;
  /** Weight of a day's waits in the smoothed waits patients expect (from choice.waitMemoryDays). */
  waitSmoothing: number;
}

const MASKS = 1 << CONDITIONS.length;

export function kindTables(kinds: EpisodeKind[]): KindTables {
  const K = kinds.length;
  const perTier = () => new Float64Array(K * TIER_COUNT);
  const t: KindTables = {
    count: K,
    ids: kinds.map((k) => k.id),
    onsetCumulative: new Float64Array(2 * 121 * MASKS * K),
    emergency: new Uint8Array(K),
    admissionAt: new Uint8Array(K),
    group: new Uint8Array(K),
    keyGroupBit: new Uint8Array(K),
    severityMin: new Float64Array(K),
    severityMode: new Float64Array(K),
    severityMax: new Float64Array(K),
    needCumulative: new Float64Array(K * 5),
    visitsMean: new Float64Array(K),
    intervalDays: new Float64Array(K),
    admission: perTier(),
    lengthOfStay: perTier(),
    priceOutpatient: perTier(),
    pricePerDay: perTier(),
    rehabProbability: new Float64Array(K),
    rehabVisits: new Float64Array(K),
    rehabInterval: new Float64Array(K),
    rehabStayDays: new Float64Array(K),
    optOut: new Float64Array(K),
    usualSource: new Uint8Array(K),
    maxBedWaitDays: new Float64Array(K),
  };
  const byAge = kinds.map((k) => tabulateByAge(k.incidence));
  for (let male = 0; male < 2; male++) {
    for (let age = 0; age <= 120; age++) {
      for (let mask = 0; mask < MASKS; mask++) {
        let acc = 0;
        kinds.forEach((k, i) => {
          let rate = byAge[i][age];
          CONDITIONS.forEach((c, ci) => {
            if (mask & (1 << ci)) rate += k.conditionIncidence[c] ?? 0;
          });
          if ((k.sex === "female" && male) || (k.sex === "male" && !male)) rate = 0;
          acc += rate;
          t.onsetCumulative[((male * 121 + age) * MASKS + mask) * K + i] = acc;
        });
      }
    }
  }
  kinds.forEach((k, i) => {
    t.emergency[i] = k.emergency ? 1 : 0;
    t.admissionAt[i] = ["first", "last", "every"].indexOf(k.admissionAt);
    t.group[i] = CONDITION_GROUPS.indexOf(k.group);
    t.keyGroupBit[i] = k.keyGroupWhileOpen ? 1 << KEY_GROUPS.indexOf(k.keyGroupWhileOpen) : 0;
    t.severityMin[i] = k.severity.min;
    t.severityMode[i] = k.severity.mode;
    t.severityMax[i] = k.severity.max;
    let acc = 0;
    k.needLevel.forEach((p, l) => {
      acc += p;
      t.needCumulative[i * 5 + l] = acc;
    });
    t.needCumulative[i * 5 + 4] = 1;
    t.visitsMean[i] = k.visits.mean;
    t.intervalDays[i] = k.visits.intervalDays;
    t.admission.set(byTierArray(k.admission), i * TIER_COUNT);
    t.lengthOfStay.set(byTierArray(k.lengthOfStayDays), i * TIER_COUNT);
    t.priceOutpatient.set(byTierArray(k.price.outpatient), i * TIER_COUNT);
    t.pricePerDay.set(byTierArray(k.price.inpatientPerDay), i * TIER_COUNT);
    t.rehabProbability[i] = k.rehab.probability;
    t.rehabVisits[i] = k.rehab.visits;
    t.rehabInterval[i] = k.rehab.intervalDays;
    t.rehabStayDays[i] = k.rehab.stayDays;
    t.optOut[i] = k.optOut ?? Number.NaN;
    t.usualSource[i] = k.usualSource ? 1 : 0;
    t.maxBedWaitDays[i] = k.maxBedWaitDays;
  });
  return t;
}

/** The insurance tables for residents of a county (rural area) or of an urban district. */
export function insuranceOf(world: World, rural: boolean): InsuranceTables {
  return rural ? (world.countyInsurance ?? world.insurance) : world.insurance;
}

/** Real residents of the region: the units file's total, or `geography.population`. */
export function regionPopulation(scenario: Scenario): number {
  const units = scenario.geography.units;
  if (units && units.length > 0) return units.reduce((sum, u) => sum + u.population, 0);
  return scenario.geography.population;
}

/**
 * The parts of a world built from the scenario's policy and episodes alone (cheap): what a sweep
 * rebuilds when it reuses the geography, facilities and catchment of another run's world.
 */
export function policyTables(
  scenario: Scenario,
): Pick<
  World,
  "scenario" | "kinds" | "insurance" | "countyInsurance" | "populationTables" | "waitSmoothing"
> {
  const kindsForInsurance = {
    ids: scenario.episodes.kinds.map((k) => k.id),
    usualSource: scenario.episodes.kinds.map((k) => (k.usualSource ? 1 : 0)),
  };
  return {
    scenario,
    kinds: kindTables(scenario.episodes.kinds),
    insurance: insuranceTables(scenario.insurance, kindsForInsurance),
    countyInsurance:
      Object.keys(scenario.insurance.counties).length === 0
        ? undefined
        : insuranceTables(countyRules(scenario.insurance), kindsForInsurance),
    populationTables: populationTables(scenario.population),
    waitSmoothing: 1 - 2 ** (-1 / scenario.choice.waitMemoryDays),
  };
}

export function buildWorld(scenario: Scenario): World {
  const population = scenario.run.population;
  const region = regionPopulation(scenario);
  const scale = region / population;
  const geography = buildGeography(scenario.geography, population);
  const { facilities, rows } = placeFacilities(scenario.facilities, geography, scale);
  const catchment = buildCatchment(facilities, rows, geography, scenario.geography.travel);
  const alliances = applyAlliances(scenario.alliances, geography, facilities);
  return {
    ...policyTables(scenario),
    population,
    geography,
    facilities,
    catchment,
    alliances,
    regionPopulation: region,
    scale,
  };
}

/**
 * Daily slot quotas of facilities first … first + count − 1, as 2 × count pools: the open slots of
 * each, then the slots each county or tertiary hospital reserves for contract holders' referrals
 * (contracting.effects.reservedSlotShare; none elsewhere, none where slots are unlimited).
 */
export function slotQuotas(world: World, first: number, count: number): number[] {
  const f = world.facilities;
  const share = world.scenario.contracting.effects.reservedSlotShare;
  const open: number[] = [];
  const reserved: number[] = [];
  for (let id = first; id < first + count; id++) {
    const q = f.slotsPerDay[id];
    const tier = f.tier[id];
    const r = q > 0 && (tier === COUNTY || tier === TERTIARY) ? q * share : 0;
    open.push(q < 0 ? q : q - r);
    reserved.push(r);
  }
  return [...open, ...reserved];
}

/** Beds of each shared facility (0 where capacity is unlimited: the provincial hospitals). */
export function sharedBeds(world: World): number[] {
  const f = world.facilities;
  const beds: number[] = [];
  for (let i = 0; i < f.sharedCount; i++) {
    const id = f.sharedFirst + i;
    beds.push(f.slotsPerDay[id] < 0 ? 0 : f.simulatedBeds[id]);
  }
  return beds;
}

/** This thread's replica of the city-wide capacity: slots and beds of each shared facility. */
export function sharedCapacity(world: World): SharedCapacity {
  const f = world.facilities;
  return {
    slots: new DailySlots(slotQuotas(world, f.sharedFirst, f.sharedCount)),
    servers: new ServerPools(sharedBeds(world)),
  };
}
