/**
 * The main policy levers and the range over which `tiersim sweep --screen` (with no --vary)
 * screens them. Each range says where its ends come from: the policy documents' values (README,
 * "Policy levers"), the baseline's value (scenarios/baseline.yaml, the 2015 status quo), or an
 * assumption, marked as such. Ranges are chosen so that every combination is a valid scenario
 * and reimbursement rates stay at or above zero (the ladder's lowest rung at the widest gaps and
 * penalty: 0.4 − 0.15 − 0.05 − 0.20 = 0).
 */
export interface LeverRange {
  /** Scenario field (a --set path). */
  path: string;
  lo: number;
  hi: number;
  /** What the lever is, in a few words. */
  label: string;
  /** Where the ends of the range come from. */
  source: string;
}

export const LEVER_RANGES: readonly LeverRange[] = [
  {
    // Baseline 5 points: Wenzhou 温政办〔2014〕135号 sets ≥ 5 for residents; 15 is README's
    // what-if; 0 is no ladder at all.
    path: "insurance.schemes.ncms.outpatient.gaps.county",
    lo: 0,
    hi: 15,
    label: "NCMS outpatient gap, grassroots → county (points)",
    source: "0 = no ladder; baseline 5 (Wenzhou ≥ 5 for residents); 15 = README what-if",
  },
  {
    // The same gap for urban residents.
    path: "insurance.schemes.resident.outpatient.gaps.county",
    lo: 0,
    hi: 15,
    label: "Urban-resident outpatient gap, grassroots → county (points)",
    source: "0 = no ladder; baseline 5 (Wenzhou ≥ 5 for residents); 15 = README what-if",
  },
  {
    // Baseline 0.5 is a typical 2015 rate (external); ±0.1–0.2 around it is an assumption.
    path: "insurance.schemes.ncms.outpatient.grassrootsRate",
    lo: 0.4,
    hi: 0.7,
    label: "NCMS outpatient reimbursement at the grassroots",
    source: "assumption around the baseline 0.5 (typical 2015 rate)",
  },
  {
    // Baseline 0 (no penalty); Wenzhou's urban districts take 25 points off care out of region
    // without a referral. 20 at tertiary hospitals is an assumption below that.
    path: "insurance.schemes.ncms.unreferredPenalty.tertiary",
    lo: 0,
    hi: 20,
    label: "NCMS penalty for unreferred tertiary care (points)",
    source: "baseline 0; Wenzhou 25 out of region; 20 assumed for tertiary",
  },
  {
    // Baseline 700 yuan (Wenzhou residents' tertiary deductible); doubling it is an assumption.
    path: "insurance.schemes.ncms.inpatient.deductible.tertiary",
    lo: 700,
    hi: 1500,
    label: "NCMS inpatient deductible at tertiary hospitals (yuan)",
    source: "baseline 700 (Wenzhou residents); 1500 assumed",
  },
  {
    // Baseline 0.8, a calibration value; the range is an assumption.
    path: "referral.compliance",
    lo: 0.6,
    hi: 0.95,
    label: "Referred patients who go where referred",
    source: "assumption around the baseline 0.8 (calibration)",
  },
  {
    // Baseline 0.35, a calibration value; the range is an assumption.
    path: "referral.downward",
    lo: 0.2,
    hi: 0.5,
    label: "Downward referrals proposed at discharge",
    source: "assumption around the baseline 0.35 (calibration)",
  },
  {
    // Baseline 0.222 (NHFPC end-2016); 国医改办发〔2016〕1号 asks ≥ 30% of residents and ≥ 60%
    // of key populations by 2017: 60% of all residents is taken as the upper end (assumption).
    path: "contracting.coverage.all",
    lo: 0.222,
    hi: 0.6,
    label: "Family-doctor contract coverage",
    source:
      "baseline 0.222 (NHFPC end-2016); 0.6 = the 2017 key-population target (国医改办发〔2016〕1号) applied to all",
  },
  {
    // Baseline 0.6, calibrated to Feng et al. 2017's odds ratio; ±0.3 is an assumption.
    path: "contracting.effects.firstContactBonus",
    lo: 0.3,
    hi: 0.9,
    label: "Holders' utility for their team's facilities",
    source: "assumption around the baseline 0.6 (calibrated, Feng et al. 2017)",
  },
  {
    // Baseline 0; 国医改办发〔2016〕1号 gives holders priority referral without a size: 20% of
    // hospital slots is an assumption.
    path: "contracting.effects.reservedSlotShare",
    lo: 0,
    hi: 0.2,
    label: "Hospital slots reserved for holders' referrals",
    source: "baseline 0; priority referral (国医改办发〔2016〕1号), size assumed",
  },
  {
    // Baseline 0 (none in 2015); Chuxiong 楚卫通〔2018〕66号 covers every township by 2020.
    path: "alliances.countyCommunities.coverage",
    lo: 0,
    hi: 1,
    label: "Counties with a county medical community",
    source: "baseline 0; Chuxiong all townships by 2020 (楚卫通〔2018〕66号)",
  },
  {
    // Baseline 0.35 (calibration); building township capacity up to the county TCM hospitals'
    // 0.5 is an assumption.
    path: "facilities.townshipCentre.quality",
    lo: 0.35,
    hi: 0.5,
    label: "Perceived quality of township health centres",
    source: "baseline 0.35 (calibration); 0.5 assumed (the county TCM hospitals')",
  },
  {
    // Baseline 1.35 tertiary beds per 1,000 (NHFPC 2015-derived); tertiary scale control cutting
    // it to 1.0 is an assumption.
    path: "facilities.tertiary.bedsPer1000",
    lo: 1,
    hi: 1.35,
    label: "Tertiary beds per 1,000 residents",
    source: "baseline 1.35 (NHFPC 2015); 1.0 assumed (tertiary scale control)",
  },
];
