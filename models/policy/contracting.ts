import { z } from "zod";
import type { RandomStreams } from "../../sim/engine/random/streams.ts";
import { PURPOSE_CONTRACTING } from "../care/random-purposes.ts";
import {
  CONDITIONS,
  DISABLED,
  FLAG_URBAN,
  isElderly,
  isYoungChild,
  POOR,
  PREGNANT,
  type Residents,
  SEVERE_MENTAL_ILLNESS,
  TUBERCULOSIS,
} from "../population/population.ts";

/**
 * Family-doctor contracting (家庭医生签约服务): who holds a contract with a grassroots family-doctor
 * team in each contract year. Coverage is set as shares (of all residents and, optionally, of the
 * key populations the 2016 guideline 国医改办发〔2016〕1号 puts first); within those shares, who signs
 * follows odds ratios reported by Chinese surveys. Contracts run for a year and are renewed or
 * lapse at the start of the next.
 */

/** Key populations (重点人群) that may carry their own coverage target; bit i = 1 << i. */
export const CONTRACT_GROUPS = [
  "elderly",
  "pregnant",
  "youngChildren",
  "hypertension",
  "diabetes",
  "tuberculosis",
  "severeMentalIllness",
  "disabled",
  "poor",
] as const;
export type ContractGroupId = (typeof CONTRACT_GROUPS)[number];

const bit = (g: ContractGroupId) => 1 << CONTRACT_GROUPS.indexOf(g);
const ELDERLY = bit("elderly");
const PREGNANT_GROUP = bit("pregnant");
const YOUNG_CHILDREN = bit("youngChildren");
const HYPERTENSION = bit("hypertension");
const DIABETES = bit("diabetes");
const TUBERCULOSIS_GROUP = bit("tuberculosis");
const SEVERE_MENTAL_ILLNESS_GROUP = bit("severeMentalIllness");
const DISABLED_GROUP = bit("disabled");
const POOR_GROUP = bit("poor");
const CHRONIC = HYPERTENSION | DIABETES;
const OTHER_KEY =
  PREGNANT_GROUP |
  YOUNG_CHILDREN |
  TUBERCULOSIS_GROUP |
  SEVERE_MENTAL_ILLNESS_GROUP |
  DISABLED_GROUP |
  POOR_GROUP;
const HYPERTENSION_CONDITION = 1 << CONDITIONS.indexOf("hypertension");
const DIABETES_CONDITION = 1 << CONDITIONS.indexOf("diabetes");

const share = z.number().min(0).max(1);
const oddsRatio = z.number().positive();

const KEY_GROUP_TARGET_NOTE =
  "Absent (default): no target of its own, the group's share follows from coverage.all and the propensity odds ratios. The 2016 guideline (国医改办发〔2016〕1号) aimed at ≥ 60% of key populations by 2017.";
const groupTarget = (who: string) =>
  share.optional().describe(`Share of ${who} holding a contract (0–1). ${KEY_GROUP_TARGET_NOTE}`);

