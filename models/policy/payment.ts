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
