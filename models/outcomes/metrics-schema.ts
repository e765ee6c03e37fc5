/**
 * The shape of `metrics.json`: what a run hands to reports, tests and (later) comparisons,
 * sweeps and calibration. Everything here is deterministic for a given scenario and seed:
 * no wall-clock times, thread counts or paths that vary between machines.
 */

export const TIERS = ["village", "township", "county", "tertiary", "outOfRegion"] as const;
export type Tier = (typeof TIERS)[number];
export type ByTier = Record<Tier, number>;

/**
 * A metric over replications: mean, sample sd, range, and the 95% interval of the mean by
 * Student's t (`lower` = `upper` = `mean` when there is one replication).
 */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  lower: number;
  upper: number;
  /** Replications. */
  n: number;
}

export interface TargetScore {
  /** Stable identifier, e.g. "grassroots-share-2017-national". */
  id: string;
  description: string;
  /** Where the target comes from, e.g. "National pilot assessment standard 2015 (NHFPC tiered-care briefing 2015)". */
  source: string;
  /** Key of `summary` the target is scored on, e.g. "grassrootsShare". */
  metric: string;
  comparator: ">=" | "<=";
  /** Simulated value (mean over replications), as a fraction for rates and shares. */
  value: number;
  target: number;
  met: boolean;
}

/** A reported outcome the run should reproduce, with its tolerance band. */
export interface CalibrationCheckResult {
  id: string;
  description: string;
  source: string;
  metric: string;
  reported: number;
  low: number;
  high: number;
  value: number;
  pass: boolean;
}

/** One check of the synthesised population against its inputs (counts, z-score). */
export interface PopulationCheck {
  check: string;
  observed: number;
  expected: number;
  z: number;
}

export interface YearSummary {
  /** 1-based index of the simulated year this summary covers. */
  year: number;
  /** Calendar label of that year, e.g. "2016". */
  label: string;
  /**
   * Outpatient and emergency visits (诊疗人次) per tier, means over replications. Admissions are
   * counted apart (出院人数), as in the national statistics whose shares these are compared with.
   */
  visitsByTier: ByTier;
  /** Share of all visits at each tier. */
  visitsShareByTier: ByTier;
  /** Inpatient admissions per tier. */
  admissionsByTier: ByTier;
  totalVisits: number;
  visitsPerPersonYear: number;
  /** Grassroots (village + township) visits ÷ all visits. 基层诊疗量占比 */
  grassrootsShare: number;
  /** Grassroots share of the visits of residents of urban districts and of counties. */
  grassrootsShareByPlace: { districts: number; counties: number };
  /** Share of hospital (county + tertiary + out-of-region) visits. */
  hospitalShare: number;
  /** Visits of rural-county residents inside their own county ÷ all their visits. 县域内就诊率 */
  countyDomesticRate: number;
  /** The same for admissions (the inpatient 县域内住院率). */
  countyDomesticAdmissionRate: number;
  /**
   * Episodes that rural-county hospitals referred out of the county (to the city or beyond) ÷
   * episodes those hospitals saw (县级医院转诊率; Wenzhou 温政办〔2014〕135号 §二 sets its target with no denominator, this is ours).
   */
  countyHospitalReferralOutRate: number;
  /** Upward referrals counted as hops (a patient referred twice counts twice). */
  upwardReferrals: number;
  /** Episodes referred up at least once (patients). */
  upwardReferralPatients: number;
  /** Downward referrals that happened (patient moved to the grassroots after a stay). */
  downwardReferrals: number;
  /**
   * Referrals between tiers in the year, `upward[from][to]` (hops, summing to upwardReferrals)
   * and `downward[from][to]` (patients moved down, summing to downwardReferrals).
   */
  referralFlows: { upward: Record<Tier, ByTier>; downward: Record<Tier, ByTier> };
  admissionsPer100: number;
  meanOutpatientWaitDaysByTier: ByTier;
  /** Share of the summary year's first contacts at each tier, or not seeking care, per episode kind. */
  firstContactByKind: Record<string, ByTier & { optOut: number }>;
  /** Share of the summary year's first contacts (opt-outs aside) at a facility able to treat the episode, per kind. */
  capableFirstContactByKind: Record<string, number>;
  /** Occupied bed-days ÷ bed-days available, per tier with beds. 病床使用率 */
  bedOccupancyByTier: { township: number; county: number; tertiary: number };
  /** Visits per doctor per working day, per tier (the real region's doctors). 医师日均担负诊疗人次 */
  visitsPerDoctorDayByTier: { village: number; township: number; county: number; tertiary: number };
  /** Share of all visits that only ended in a referral (the facility could not treat). */
  referralOnlyVisitShare: number;
  /** Share of visits at each tier's facilities that found no slot within the patient's patience. */
  turnedAwayShareByTier: ByTier;
  /** Admissions moved to another hospital for want of a bed. */
  bedTransfers: number;
  /** Planned admissions sent to the first-contact tier for want of a referral (mandatory inpatient sequence). */
  admissionsRedirected: number;
  /** Deaths per 1,000 residents in the summary year (each replaced by a birth). */
  deathsPer1000: number;
  /** Chronic follow-ups of residents with a usual facility that returned to it. */
  usualSourceReturnRate: number;
  /** Yuan: what patients paid per outpatient visit, per tier. */
  outOfPocketPerVisitByTier: ByTier;
  /** Yuan: what patients paid per stay, per tier (village has no beds: 0). */
  outOfPocketPerStayByTier: ByTier;
  /** Yuan per resident per year the insurance fund paid at each tier, visits and stays. */
  fundPerCapitaByTier: ByTier;
  /** Share of the fund's spending at each tier. */
  fundShareByTier: ByTier;
  /** Yuan per resident per year paid by the fund and out of pocket, by the patient's scheme. */
  fundPerCapitaByScheme: Record<string, number>;
  outOfPocketPerCapitaByScheme: Record<string, number>;
  /** Out of pocket ÷ (out of pocket + fund) over all care. */
  outOfPocketShare: number;
  /** The fund's spending in the real region (yuan a year). */
  fundSpendingRegion: number;
  /** Downward referrals proposed at discharge, and the share patients accepted. */
  downwardProposed: number;
  downwardAcceptance: number;
  /** Downward referrals that failed for want of a step-down bed at the home centre. */
  downwardBlockedByBeds: number;
  /** Downward referrals that went to rehabilitation and nursing facilities (the rest to the grassroots). */
  downwardToRehab: number;
  /** Admissions cared for in family beds (家庭病床). */
  familyBedAdmissions: number;
  /** Step-down stays begun at home centres after a downward referral. */
  stepDownStays: number;
  /** Episodes kept one level beyond a facility's capability instead of referred (payment, caps), per tier. */
  retainedByTier: ByTier;
  /** Referrals from alliance members that went to a facility of the same alliance. */
  referralsIntoAllianceShare: number;
  /** Share of emergencies taken first to the nearest hospital, whatever it could treat (no green channel). */
  emergenciesWithoutGreenChannel: number;
  /** Growth of downward referrals over the year before (null in a one-year run). */
  downwardReferralGrowth: number | null;
  /** Referrals up out of each tier ÷ episodes seen at that tier (once per episode and tier). */
  referralOutRateByTier: ByTier;
  /** Residents holding a family-doctor contract at the year's end: all, urban, key populations, by group. */
  contractCoverage: number;
  contractCoverageUrban: number;
  contractCoverageKeyPopulations: number;
  contractCoverageByGroup: Record<string, number>;
  /** Holders at the year's enrolment who renewed. */
  contractRenewalRate: number;
  /** Contract fees per resident per year (yuan), all payers. */
  contractFeesPerCapita: number;
  /** Share of first contacts (care sought) at the grassroots, of contract holders and of the others. */
  grassrootsFirstContactHolders: number;
  grassrootsFirstContactNonHolders: number;
  /** Share of two-week-illness first contacts (care sought) at the grassroots (两周患病基层首诊). */
  twoWeekIllnessGrassrootsFirstContact: number;
  /** Hypertension and diabetes patients with ≥ 4 grassroots follow-ups in the year: all, urban. */
  htnDmStandardizedManagement: number;
  htnDmStandardizedManagementUrban: number;
  episodes: {
    started: number;
    /** Terminal outcomes; sum equals started + carried in − still open at the end. */
    byOutcome: Record<string, number>;
    byKind: Record<string, number>;
  };
  /**
   * Every top-level numeric metric of this summary over replications, each replication's value
   * computed from its own counts (so `spread[k].mean` may differ in the last digits from a ratio
   * metric's value, which is the ratio of the replications' mean counts).
   */
  spread: Record<string, Spread>;
}