export const ContractingSchema = z
  .object({
    coverage: z
      .object({
        all: share
          .default(0.222)
          .describe(
            "Share of all residents holding a contract (0–1), met on each partition's residents at every enrolment. Default 0.222: no national figure for 2015 was found, so this is the nearest one, NHFPC's reported coverage at the end of 2016 (22.2% of residents, 38.8% of key populations) after the first year of the national rollout (国医改办发〔2016〕1号), an upper bound for 2015. The figure is as cited in secondary reports (the NHFPC release itself was not consulted). Pilot areas stood higher in 2015: Shanghai 44% of residents at the end of 2015 (Shanghai health commission, NHFPC briefing of 21 Dec 2016).",
          ),
        elderly: groupTarget("the elderly (population.keyGroups.elderlyAge and over)"),
        pregnant: groupTarget("pregnant and postpartum women (the PREGNANT key-group bit)"),
        youngChildren: groupTarget("children aged 0–6"),
        hypertension: groupTarget("hypertension patients"),
        diabetes: groupTarget("diabetes patients"),
        tuberculosis: groupTarget("tuberculosis patients under treatment"),
        severeMentalIllness: groupTarget("registered severe mental illness patients"),
        disabled: groupTarget("disabled residents"),
        poor: groupTarget("poor residents"),
      })
      .strict()
      .prefault({})
      .describe(
        "Contract coverage targets. Group targets are met before coverage.all: when they cannot all hold on a partition's residents (a group target that forces more holders than coverage.all allows), every group target is met and the all-resident share comes as near coverage.all as it can.",
      ),
    renewal: share
      .default(0.85)
      .describe(
        "Probability that a holder renews at the start of the next contract year (0–1); less when coverage falls, as only as many renew as the new target keeps. Default 0.85: Jiujiang's 2016 plan target (≥ 85%); no observed renewal rate was found. Surveys report intentions only: 71.3% of contracted residents willing to renew across 31 provinces (Wang C, Yan S, Jiang H, et al., J Gen Intern Med 2021;36(3)), 95.5% of rural Shandong households (BMC Public Health 2021, doi:10.1186/s12889-021-11048-5).",
      ),
    propensity: z
      .object({
        elderly: oddsRatio
          .default(1.66)
          .describe(
            "Odds ratio of holding a contract for the elderly (population.keyGroups.elderlyAge and over) against other residents alike. Default 1.66 (95% CI 1.51–1.82): the age odds ratio among 120,106 migrants of the 2018 China Migrants Dynamic Survey (Gao T, Yan G, Zhang M, Leng B, Jiang F, Mi W, Family Practice 2023;40(4):538–545); the age contrast behind it is not given in the abstract and is taken as elderly against not.",
          ),
        chronic: oddsRatio
          .default(1.67)
          .describe(
            "Odds ratio for hypertension or diabetes patients against other residents alike. Default 1.67 (95% CI 1.21–2.32): cardiovascular-metabolic multimorbidity among 1,395 rural residents aged 60+ in Shandong (Yang S, Li J, Fu P, et al., BMC Geriatrics 2021, doi:10.1186/s12877-021-02543-w), applied to any hypertension or diabetes.",
          ),
        otherKeyGroups: oddsRatio
          .default(1.5)
          .describe(
            "Odds ratio for residents in any other key group (pregnant, children 0–6, tuberculosis, severe mental illness, disabled, poor). Default 1.5: assumed, no survey estimate found; between no effect and the sourced elderly and chronic ratios, as these groups are already registered by public-health programmes.",
          ),
        rural: oddsRatio
          .default(0.645)
          .describe(
            "Odds ratio for rural residents (township not urban: FLAG_URBAN clear) against urban residents alike. Default 0.645 = 1/1.55: in Beijing in 2020, residents of an urban district against a suburban one, OR 1.55 (95% CI 1.18–2.05; Lv B, Cui C, Feng X, Meng K, Frontiers in Public Health 2023;11:1159592), the suburb standing in for rural. The direction is uncertain: rural pilots reported high contracting (Dazhou, Sichuan: 68.5% of households by June 2015).",
          ),
      })
      .strict()
      .prefault({})
      .describe(
        "Who signs within the coverage targets: odds ratios that multiply together on the odds of holding a contract. With the defaults and no group targets, ≈ 29% of key populations hold a contract on the default population at coverage.all 0.222, below the 38.8% reported for the end of 2016: set group targets to match it.",
      ),
    effects: z
      .object({
        firstContactBonus: z
          .number()
          .min(0)
          .max(10)
          .default(0.6)
          .describe(
            "Utility added, in a contract holder's choices, to the contracted team's facilities: the home village clinic or community station and the home township or community centre. Default 0.6, a calibration parameter set so that holders make about 1.6 times the odds of a grassroots first contact that non-holders make (measured, test/contracting-effects.test.ts), near the reported effects: a usual primary-care provider cut self-referral to the county hospital, OR 0.58 (Feng D et al., BMC Health Serv Res 2017;17:778); signing lowered the level of the first facility visited by 0.54 levels in rural Shandong (difference in differences, BMC Geriatrics 2024, doi:10.1186/s12877-024-05336-z).",
          ),
        reservedSlotShare: share
          .default(0)
          .describe(
            "Share of each county and tertiary hospital's daily outpatient slots (号源) reserved for referrals of contract holders (priority referral, 国医改办发〔2016〕1号): a referred holder books them first, then the open slots; unused reserved slots are lost. Default 0, the 2015 status quo.",
          ),
        longPrescriptionFactor: z
          .number()
          .min(1)
          .max(6)
          .default(1)
          .describe(
            "Long or continuous prescriptions (长处方) for holders' chronic follow-ups: each visit covers this many times the usual days, so holders come for chronic follow-up this many times less often (the follow-up kinds' onset rates are divided by it; 2: an 8-week supply instead of 4). Default 1, the 2015 status quo (none); no study found gives the visit reduction, so set it from the prescription length.",
          ),
        familyBedShare: share
          .default(0)
          .describe(
            "Share of a holder's admissions at the home township or community centre, for chronic and respiratory disease (exacerbations) or rehabilitation, cared for in a family bed (家庭病床) by the team at home: an admission that takes no ward bed. Default 0 (assumed: no figure found for 2015).",
          ),
      })
      .strict()
      .prefault({})
      .describe("What holding a contract changes in behaviour."),
    fee: z
      .object({
        yuanPerYear: z
          .number()
          .min(0)
          .max(10_000)
          .default(120)
          .describe(
            "Contract fee per holder per year (签约服务费). Default 120: Shanghai's insurance paid community centres 10 yuan a month per contracted resident from 2012 (Wu & Shi, 中国全科医学 2013).",
          ),
        fundShare: share
          .default(0.7)
          .describe(
            "Share paid by the insurance fund (assumed split; the guideline names fund, public-health money and the resident).",
          ),
        publicHealthShare: share
          .default(0.3)
          .describe("Share paid from basic public-health money (assumed)."),
      })
      .strict()
      .prefault({})
      .refine((f) => f.fundShare + f.publicHealthShare <= 1 + 1e-9, {
        message: "fundShare + publicHealthShare must be at most 1 (the resident pays the rest)",
      })
      .describe(
        "The contract fee and who pays it (the resident pays what the fund and public-health money do not).",
      ),
    model: z
      .enum(["standard", "1+1+1"])
      .default("standard")
      .describe(
        "standard: a contract with the home grassroots team; 1+1+1 (Shanghai): the holder also names a district (county-tier) hospital and a city (tertiary) hospital, the nearest of each, and care at these three is reimbursed as referred (insurance steering).",
      ),
  })
  .strict();
