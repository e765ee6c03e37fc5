import { CONTRACT_GROUPS } from "../policy/contracting.ts";
import { dayOfDate } from "../policy/timeline.ts";
import { SCHEME_NAMES } from "../population/population.ts";
import { marginalRows, type PopulationMarginals } from "../population/population-marginals.ts";
import type { Scenario } from "../scenario.ts";
import type { SupplyTotals } from "../supply/supply.ts";
import { COUNTY, OUT_OF_REGION, TERTIARY, TIER_NAMES, TOWNSHIP, VILLAGE } from "../supply/tiers.ts";
import { CALIBRATION_CHECKS, metricValue } from "./calibration-checks.ts";
import * as C from "./counters.ts";
import { OUTCOME_NAMES } from "./counters.ts";
import { meanInterval } from "./intervals.ts";
import type { MonthlyPoint, RunMetrics, Spread, TargetScore, YearSummary } from "./metrics-schema.ts";
import { scoreTarget, TARGET_CATALOGUE } from "./targets.ts";

/** Counters of one replication, summed over partitions in their fixed order. */
export interface ReplicationCounts {
  /** [month × COUNTER_COUNT], months of the run plus one for events after the horizon. */
  counters: Float64Array;
  /** Episodes still open when the run stopped, per kind. */
  openByKind: Float64Array;
  sharedRequests: number;
  sharedResults: number;
}

const byTier = (f: (tier: number) => number) =>
  Object.fromEntries(TIER_NAMES.map((name, tier) => [name, f(tier)])) as Record<
    (typeof TIER_NAMES)[number],
    number
  >;

function spread(values: number[]): Spread {
  const { mean, sd, n, lower, upper } = meanInterval(values);
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), lower, upper, n };
}

/** Every numeric leaf of a summary by dotted path, in key order (the spread itself excluded). */
export function numericLeaves(value: unknown, prefix = "", into: Record<string, number> = {}) {
  if (typeof value === "number") into[prefix] = value;
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value))
      if (!(prefix === "" && (k === "spread" || k === "year")))
        numericLeaves(v, prefix ? `${prefix}.${k}` : k, into);
  return into;
}

