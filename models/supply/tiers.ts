/**
 * The care tiers and their order. Grassroots (基层医疗卫生机构) = village + township tiers and
 * their urban twins (community stations and centres); county = county hospitals and city
 * secondary hospitals; tertiary = city tertiary hospitals; outOfRegion = provincial and other
 * hospitals outside the city (区域外/异地).
 */
export const TIER_NAMES = ["village", "township", "county", "tertiary", "outOfRegion"] as const;
export type TierName = (typeof TIER_NAMES)[number];

export const VILLAGE = 0;
export const TOWNSHIP = 1;
export const COUNTY = 2;
export const TERTIARY = 3;
export const OUT_OF_REGION = 4;
export const TIER_COUNT = 5;

export function isGrassroots(tier: number): boolean {
  return tier <= TOWNSHIP;
}