export type ContractingParams = z.infer<typeof ContractingSchema>;

/** Bitmask over CONTRACT_GROUPS of the key populations a resident belongs to. */
export function contractGroups(
  age: number,
  conditions: number,
  keyGroups: number,
  elderlyAge: number,
): number {
  let g = 0;
  if (isElderly(age, elderlyAge)) g |= ELDERLY;
  if ((keyGroups & PREGNANT) !== 0) g |= PREGNANT_GROUP;
  if (isYoungChild(age)) g |= YOUNG_CHILDREN;
  if ((conditions & HYPERTENSION_CONDITION) !== 0) g |= HYPERTENSION;
  if ((conditions & DIABETES_CONDITION) !== 0) g |= DIABETES;
  if ((keyGroups & TUBERCULOSIS) !== 0) g |= TUBERCULOSIS_GROUP;
  if ((keyGroups & SEVERE_MENTAL_ILLNESS) !== 0) g |= SEVERE_MENTAL_ILLNESS_GROUP;
  if ((keyGroups & DISABLED) !== 0) g |= DISABLED_GROUP;
  if ((keyGroups & POOR) !== 0) g |= POOR_GROUP;
  return g;
}

// A resident's target probability depends only on its groups and on rural residence, so the
// solve runs on at most 2^10 cells of counts instead of on every resident.
const RURAL_CELL = 1 << CONTRACT_GROUPS.length;
const CELL_COUNT = RURAL_CELL << 1;

/**
 * Each resident's cell, and the residents per cell in `counts`. Kept for the draws (2 bytes a
 * resident while the enrolment runs) rather than worked out again from four columns.
 */
function cellsOf(residents: Residents, elderlyAge: number, counts: Float64Array): Uint16Array {
  const { age, conditions, keyGroups, flags } = residents;
  const cells = new Uint16Array(residents.count);
  counts.fill(0);
  for (let r = 0; r < residents.count; r++) {
    const g = contractGroups(age[r], conditions[r], keyGroups[r], elderlyAge);
    const cell = (flags[r] & FLAG_URBAN) !== 0 ? g : g | RURAL_CELL;
    cells[r] = cell;
    counts[cell]++;
  }
  return cells;
}