export interface TimelineEntry {
  /** "YYYY-MM-DD", the day the change takes effect. */
  date: string;
  /** 0-based month of the run in which it takes effect. */
  month: number;
  note: string;
  /** The field paths it sets. */
  fields: string[];
}

export interface RegionSupply {
  population: number;
  residentsPerSimulated: number;
  doctorsPer1000ByTier: { village: number; township: number; county: number; tertiary: number };
  bedsPer1000ByTier: { township: number; county: number; tertiary: number };
  gpsPer10k: number;
  /** Township centres with no general practitioner. */
  townshipCentresWithoutGp: number;
}

export interface MonthlyPoint {
  /** 0-based month index from the run's start. */
  month: number;
  /** "YYYY-MM". */
  date: string;
  visitsByTier: ByTier;
  grassrootsShare: number;
  /** The 95% interval of the monthly grassroots share over replications (2 or more). */
  grassrootsShareLower?: number;
  grassrootsShareUpper?: number;
}

export interface RunMetrics {
  tiersim: string;
  scenario: { name: string; description: string };
  seed: number;
  replications: number;
  population: number;
  /** The real region: its residents, what each simulated resident stands for, its supply. */
  region: RegionSupply;
  years: number;
  startYear: number;
  summary: YearSummary;
  /** The full summary of every simulated year, keyed by calendar year ("2015"); `summary` is the last. */
  byYear: Record<string, YearSummary>;
  /** The dated policy changes of the scenario's timeline, in date order. */
  timeline: TimelineEntry[];
  targets: TargetScore[];
  /** Calibration checks against reported outcomes (see models/outcomes/calibration-checks.ts). */
  checks: CalibrationCheckResult[];
  /** The synthetic population (replication 0) against its input marginals. */
  populationChecks: PopulationCheck[];
  monthly: MonthlyPoint[];
  /**
   * Each replication's value of every numeric metric of the last year's summary, keyed by its
   * dotted path ("bedOccupancyByTier.county"), in replication order. Replication r of two runs
   * shares its random numbers, so comparisons pair them.
   */
  perReplication: Record<string, number[]>;
  /** Conservation ledger over the whole run and all replications: counts reconcile. */
  ledger: Record<string, number>;
  /** The same per episode kind: started = ended + open. */
  ledgerByKind: Record<string, { started: number; ended: number; open: number }>;
}
