import type { Tier } from "../models/outcomes/metrics-schema.ts";

/** English names of the tiers, as shown in tables, legends and the terminal. */
export const TIER_LABELS: Record<Tier, string> = {
  village: "Village clinic",
  township: "Township health centre",
  county: "County hospital",
  tertiary: "Tertiary hospital",
  outOfRegion: "Out of region",
};

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