/** Result of fitting the target probabilities to the coverage targets on one partition. */
export interface EnrolmentSolution {
  /** Intercept α of the logit of the target probability. */
  alpha: number;
  /** Logit shift δ_g of each CONTRACT_GROUPS target (0 for groups without one). */
  delta: Float64Array;
  /** Mean target probability over all residents. */
  meanAll: number;
  /** Mean target probability over each group's members (NaN for a group with none). */
  meanGroup: Float64Array;
  /** Every target met within 1e-9; false when they contradict each other on these residents. */
  converged: boolean;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
// Bounds on the logit terms: σ(−50) ≈ 2e-22 is a share of 0 for any population. Group shifts get
// more room, as they must offset an intercept driven to its bound.
const ALPHA_LIMIT = 50;
const DELTA_LIMIT = 150;
const TOLERANCE = 1e-10;
const MAX_SWEEPS = 2000;

/**
 * The shift s, within [lo, hi], that brings the weighted mean of σ(z + s) over the cells in `bit`
 * (all cells when 0) to `target`: Newton steps kept inside a shrinking bracket.
 */
function shiftToTarget(
  z: Float64Array,
  weight: Float64Array,
  mask: Int32Array,
  bit: number,
  target: number,
  lo: number,
  hi: number,
): number {
  let s = Math.min(hi, Math.max(lo, 0));
  for (let it = 0; it < 300; it++) {
    let f = 0;
    let d = 0;
    let total = 0;
    for (let i = 0; i < z.length; i++) {
      if (bit !== 0 && (mask[i] & bit) === 0) continue;
      const p = logistic(z[i] + s);
      f += weight[i] * p;
      d += weight[i] * p * (1 - p);
      total += weight[i];
    }
    f = f / total - target;
    if (Math.abs(f) <= 1e-15) return s;
    if (f < 0) lo = s;
    else hi = s;
    if (hi - lo <= 1e-14 * Math.max(1, Math.abs(s))) return s;
    let next = s - f / (d / total);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    s = next;
  }
  return s;
}

/**
 * Fits α and the δ_g (coordinate-wise, as in raking) so that the mean target probability equals
 * coverage.all over all residents and each group target over the group. Groups are solved after
 * α in every sweep, so when the targets conflict the group targets hold and the all-resident mean
 * is left off its target. `counts` holds the residents per cell; `logit` receives each cell's
 * final logit.
 */
function solveEnrolment(
  counts: Float64Array,
  params: ContractingParams,
  logit: Float64Array,
): EnrolmentSolution {
  const cells: number[] = [];
  for (let c = 0; c < CELL_COUNT; c++) if (counts[c] > 0) cells.push(c);
  const n = cells.length;
  const weight = new Float64Array(n);
  const mask = new Int32Array(n);
  const z = new Float64Array(n);
  const pr = params.propensity;
  const logOr = {
    elderly: Math.log(pr.elderly),
    chronic: Math.log(pr.chronic),
    other: Math.log(pr.otherKeyGroups),
    rural: Math.log(pr.rural),
  };
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    weight[i] = counts[c];
    mask[i] = c & (RURAL_CELL - 1);
    z[i] =
      ((mask[i] & ELDERLY) !== 0 ? logOr.elderly : 0) +
      ((mask[i] & CHRONIC) !== 0 ? logOr.chronic : 0) +
      ((mask[i] & OTHER_KEY) !== 0 ? logOr.other : 0) +
      ((c & RURAL_CELL) !== 0 ? logOr.rural : 0);
  }
  const delta = new Float64Array(CONTRACT_GROUPS.length);
  const targeted: number[] = [];
  const targets: number[] = [];
  CONTRACT_GROUPS.forEach((g, k) => {
    const t = params.coverage[g];
    if (t !== undefined && mask.some((m) => (m & (1 << k)) !== 0)) {
      targeted.push(k);
      targets.push(t);
    }
  });
  const meanGroup = new Float64Array(CONTRACT_GROUPS.length);
  let alpha = 0;
  let meanAll = Number.NaN;
  let converged = false;
  const measure = (): number => {
    const sum = new Float64Array(CONTRACT_GROUPS.length);
    const members = new Float64Array(CONTRACT_GROUPS.length);
    let all = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weight[i];
      const p = logistic(z[i]);
      all += w * p;
      total += w;
      for (let k = 0; k < CONTRACT_GROUPS.length; k++) {
        if ((mask[i] & (1 << k)) === 0) continue;
        sum[k] += w * p;
        members[k] += w;
      }
    }
    meanAll = all / total;
    for (let k = 0; k < CONTRACT_GROUPS.length; k++)
      meanGroup[k] = members[k] > 0 ? sum[k] / members[k] : Number.NaN;
    let worst = Math.abs(meanAll - params.coverage.all);
    targeted.forEach((k, j) => {
      worst = Math.max(worst, Math.abs(meanGroup[k] - targets[j]));
    });
    return worst;
  };
  if (n > 0) {
    let best = Number.POSITIVE_INFINITY;
    let stale = 0;
    for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      const s = shiftToTarget(
        z,
        weight,
        mask,
        0,
        params.coverage.all,
        -ALPHA_LIMIT - alpha,
        ALPHA_LIMIT - alpha,
      );
      alpha += s;
      for (let i = 0; i < n; i++) z[i] += s;
      targeted.forEach((k, j) => {
        const b = 1 << k;
        const t = shiftToTarget(
          z,
          weight,
          mask,
          b,
          targets[j],
          -DELTA_LIMIT - delta[k],
          DELTA_LIMIT - delta[k],
        );
        delta[k] += t;
        for (let i = 0; i < n; i++) if ((mask[i] & b) !== 0) z[i] += t;
      });
      const worst = measure();
      if (worst <= TOLERANCE) break;
      // Conflicting targets drive α towards its bound a little more each sweep: stop once that
      // no longer brings the means nearer.
      if (worst < best - 1e-13) {
        best = worst;
        stale = 0;
      } else if (++stale >= 20) break;
    }
    converged = measure() <= 1e-9;
  }
  logit.fill(0);
  for (let i = 0; i < n; i++) logit[cells[i]] = z[i];
  return { alpha, delta, meanAll, meanGroup, converged };
}

