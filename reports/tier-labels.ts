import { TIERS, type Tier } from "../models/outcomes/metrics-schema.ts";
import { tierLabel } from "./labels.ts";

/** English names of the tiers (the dictionary's `tier.*`); `tierLabel(lang, tier)` for either language. */
export const TIER_LABELS: Record<Tier, string> = Object.fromEntries(
  TIERS.map((tier) => [tier, tierLabel("en", tier)]),
) as Record<Tier, string>;

/**
 * One colour per tier, the same in every chart: greens for the grassroots (村/乡), blues and
 * purple for hospitals inside the region, grey for care sought outside it.
 */
export const TIER_COLORS: Record<Tier, string> = {
  village: "#238b45",
  township: "#74c476",
  county: "#4292c6",
  tertiary: "#6a51a3",
  outOfRegion: "#969696",
};
