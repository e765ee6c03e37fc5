import { z } from "zod";

/**
 * Policy targets that runs are scored against (the targets of the policy documents). Each scenario lists the
 * targets of its own source; a target names the summary metric it is scored on.
 */
export interface TargetDefinition {
  id: string;
  description: string;
  source: string;
  metric: "grassrootsShare" | "countyDomesticRate" | "countyHospitalReferralOutRate";
  comparator: ">=" | "<=";
  target: number;
  /**
   * How far short of the target still counts as met, for targets the source words as "about"
   * (左右): stated here and in the description, never silent.
   */
  tolerance?: number;
}

export const TARGET_CATALOGUE: readonly TargetDefinition[] = [
  {
    id: "grassroots-share-2015-wenzhou",
    description: "Grassroots share of all visits ≥ 60% by end 2015",
    source: "Wenzhou pilot plan 2014 (Wenzhou 温政办〔2014〕135号)",
    metric: "grassrootsShare",
    comparator: ">=",
    target: 0.6,
  },
  {
    id: "grassroots-share-2017-national",
    description: "Grassroots share of all visits ≥ 65% by 2017",
    source:
      "National pilot assessment standard 2015 (NHFPC tiered-care briefing 2015); Jiujiang 2016 (Jiujiang work plan 2016)",
    metric: "grassrootsShare",
    comparator: ">=",
    target: 0.65,
  },
  {
    id: "county-domestic-2015-wenzhou",
    description: "County-domestic visit rate (县域内就诊率) ≥ 90% in 2015",
    source: "Wenzhou pilot plan 2014 (Wenzhou 温政办〔2014〕135号)",
    metric: "countyDomesticRate",
    comparator: ">=",
    target: 0.9,
  },
  {
    id: "county-domestic-2017-national",
    description: 'County-domestic visit rate about 90% by 2017 ("about" scored as within 2 points: ≥ 88%)',
    source:
      "National pilot assessment standard 2015 (NHFPC tiered-care briefing 2015); Jiujiang 2016 (Jiujiang work plan 2016)",
    metric: "countyDomesticRate",
    comparator: ">=",
    target: 0.9,
    tolerance: 0.02,
  },
  {
    id: "county-referral-out-2015-wenzhou",
    description: "County hospital referral-out rate ≤ 10% by end 2015",
    source: "Wenzhou pilot plan 2014 (Wenzhou 温政办〔2014〕135号)",
    metric: "countyHospitalReferralOutRate",
    comparator: "<=",
    target: 0.1,
  },
];

const ids = TARGET_CATALOGUE.map((t) => t.id) as [string, ...string[]];

export const TargetsSchema = z
  .array(z.enum(ids))
  .default([
    "grassroots-share-2017-national",
    "county-domestic-2017-national",
    "county-referral-out-2015-wenzhou",
  ])
  .describe("Targets to score this scenario against (ids of the target catalogue).");

export function scoreTarget(def: TargetDefinition, value: number): boolean {
  const slack = (def.tolerance ?? 0) + 1e-12;
  return def.comparator === ">=" ? value >= def.target - slack : value <= def.target + slack;
}
