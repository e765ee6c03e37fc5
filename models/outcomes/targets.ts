import { z } from "zod";

/**
 * Policy targets that runs are scored against (the targets of the policy documents). Each scenario lists the
 * targets of its own source; a target names the summary metric it is scored on. Targets whose
 * wording the model cannot reproduce exactly say how they are read.
 */
export interface TargetDefinition {
  id: string;
  description: string;
  source: string;
  /** Dotted path of the summary metric it is scored on; "region." paths read the region's supply. */
  metric: string;
  comparator: ">=" | "<=";
  target: number;
  /**
   * How far short of the target still counts as met, for targets the source words as "about"
   * (左右): stated here and in the description, never silent.
   */
  tolerance?: number;
}

/**
 * The documents the targets come from, cited by issuer, title and number (the Jiujiang plan's
 * published text carries no number of its own), so that a reader can find them.
 */
const WENZHOU =
  "Wenzhou 温州市人民政府办公室, 温政办〔2014〕135号 《温州市分级诊疗试点工作实施方案》 (2014-11-13)";
const JIUJIANG = "Jiujiang 九江市人民政府办公厅, 《九江市推进分级诊疗制度建设工作方案》 (2016-09-06)";
const NATIONAL_STANDARD =
  "NHFPC 国家卫生计生委, tiered-care briefing 2015, part 三 分级诊疗试点工作考核评价标准 (pilot assessment standard for 2017)";
const XIACHENG =
  "Hangzhou Xiacheng 下城区人民政府办公室, 下政办发〔2018〕56号 《下城区推进分级诊疗制度实施意见》 (2018-12-29)";
const FAMILY_DOCTOR_GUIDELINE =
  "State Council health-reform office 国务院医改办 with NHFPC and others, 国医改办发〔2016〕1号 《关于推进家庭医生签约服务的指导意见》 (2016)";