/** Counts over one partition's residents for the metrics. */
export interface ContractTally {
  residents: number;
  holders: number;
  urbanResidents: number;
  /** Holders living in urban townships (FLAG_URBAN). */
  urbanHolders: number;
  /** Residents and holders in each of CONTRACT_GROUPS (a resident counts in every group it is in). */
  groupMembers: Int32Array;
  groupHolders: Int32Array;
  /** Holders at the start of the last contract year, and those of them who renewed. */
  eligibleForRenewal: number;
  renewed: number;
}

/** What one enrolment did. */
export interface EnrolmentCounts {
  holdersBefore: number;
  renewed: number;
  lapsed: number;
  signed: number;
  holders: number;
}

/**
 * Contracts of one partition's residents, one slot per resident slot.
 *
 * Each resident r has a target probability p_r = σ(α + Σ log OR over its propensity groups + Σ δ_g
 * over its targeted groups), with α and δ_g fitted on the partition's residents at every
 * enrolment. At the start of a contract year (step 0) a holder renews with probability
 * min(renewal, p_r / q_r) and a non-holder signs with probability
 * clamp((p_r − renew·q_r) / (1 − q_r)), where q_r is the probability that r held a contract after
 * the previous enrolment (0 at the first): the probability of holding becomes p_r, and each year
 * renewal is honoured unless coverage falls. A later enrolment in the same year (step > 0, a dated
 * policy change) renews nobody and ends no contract, as contracts run the year out; non-holders
 * sign as far as the new target asks. Where a target cannot be reached that way (renewal too low
 * to keep a high p_r), q_r records how near it came, so the next year starts from the truth.
 */
export class ContractBook {
  /** 1 when the resident holds a contract this contract year. */
  readonly holds: Uint8Array;
  /** q_r: probability that the resident holds a contract after the last enrolment. */
  readonly probability: Float32Array;
  /** The fit of the last enrolment. */
  lastSolution: EnrolmentSolution | undefined;
  private eligibleForRenewal = 0;
  private renewed = 0;
  private readonly counts = new Float64Array(CELL_COUNT);
  private readonly logit = new Float64Array(CELL_COUNT);
  private readonly target = new Float64Array(CELL_COUNT);

  constructor(readonly count: number) {
    this.holds = new Uint8Array(count);
    this.probability = new Float32Array(count);
  }

  get byteLength(): number {
    return this.holds.byteLength + this.probability.byteLength;
  }