/** Sums counter c over months [from, to). */
function total(counters: Float64Array, c: number, from: number, to: number): number {
  let s = 0;
  for (let m = from; m < to; m++) s += counters[m * C.COUNTER_COUNT + c];
  return s;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Headline rates of one replication over months [from, to). */
function yearRates(x: Float64Array, from: number, to: number, population: number) {
  const visits = TIER_NAMES.map((_, tier) => total(x, C.OUTPATIENT + tier, from, to));
  const all = visits.reduce((a, b) => a + b, 0);
  const admissions = TIER_NAMES.map((_, tier) => total(x, C.ADMISSIONS + tier, from, to));
  return {
    visits,
    admissions,
    all,
    grassrootsShare: ratio(visits[VILLAGE] + visits[TOWNSHIP], all),
    hospitalShare: ratio(visits[COUNTY] + visits[TERTIARY] + visits[OUT_OF_REGION], all),
    countyDomesticRate: ratio(
      total(x, C.COUNTY_RESIDENT_DOMESTIC_VISITS, from, to),
      total(x, C.COUNTY_RESIDENT_VISITS, from, to),
    ),
    countyDomesticAdmissionRate: ratio(
      total(x, C.COUNTY_RESIDENT_DOMESTIC_ADMISSIONS, from, to),
      total(x, C.COUNTY_RESIDENT_ADMISSIONS, from, to),
    ),
    countyHospitalReferralOutRate: ratio(
      total(x, C.COUNTY_HOSPITAL_REFERRALS_OUT, from, to),
      total(x, C.COUNTY_HOSPITAL_EPISODES_SEEN, from, to),
    ),
    visitsPerPersonYear: ratio(all, population),
    admissionsPer100: ratio(100 * admissions.reduce((a, b) => a + b, 0), population),
  };
}

/** The summary of simulated year y (0-based) over `reps`: every metric over its twelve months. */
function summarizer(
  scenario: Scenario,
  kindIds: string[],
  supplyByYear: readonly SupplyTotals[],
  reps: ReplicationCounts[],
): (y: number) => Omit<YearSummary, "spread"> {
  const { population, startYear } = scenario.run;
  const R = reps.length;
  const mean = (f: (r: ReplicationCounts) => number) => reps.reduce((s, r) => s + f(r), 0) / R;
  return (y) => {
    const supply = supplyByYear[y];
    const from = 12 * y;
    const to = from + 12;
    const rates = reps.map((r) => yearRates(r.counters, from, to, population));
    const m = <K extends keyof (typeof rates)[0]>(k: K) =>
      rates.reduce((s, r) => s + (r[k] as number), 0) / R;
    const sumRange = (c: number) => mean((r) => total(r.counters, c, from, to));
    const flows = (base: number) =>
      Object.fromEntries(
        TIER_NAMES.map((name, f) => [name, byTier((t) => sumRange(base + f * TIER_NAMES.length + t))]),
      ) as YearSummary["referralFlows"]["upward"];

    const visitsAt = (t: number) => rates.reduce((s, r) => s + r.visits[t], 0) / R;
    const visitsByTier = byTier(visitsAt);
    const { workingDaysPerYear } = scenario.facilities;
    // Simulated visits stand for `scale` real ones each, seen by the region's real doctors.
    const perDoctorDay = (t: number) =>
      ratio(visitsAt(t) * supply.region.residentsPerSimulated, supply.doctorsByTier[t] * workingDaysPerYear);
    // The load on the real region's beds: each simulated bed-day stands for `scale` real ones.
    const occupancy = (t: number) =>
      ratio(
        sumRange(C.BED_DAYS + t) * supply.region.residentsPerSimulated,
        supply.bedsByTier[t] * C.DAYS_PER_YEAR,
      );
    const firstContactByKind = Object.fromEntries(
      kindIds.map((id, k) => {
        const at = (slot: number) => sumRange(C.FIRST_CONTACT + k * C.FIRST_CONTACT_SLOTS + slot);
        let all = 0;
        for (let slot = 0; slot < C.FIRST_CONTACT_SLOTS; slot++) all += at(slot);
        return [id, { ...byTier((t) => ratio(at(t), all)), optOut: ratio(at(C.OPT_OUT_SLOT), all) }];
      }),
    );
    const allVisits = m("all");
    let referralOnly = 0;
    for (let t = 0; t < TIER_NAMES.length; t++) referralOnly += sumRange(C.VISITS_ENDING_IN_REFERRAL + t);
    const admissionsByTier = byTier((t) => rates.reduce((s, r) => s + r.admissions[t], 0) / R);
    const sumBefore = (c: number) => mean((r) => total(r.counters, c, from - 12, from));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // First contacts where care was sought, by tier: all, contract holders', two-week illness.
    const firstAt = (k: number, t: number) => sumRange(C.FIRST_CONTACT + k * C.FIRST_CONTACT_SLOTS + t);
    const allFirst = TIER_NAMES.map((_, t) => kindIds.reduce((s, _id, k) => s + firstAt(k, t), 0));
    const holderFirst = TIER_NAMES.map((_, t) => sumRange(C.FIRST_CONTACT_HOLDERS + t));
    const twoWeekKinds = scenario.episodes.kinds.flatMap((k, i) => (k.twoWeekIllness ? [i] : []));
    const twoWeekFirst = TIER_NAMES.map((_, t) => twoWeekKinds.reduce((s, k) => s + firstAt(k, t), 0));
    const fundAt = (t: number) => sumRange(C.FUND_OUTPATIENT + t) + sumRange(C.FUND_INPATIENT + t);
    const fundAll = TIER_NAMES.reduce((s, _, t) => s + fundAt(t), 0);
    const oopAll = TIER_NAMES.reduce(
      (s, _, t) => s + sumRange(C.OOP_OUTPATIENT + t) + sumRange(C.OOP_INPATIENT + t),
      0,
    );
    return {
      year: y + 1,
      label: String(startYear + y),
      visitsByTier,
      visitsShareByTier: byTier((t) => ratio(visitsAt(t), allVisits)),
      admissionsByTier,
      totalVisits: m("all"),
      visitsPerPersonYear: m("visitsPerPersonYear"),
      grassrootsShare: m("grassrootsShare"),
      grassrootsShareByPlace: {
        districts: ratio(
          visitsAt(VILLAGE) + visitsAt(TOWNSHIP) - sumRange(C.COUNTY_RESIDENT_GRASSROOTS_VISITS),
          allVisits - sumRange(C.COUNTY_RESIDENT_VISITS),
        ),
        counties: ratio(sumRange(C.COUNTY_RESIDENT_GRASSROOTS_VISITS), sumRange(C.COUNTY_RESIDENT_VISITS)),
      },
      hospitalShare: m("hospitalShare"),
      countyDomesticRate: m("countyDomesticRate"),
      countyDomesticAdmissionRate: m("countyDomesticAdmissionRate"),
      countyHospitalReferralOutRate: m("countyHospitalReferralOutRate"),
      upwardReferrals: sumRange(C.UPWARD_REFERRALS),
      upwardReferralPatients: sumRange(C.UPWARD_REFERRED_EPISODES),
      downwardReferrals: sumRange(C.DOWNWARD_REFERRALS),
      referralFlows: {
        upward: flows(C.UPWARD_FLOWS),
        downward: flows(C.DOWNWARD_FLOWS),
      },
      admissionsPer100: m("admissionsPer100"),
      meanOutpatientWaitDaysByTier: byTier((t) => ratio(sumRange(C.OUTPATIENT_WAIT_DAYS + t), visitsAt(t))),
      firstContactByKind,
      capableFirstContactByKind: Object.fromEntries(
        kindIds.map((id, k) => {
          let sought = 0;
          for (let t = 0; t < TIER_NAMES.length; t++)
            sought += sumRange(C.FIRST_CONTACT + k * C.FIRST_CONTACT_SLOTS + t);
          return [id, ratio(sumRange(C.FIRST_CONTACT_CAPABLE + k), sought)];
        }),
      ),
      bedOccupancyByTier: {
        township: occupancy(TOWNSHIP),
        county: occupancy(COUNTY),
        tertiary: occupancy(TERTIARY),
      },
      visitsPerDoctorDayByTier: {
        village: perDoctorDay(VILLAGE),
        township: perDoctorDay(TOWNSHIP),
        county: perDoctorDay(COUNTY),
        tertiary: perDoctorDay(TERTIARY),
      },
      referralOnlyVisitShare: ratio(referralOnly, allVisits),
      turnedAwayShareByTier: byTier((t) => ratio(sumRange(C.BALKED + t), visitsAt(t))),
      bedTransfers: TIER_NAMES.reduce((s, _, t) => s + sumRange(C.BED_TRANSFERS + t), 0),
      admissionsRedirected: sumRange(C.ADMISSIONS_REDIRECTED),
      deathsPer1000: ratio(1000 * sumRange(C.DEATHS), population),
      usualSourceReturnRate: ratio(sumRange(C.USUAL_SOURCE_KEPT), sumRange(C.USUAL_SOURCE_ELIGIBLE)),
      outOfPocketPerVisitByTier: byTier((t) => ratio(sumRange(C.OOP_OUTPATIENT + t), visitsAt(t))),
      outOfPocketPerStayByTier: byTier((t) =>
        ratio(sumRange(C.OOP_INPATIENT + t), admissionsByTier[TIER_NAMES[t]]),
      ),
      fundPerCapitaByTier: byTier((t) => ratio(fundAt(t), population)),
      fundShareByTier: byTier((t) => ratio(fundAt(t), fundAll)),
      fundPerCapitaByScheme: Object.fromEntries(
        SCHEME_NAMES.map((s, i) => [s, ratio(sumRange(C.FUND_BY_SCHEME + i), population)]),
      ),
      outOfPocketPerCapitaByScheme: Object.fromEntries(
        SCHEME_NAMES.map((s, i) => [s, ratio(sumRange(C.OOP_BY_SCHEME + i), population)]),
      ),
      outOfPocketShare: ratio(oopAll, oopAll + fundAll),
      fundSpendingRegion: fundAll * supply.region.residentsPerSimulated,
      downwardProposed: sumRange(C.DOWNWARD_PROPOSED),
      downwardAcceptance: ratio(
        sumRange(C.DOWNWARD_PROPOSED) - sumRange(C.DOWNWARD_DECLINED),
        sumRange(C.DOWNWARD_PROPOSED),
      ),
      downwardBlockedByBeds: sumRange(C.DOWNWARD_NO_BED),
      stepDownStays: sumRange(C.STEP_DOWN_STAYS),
      familyBedAdmissions: sumRange(C.FAMILY_BED_ADMISSIONS),
      downwardToRehab: sumRange(C.DOWNWARD_TO_REHAB),
      retainedByTier: byTier((t) => sumRange(C.RETAINED + t)),
      referralsIntoAllianceShare: ratio(
        sumRange(C.REFERRALS_INTO_ALLIANCE),
        sumRange(C.REFERRALS_FROM_MEMBERS),
      ),
      emergenciesWithoutGreenChannel: ratio(
        sumRange(C.EMERGENCIES_NEAREST),
        scenario.episodes.kinds.reduce(
          (s, k, i) => (k.emergency ? s + sumRange(C.EPISODES_STARTED + i) : s),
          0,
        ),
      ),
      downwardReferralGrowth:
        y >= 1 ? ratio(sumRange(C.DOWNWARD_REFERRALS), sumBefore(C.DOWNWARD_REFERRALS)) - 1 : null,
      referralOutRateByTier: byTier((t) =>
        ratio(sumRange(C.REFERRED_OUT_OF_TIER + t), sumRange(C.EPISODES_SEEN_AT_TIER + t)),
      ),
      contractCoverage: ratio(sumRange(C.TALLY_HOLDERS), sumRange(C.TALLY_RESIDENTS)),
      contractCoverageUrban: ratio(sumRange(C.TALLY_URBAN_HOLDERS), sumRange(C.TALLY_URBAN_RESIDENTS)),
      contractCoverageKeyPopulations: ratio(sumRange(C.TALLY_KEY_HOLDERS), sumRange(C.TALLY_KEY_MEMBERS)),
      contractCoverageByGroup: Object.fromEntries(
        CONTRACT_GROUPS.map((g, i) => [
          g,
          ratio(sumRange(C.TALLY_GROUP_HOLDERS + i), sumRange(C.TALLY_GROUP_MEMBERS + i)),
        ]),
      ),
      contractRenewalRate: ratio(sumRange(C.TALLY_RENEWED), sumRange(C.TALLY_RENEWAL_ELIGIBLE)),
      contractFeesPerCapita: ratio(
        sumRange(C.CONTRACT_FEES) + sumRange(C.CONTRACT_FEES + 1) + sumRange(C.CONTRACT_FEES + 2),
        population,
      ),
      grassrootsFirstContactHolders: ratio(holderFirst[VILLAGE] + holderFirst[TOWNSHIP], sum(holderFirst)),
      grassrootsFirstContactNonHolders: ratio(
        allFirst[VILLAGE] + allFirst[TOWNSHIP] - holderFirst[VILLAGE] - holderFirst[TOWNSHIP],
        sum(allFirst) - sum(holderFirst),
      ),
      twoWeekIllnessGrassrootsFirstContact: ratio(
        twoWeekFirst[VILLAGE] + twoWeekFirst[TOWNSHIP],
        sum(twoWeekFirst),
      ),
      htnDmStandardizedManagement: ratio(sumRange(C.TALLY_HTN_DM_MANAGED), sumRange(C.TALLY_HTN_DM_PATIENTS)),
      htnDmStandardizedManagementUrban: ratio(
        sumRange(C.TALLY_URBAN_HTN_DM_MANAGED),
        sumRange(C.TALLY_URBAN_HTN_DM_PATIENTS),
      ),
      episodes: {
        started: kindIds.reduce((s, _, k) => s + sumRange(C.EPISODES_STARTED + k), 0),
        byOutcome: {
          [OUTCOME_NAMES[0]]: sumRange(C.ENDED_OUTPATIENT),
          [OUTCOME_NAMES[1]]: sumRange(C.ENDED_INPATIENT),
          [OUTCOME_NAMES[2]]: sumRange(C.ENDED_OPT_OUT),
        },
        byKind: Object.fromEntries(kindIds.map((id, k) => [id, sumRange(C.EPISODES_STARTED + k)])),
      },
    };
  };
}

export function buildMetrics(
  scenario: Scenario,
  kindIds: string[],
  /** The region's supply in each simulated year (it may change on the timeline). */
  supplyByYear: readonly SupplyTotals[],
  reps: ReplicationCounts[],
  version: string,
  marginals?: PopulationMarginals,
): RunMetrics {
  const { years, population, seed, startYear } = scenario.run;
  const months = years * 12;
  const R = reps.length;
  const mean = (f: (r: ReplicationCounts) => number) => reps.reduce((s, r) => s + f(r), 0) / R;
  const summarize = summarizer(scenario, kindIds, supplyByYear, reps);
  const perReplication = reps.map((r) => summarizer(scenario, kindIds, supplyByYear, [r]));
  const byYear: Record<string, YearSummary> = {};
  let lastLeaves: Record<string, number>[] = [];
  for (let y = 0; y < years; y++) {
    const base = summarize(y);
    const leaves = perReplication.map((f) => numericLeaves(f(y)));
    const keys = Object.keys(base).filter(
      (k) => k !== "year" && typeof base[k as keyof typeof base] === "number",
    );
    byYear[String(startYear + y)] = {
      ...base,
      spread: Object.fromEntries(keys.map((k) => [k, spread(leaves.map((l) => l[k]))])),
    };
    lastLeaves = leaves;
  }
  const summary = byYear[String(startYear + years - 1)];
  const supply = supplyByYear[years - 1];
  const perReplicationValues = Object.fromEntries(
    Object.keys(lastLeaves[0] ?? {}).map((k) => [k, lastLeaves.map((l) => l[k])]),
  );

  const targets: TargetScore[] = scenario.targets.map((id) => {
    const def = TARGET_CATALOGUE.find((t) => t.id === id);
    if (!def) throw new Error(`unknown target ${id}`);
    const value = def.metric.startsWith("region.")
      ? Number((supply.region as unknown as Record<string, unknown>)[def.metric.slice("region.".length)])
      : metricValue(summary, def.metric);
    return { ...def, value, met: scoreTarget(def, value) };
  });

  const checks = scenario.calibrationChecks.map((id) => {
    const def = CALIBRATION_CHECKS.find((c) => c.id === id);
    if (!def) throw new Error(`unknown calibration check ${id}`);
    const value = metricValue(summary, def.metric);
    return { ...def, value, pass: value >= def.low && value <= def.high };
  });

  const monthly: MonthlyPoint[] = [];
  for (let month = 0; month < months; month++) {
    const v = TIER_NAMES.map((_, t) => mean((r) => r.counters[month * C.COUNTER_COUNT + C.OUTPATIENT + t]));
    const all = v.reduce((a, b) => a + b, 0);
    const point: MonthlyPoint = {
      month,
      date: `${startYear + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`,
      visitsByTier: byTier((t) => v[t]),
      grassrootsShare: ratio(v[VILLAGE] + v[TOWNSHIP], all),
    };
    if (R >= 2) {
      const at = (r: ReplicationCounts, t: number) => r.counters[month * C.COUNTER_COUNT + C.OUTPATIENT + t];
      const shares = reps.map((r) => {
        let sum = 0;
        for (let t = 0; t < TIER_NAMES.length; t++) sum += at(r, t);
        return ratio(at(r, VILLAGE) + at(r, TOWNSHIP), sum);
      });
      const band = meanInterval(shares);
      point.grassrootsShareLower = band.lower;
      point.grassrootsShareUpper = band.upper;
    }
    monthly.push(point);
  }

  // Ledger over the whole run and all replications: every episode started has ended in exactly
  // one outcome or is still open; every shared request got its result.
  const whole = (c: number) => reps.reduce((s, r) => s + total(r.counters, c, 0, months + 1), 0);
  const started = kindIds.reduce((s, _, k) => s + whole(C.EPISODES_STARTED + k), 0);
  const ended = kindIds.reduce((s, _, k) => s + whole(C.EPISODES_ENDED + k), 0);
  const open = reps.reduce((s, r) => s + r.openByKind.reduce((a, b) => a + b, 0), 0);
  const ledger = {
    episodesStarted: started,
    episodesEnded: ended,
    episodesEndedOutpatient: whole(C.ENDED_OUTPATIENT),
    episodesEndedInpatient: whole(C.ENDED_INPATIENT),
    episodesOptedOut: whole(C.ENDED_OPT_OUT),
    episodesOpenAtEnd: open,
    outpatientVisits: TIER_NAMES.reduce((s, _, t) => s + whole(C.OUTPATIENT + t), 0),
    admissions: TIER_NAMES.reduce((s, _, t) => s + whole(C.ADMISSIONS + t), 0),
    sharedRequests: reps.reduce((s, r) => s + r.sharedRequests, 0),
    sharedResults: reps.reduce((s, r) => s + r.sharedResults, 0),
  };
  const ledgerByKind = Object.fromEntries(
    kindIds.map((id, k) => [
      id,
      {
        started: whole(C.EPISODES_STARTED + k),
        ended: whole(C.EPISODES_ENDED + k),
        open: reps.reduce((s, r) => s + r.openByKind[k], 0),
      },
    ]),
  );

  return {
    tiersim: version,
    scenario: { name: scenario.name, description: scenario.description },
    seed,
    replications: R,
    population,
    region: supply.region,
    timeline: scenario.timeline
      .map((c) => ({ c, day: dayOfDate(c.date, startYear) as number }))
      .sort((a, b) => a.day - b.day)
      .map(({ c, day }) => ({
        date: c.date,
        month: C.monthIndex(day),
        note: c.note,
        fields: Object.keys(c.set),
      })),
    years,
    startYear,
    summary,
    byYear,
    targets,
    checks,
    populationChecks: marginals ? marginalRows(marginals) : [],
    monthly,
    perReplication: perReplicationValues,
    ledger,
    ledgerByKind,
  };
}