export const TARGET_CATALOGUE: readonly TargetDefinition[] = [
  {
    id: "grassroots-share-2015-wenzhou",
    description: "Grassroots share of all visits ≥ 60% by end 2015",
    source: `${WENZHOU}, §二 工作目标`,
    metric: "grassrootsShare",
    comparator: ">=",
    target: 0.6,
  },
  {
    id: "grassroots-share-2017-national",
    description: "Grassroots share of all visits ≥ 65% by 2017",
    source: `${NATIONAL_STANDARD}, item 1; ${JIUJIANG}, §二 工作目标 and annex 2 item 一`,
    metric: "grassrootsShare",
    comparator: ">=",
    target: 0.65,
  },
  {
    id: "county-domestic-2015-wenzhou",
    description: "County-domestic visit rate (县域内就诊率) ≥ 90% in 2015",
    source: `${WENZHOU}, §二 工作目标`,
    metric: "countyDomesticRate",
    comparator: ">=",
    target: 0.9,
  },
  {
    id: "county-domestic-2017-national",
    description: 'County-domestic visit rate about 90% by 2017 ("about" scored as within 2 points: ≥ 88%)',
    source: `${NATIONAL_STANDARD}, item 2; ${JIUJIANG}, §二 工作目标 and annex 2 item 二`,
    metric: "countyDomesticRate",
    comparator: ">=",
    target: 0.9,
    tolerance: 0.02,
  },
  {
    id: "county-referral-out-2015-wenzhou",
    description: "County hospital referral-out rate ≤ 10% by end 2015",
    source: `${WENZHOU}, §二 工作目标`,
    metric: "countyHospitalReferralOutRate",
    comparator: "<=",
    target: 0.1,
  },
  {
    id: "township-referral-out-2017-jiujiang",
    description:
      "Central township centres' referral-out rate ≤ 55% by 2017 (read as all township and community centres: referrals up ÷ episodes seen)",
    source: `${JIUJIANG}, annex 2 item 九`,
    metric: "referralOutRateByTier.township",
    comparator: "<=",
    target: 0.55,
  },
  {
    id: "secondary-referral-out-2017-jiujiang",
    description: "Secondary hospitals' referral-out rate ≤ 10% by 2017 (county-tier hospitals)",
    source: `${JIUJIANG}, annex 2 item 九`,
    metric: "referralOutRateByTier.county",
    comparator: "<=",
    target: 0.1,
  },
  {
    id: "tertiary-referral-out-2017-jiujiang",
    description:
      "Tertiary hospitals' out-of-city referral rate ≤ 5% by 2017 (referrals up from tertiary hospitals ÷ episodes they saw)",
    source: `${JIUJIANG}, annex 2 item 九`,
    metric: "referralOutRateByTier.tertiary",
    comparator: "<=",
    target: 0.05,
  },
  {
    id: "urban-contract-coverage-2017-national",
    description: "Family-doctor contract coverage of urban residents ≥ 30% by 2017",
    source: `${NATIONAL_STANDARD}, item 3; ${FAMILY_DOCTOR_GUIDELINE}, its targets for 2017; ${JIUJIANG}, §二 工作目标 and annex 2 item 三`,
    metric: "contractCoverageUrban",
    comparator: ">=",
    target: 0.3,
  },
  {
    id: "key-population-contract-coverage-2017-jiujiang",
    description: "Contract coverage of key populations ≥ 60% by 2017",
    source: `${JIUJIANG}, §二 工作目标; ${FAMILY_DOCTOR_GUIDELINE}, its targets for 2017`,
    metric: "contractCoverageKeyPopulations",
    comparator: ">=",
    target: 0.6,
  },
  {
    id: "key-population-contract-coverage-2020-xiacheng",
    description: "Contract coverage of key populations ≥ 60% by end 2020",
    source: `${XIACHENG}, §三 发展目标`,
    metric: "contractCoverageKeyPopulations",
    comparator: ">=",
    target: 0.6,
  },
  {
    id: "contract-renewal-2017-jiujiang",
    description: "Contract renewal ≥ 85% by 2017",
    source: `${JIUJIANG}, §二 工作目标`,
    metric: "contractRenewalRate",
    comparator: ">=",
    target: 0.85,
  },
  {
    id: "two-week-illness-first-contact-2017-jiujiang",
    description:
      "First contact at the grassroots for two-week illness ≥ 70% by 2017 (episodes that sought care)",
    source: `${JIUJIANG}, annex 2 item 四`,
    metric: "twoWeekIllnessGrassrootsFirstContact",
    comparator: ">=",
    target: 0.7,
  },
  {
    id: "downward-referral-growth-2017-national",
    description: "Downward referrals grow ≥ 10% a year (the summary year over the year before)",
    source: `${NATIONAL_STANDARD}, item 6; ${JIUJIANG}, annex 2 item 七`,
    metric: "downwardReferralGrowth",
    comparator: ">=",
    target: 0.1,
  },
  {
    id: "htn-dm-management-2017-national",
    description:
      "Standardized management of urban hypertension and diabetes patients ≥ 40% by 2017 (≥ 4 grassroots follow-ups in the year)",
    source: `${NATIONAL_STANDARD}, item 8; ${JIUJIANG}, annex 2 item 十二`,
    metric: "htnDmStandardizedManagementUrban",
    comparator: ">=",
    target: 0.4,
  },
  {
    id: "gps-per-10k-2017-national",
    description:
      "General practitioners per 10,000 residents ≥ 2 by 2017 (the standard counts urban residents; read over the whole region)",
    source: `${NATIONAL_STANDARD}, item 3; ${JIUJIANG}, §四(一)2 and annex 2 item 三`,
    metric: "region.gpsPer10k",
    comparator: ">=",
    target: 2,
  },
  {
    id: "township-gp-2017-national",
    description:
      "Every township health centre has at least one general practitioner by 2017 (centres without one: 0)",
    source: `${NATIONAL_STANDARD}, item 3; ${JIUJIANG}, §四(一)2 and annex 2 item 三`,
    metric: "region.townshipCentresWithoutGp",
    comparator: "<=",
    target: 0,
  },
  {
    id: "gps-per-10k-2020-xiacheng",
    description: "General practitioners per 10,000 residents ≥ 5 by 2020",
    source: `${XIACHENG}, §四(二)1`,
    metric: "region.gpsPer10k",
    comparator: ">=",
    target: 5,
  },
  {
    id: "alliance-referrals-2020-xiacheng",
    description:
      "Referrals into city alliance hospitals ≥ 50% of registered referrals by end 2020 (read as referrals from alliance members that stay in their alliance)",
    source: `${XIACHENG}, §三 发展目标`,
    metric: "referralsIntoAllianceShare",
    comparator: ">=",
    target: 0.5,
  },
];

const ids = TARGET_CATALOGUE.map((t) => t.id) as [string, ...string[]];

export const TargetsSchema = z
  .array(z.enum(ids))
  .default([
    "grassroots-share-2017-national",
    "county-domestic-2017-national",
    "county-referral-out-2015-wenzhou",
    "urban-contract-coverage-2017-national",
    "htn-dm-management-2017-national",
    "gps-per-10k-2017-national",
    "downward-referral-growth-2017-national",
  ])
  .describe("Targets to score this scenario against (ids of the target catalogue).");

export function scoreTarget(def: TargetDefinition, value: number): boolean {
  const slack = (def.tolerance ?? 0) + 1e-12;
  return def.comparator === ">=" ? value >= def.target - slack : value <= def.target + slack;
}