  /**
   * The enrolment at the start of contract year `year` (step 0), or a later one within it when a
   * dated policy change raises coverage (step 1, 2, …). One uniform per resident, addressed by
   * (resident id, PURPOSE_CONTRACTING, year, step), so contracts do not depend on other draws.
   */
  update(
    residents: Residents,
    params: ContractingParams,
    elderlyAge: number,
    streams: RandomStreams,
    year: number,
    step: number,
  ): EnrolmentCounts {
    if (residents.count !== this.count)
      throw new Error(`contract book holds ${this.count} residents, got ${residents.count}`);
    if (!Number.isInteger(year) || year < 0 || !Number.isInteger(step) || step < 0)
      throw new Error(`contract year and step must be whole numbers ≥ 0, got ${year} and ${step}`);
    const counts = this.counts;
    const cells = cellsOf(residents, elderlyAge, counts);
    this.lastSolution = solveEnrolment(counts, params, this.logit);
    for (let c = 0; c < CELL_COUNT; c++) this.target[c] = counts[c] > 0 ? logistic(this.logit[c]) : 0;
    const result = this.draw(residents.firstId, cells, params.renewal, streams, year, step);
    if (step === 0) {
      this.eligibleForRenewal = result.holdersBefore;
      this.renewed = result.renewed;
    }
    return result;
  }

  /** Renewals, lapses and new contracts of one enrolment, given each resident's cell. */
  private draw(
    firstId: number,
    cells: Uint16Array,
    renewal: number,
    streams: RandomStreams,
    year: number,
    step: number,
  ): EnrolmentCounts {
    // Arrays in locals: the draw's call into WebAssembly would make the loop reload every field.
    const { target, holds, probability } = this;
    const startOfYear = step === 0;
    let holdersBefore = 0;
    let renewed = 0;
    let lapsed = 0;
    let signed = 0;
    for (let r = 0; r < cells.length; r++) {
      const p = target[cells[r]];
      const q = probability[r];
      const renew = !startOfYear ? 1 : q > 0 ? Math.min(renewal, p / q) : renewal;
      const deficit = p - renew * q;
      const room = 1 - q;
      const sign = deficit <= 0 ? 0 : deficit >= room ? 1 : deficit / room;
      const u = streams.block(firstId + r, PURPOSE_CONTRACTING, year, step)[0];
      if (holds[r] === 1) {
        holdersBefore++;
        if (u < renew) {
          if (startOfYear) renewed++;
        } else {
          holds[r] = 0;
          lapsed++;
        }
      } else if (u < sign) {
        holds[r] = 1;
        signed++;
      }
      probability[r] = renew * q + room * sign;
    }
    return { holdersBefore, renewed, lapsed, signed, holders: holdersBefore - lapsed + signed };
  }

  /** A newborn takes the slot of a deceased resident: no contract, and none held before. */
  clear(r: number): void {
    this.holds[r] = 0;
    this.probability[r] = 0;
  }

  /** Holders at the start of the current contract year, and those of them who renewed. */
  get renewal(): { eligible: number; renewed: number } {
    return { eligible: this.eligibleForRenewal, renewed: this.renewed };
  }

  countHolders(): number {
    let n = 0;
    for (let r = 0; r < this.count; r++) n += this.holds[r];
    return n;
  }

  tally(residents: Residents, elderlyAge: number): ContractTally {
    const t: ContractTally = {
      residents: residents.count,
      holders: 0,
      urbanResidents: 0,
      urbanHolders: 0,
      groupMembers: new Int32Array(CONTRACT_GROUPS.length),
      groupHolders: new Int32Array(CONTRACT_GROUPS.length),
      eligibleForRenewal: this.eligibleForRenewal,
      renewed: this.renewed,
    };
    for (let r = 0; r < residents.count; r++) {
      const h = this.holds[r];
      t.holders += h;
      if ((residents.flags[r] & FLAG_URBAN) !== 0) {
        t.urbanResidents++;
        t.urbanHolders += h;
      }
      const g = contractGroups(residents.age[r], residents.conditions[r], residents.keyGroups[r], elderlyAge);
      for (let k = 0; k < CONTRACT_GROUPS.length; k++) {
        if ((g & (1 << k)) === 0) continue;
        t.groupMembers[k]++;
        t.groupHolders[k] += h;
      }
    }
    return t;
  }
}
