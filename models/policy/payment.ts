import { z } from "zod";
import { COUNTY, TERTIARY } from "../supply/tiers.ts";

/**
 * How providers are paid, and what that changes in what they do. Each method acts through a
 * stated mechanism on the care pathway; where no Chinese study gives its size, the parameter is
 * marked as assumed and is for calibration or what-ifs.
 *
 * - Per-case payment of hospital stays (按病种/DRG): the hospital is paid a fixed price for the
 *   case, so it trims what a stay costs. Beijing's DRG pilot cut spending per admission by 6.2%
 *   with no change in length of stay (Jian W et al., Health Aff 2015;34(10):1745): the stay's
 *   cost is scaled, not its length.
 * - A global budget for a county medical community (医共体总额付费): money the community spends
 *   on referrals out of the county is its own, so its county hospitals keep some episodes one
 *   level beyond their stated capability instead of referring them out (assumed size).
 * - Capitation of family doctors for contract holders' chronic care (按人头付费): the doctor keeps
 *   the budget for care not referred, so keeps some chronic episodes one level beyond the
 *   centre's capability (assumed size).
 */
const retention = (who: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .default(0.3)
    .describe(
      `Probability that ${who} keeps an episode needing one level more than its capability instead of referring it up. Default 0.3: assumed (no Chinese study gives the size); only read when the payment method is on.`,
    );

export const PaymentSchema = z
  .object({
    hospitalStays: z
      .enum(["feeForService", "perCase"])
      .default("feeForService")
      .describe(
        "How county and tertiary hospitals are paid for stays: fee for service (default: most of 2015; Anhui paid 30% of discharges per case in 2015, 50% by 2017) or per case.",
      ),
    perCaseCostFactor: z
      .number()
      .min(0.5)
      .max(1)
      .default(0.938)
      .describe(
        "What a stay costs under per-case payment, as a share of its fee-for-service cost. Default 0.938: −6.2% spending per admission in Beijing's DRG pilot, length of stay unchanged (Jian W et al., Health Aff 2015;34(10):1745).",
      ),
    outpatientVisits: z
      .enum(["feeForService", "perServiceUnit"])
      .default("feeForService")
      .describe(
        "How county and tertiary hospitals are paid for outpatient visits: fee for service (default) or per service unit (按服务单元付费: a fixed price per visit, which trims what a visit costs).",
      ),
    perServiceUnitCostFactor: z
      .number()
      .min(0.5)
      .max(1)
      .default(0.95)
      .describe(
        "What a visit costs under per-service-unit payment, as a share of its fee-for-service cost. Default 0.95: assumed, by analogy with the per-case cut of stays (no Chinese estimate found).",
      ),
    daySurgeryShare: z
      .object({
        county: z.number().min(0).max(1).default(0),
        tertiary: z.number().min(0).max(1).default(0),
      })
      .strict()
      .prefault({})
      .describe(
        "Share of surgical admissions (condition group surgery) at county and tertiary hospitals done as day surgery (日间手术): one bed-day instead of the kind's length of stay, paid per day like other stays. Default 0: the kinds' lengths of stay are 2015's, day surgery included.",
      ),
    globalBudgetRetention: retention(
      "a county hospital of a county medical community paid a global budget (alliances.countyCommunities.globalBudget)",
    ),
    grassroots: z
      .enum(["feeForService", "capitation"])
      .default("feeForService")
      .describe(
        "How grassroots family doctors are paid for contract holders' chronic care: fee for service (default, 2015) or capitation (Shanghai's family doctor as holder of the contracted resident's budget).",
      ),
    capitationRetention: retention(
      "a township or community centre paid by capitation, for a contract holder's chronic episode",
    ),
  })
  .strict();
export type PaymentParams = z.infer<typeof PaymentSchema>;

/** What a stay at `tier` costs as a share of its fee-for-service cost (per-case payment of hospitals). */
export function stayCostFactor(world: { scenario: { payment: PaymentParams } }, tier: number): number {
  const p = world.scenario.payment;
  return p.hospitalStays === "perCase" && (tier === COUNTY || tier === TERTIARY) ? p.perCaseCostFactor : 1;
}

/** What an outpatient visit at `tier` costs as a share of its fee-for-service price (per-service-unit payment). */
export function visitCostFactor(world: { scenario: { payment: PaymentParams } }, tier: number): number {
  const p = world.scenario.payment;
  return p.outpatientVisits === "perServiceUnit" && (tier === COUNTY || tier === TERTIARY)
    ? p.perServiceUnitCostFactor
    : 1;
}

/** Share of surgical admissions at `tier` done as day surgery. */
export function daySurgeryShare(world: { scenario: { payment: PaymentParams } }, tier: number): number {
  const d = world.scenario.payment.daySurgeryShare;
  return tier === COUNTY ? d.county : tier === TERTIARY ? d.tertiary : 0;
}

/**
 * Mean length of stay of a kind at a tier once day surgery takes its share: day cases stay one
 * day, the others the kind's mean.
 */
export function meanStay(mean: number, dayShare: number): number {
  return dayShare * 1 + (1 - dayShare) * mean;
}
