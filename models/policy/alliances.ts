import { z } from "zod";
import { CONDITION_GROUPS, GROUP_COUNT } from "../care/condition-groups.ts";
import { FACILITY_TYPES, type Facilities } from "../supply/facilities.ts";
import type { Geography } from "../supply/geography.ts";
import { COUNTY, isGrassroots, TERTIARY, TOWNSHIP } from "../supply/tiers.ts";

/**
 * Medical alliances (医联体): city medical groups (城市医疗集团), a tertiary hospital leading an
 * urban district's secondary hospital, community centres and stations; and county medical
 * communities (县域医共体), a county's hospitals leading its township centres and, through them,
 * its village clinics (NHFPC 国卫医发〔2016〕75号; State Council 国办发〔2017〕32号). Inside an
 * alliance, rotating specialists (下沉), telemedicine (远程医疗) and a shared drug list raise what
 * the member grassroots facilities can treat and how good patients think they are, and referrals
 * go to the alliance's own hospitals. Local examples: Chuxiong 楚卫通〔2018〕66号 (every township
 * in a tight 医共体 by the end of 2020, one group per grid); Wenzhou 温政办〔2014〕135号 (11
 * tertiary hospitals with 24 county hospitals in 6 alliances; 96 central township and community
 * centres in 22 county alliances).
 *
 * The defaults are the 2015 status quo of the model: alliances were pilots then (the national
 * guidance came in 2016–2017), so no area is covered and every effect is zero; a scenario sets
 * them. An alliance's effects apply only to its members, so coverage alone changes referral
 * routes and the payment flag, and the effect sizes alone change nothing.
 */

const groupList = (defaults: (typeof CONDITION_GROUPS)[number][]) =>
  z
    .array(z.enum(CONDITION_GROUPS))
    .max(GROUP_COUNT)
    .default(defaults)
    .refine((gs) => new Set(gs).size === gs.length, {
      message: "expected each condition group at most once",
    });

const coverage = (who: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      `Share of ${who} (0–1). Which ones: the first ⌈coverage × number⌉ by index (a rule, so that a what-if is reproducible and a rising coverage on the timeline only adds areas). Default 0: the 2015 status quo, before 国卫医发〔2016〕75号.`,
    );

export const AlliancesSchema = z
  .object({
    countyCommunities: z
      .object({
        coverage: coverage(
          "counties whose facilities form one county medical community 县域医共体: the county hospitals (the county general hospital leads), the seat's community centre and stations, the township centres and the village clinics (Chuxiong 楚卫通〔2018〕66号: every township by the end of 2020, i.e. 1)",
        ),
        globalBudget: z
          .boolean()
          .default(false)
          .describe(
            "Whether county medical communities are paid a global budget (医保总额付费) for their residents, read by the payment model (国办发〔2017〕32号, for vertical alliances). Default false: fee for service, the 2015 status quo.",
          ),
      })
      .strict()
      .prefault({})
      .describe("County medical communities 县域医共体."),
    cityGroups: z
      .object({
        coverage: coverage(
          "urban districts whose secondary hospitals, community centres and stations join a city medical group 城市医疗集团 led by the tertiary hospital nearest the district's centre (ties: the lower facility id; without a tertiary hospital, the district's first secondary hospital leads)",
        ),
        globalBudget: z
          .boolean()
          .default(false)
          .describe(
            "Whether city medical groups are paid a global budget for their residents, read by the payment model (国办发〔2017〕32号). Default false: fee for service, the 2015 status quo.",
          ),
      })
      .strict()
      .prefault({})
      .describe("City medical groups 城市医疗集团."),
    rotation: z
      .object({
        capabilityLevels: z
          .number()
          .int()
          .min(0)
          .max(5)
          .default(0)
          .describe(
            "Capability levels added, capped at 5, to member township and community centres in `groups` by specialists of the alliance's hospitals rotating down (下沉, 国办发〔2017〕32号). Assumed: no Chinese study measures it in levels; 1 is one need level more (e.g. moderate illness treated at the centre). Default 0: no rotation.",
          ),
        groups: groupList(["general", "chronic"]).describe(
          "Condition groups the rotating specialists raise. Default general and chronic: the internal-medicine and common-disease care the alliances send doctors down for first (国卫医发〔2016〕75号 on 常见病、多发病 and chronic disease at the grassroots); assumed.",
        ),
      })
      .strict()
      .prefault({})
      .describe("Rotating specialists 下沉."),
    telemedicine: z
      .object({
        quality: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .describe(
            "Added (capped at 1) to the perceived quality of member grassroots facilities (village clinics, community stations, township and community centres) that consult the alliance's hospitals remotely (远程医疗, 国办发〔2017〕32号). Assumed; for scale, 0.1 is a third of the county-to-tertiary quality gap. Default 0: none.",
          ),
      })
      .strict()
      .prefault({})
      .describe("Telemedicine 远程医疗."),
    sharedDrugList: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            "Whether member grassroots facilities stock the drugs of the alliance's county-tier hospital (the county general hospital, or the district's first secondary hospital; the lead if the area has none) and so treat what it treats in `groups`: their capability there is raised to that hospital's (NHFPC guidance on tiered care of hypertension and diabetes: the same drugs at the grassroots as at the hospitals). Default false: separate essential-drug lists, the 2015 status quo.",
          ),
        groups: groupList(["chronic"]).describe(
          "Condition groups the shared drug list covers. Default chronic (hypertension and diabetes follow-up).",
        ),
      })
      .strict()
      .prefault({})
      .describe("A shared drug list 用药目录衔接."),
  })
  .strict()
  .describe(
    "Medical alliances 医联体 and what membership does to the grassroots (models/policy/alliances.ts).",
  );
export type AlliancesParams = z.infer<typeof AlliancesSchema>;

export const ALLIANCE_KINDS = ["countyCommunity", "cityGroup"] as const;
export const COUNTY_COMMUNITY = 0;
export const CITY_GROUP = 1;

/** Which facilities belong to which alliance, built with the world. */
export interface AllianceMembership {
  /**
   * Alliance of each facility id, or −1. A tertiary hospital serves the whole city and may lead
   * several groups, so it stays −1 and belongs to the groups through `lead`.
   */
  allianceOf: Int16Array;
  /** Number of alliances. */
  count: number;
  /** Per alliance: its lead facility (a county general hospital, or a tertiary hospital). */
  lead: Int32Array;
  /** Per alliance: COUNTY_COMMUNITY or CITY_GROUP (index into ALLIANCE_KINDS). */
  kind: Uint8Array;
  /** Per alliance: the county or district it covers. */
  area: Int16Array;
  /** Per alliance: facilities with `allianceOf` set to it (the lead counted when it is one). */
  members: Int32Array;
  countyCommunities: number;
  cityGroups: number;
  /** Facilities with an alliance. */
  memberCount: number;
}

/** Whether facility `id` belongs to alliance `a` (as a member or as its lead). */
export function inAlliance(m: AllianceMembership, a: number, id: number): boolean {
  return m.allianceOf[id] === a || m.lead[a] === id;
}

/** The first ⌈share × n⌉ (the product rounded before the ceiling, so 0.3 × 10 is 3, not 4). */
function coveredCount(share: number, n: number): number {
  return Math.min(n, Math.ceil(Math.round(share * n * 1e9) / 1e9));
}

/**
 * Forms the alliances the scenario's coverage calls for and applies their effects to the members'
 * capability and quality in place (the facilities are built fresh for each world, phase worlds of
 * the timeline included). An area with no hospital to lead it forms no alliance.
 */
export function applyAlliances(p: AlliancesParams, geo: Geography, f: Facilities): AllianceMembership {
  const allianceOf = new Int16Array(f.count).fill(-1);
  const lead: number[] = [];
  const kind: number[] = [];
  const area: number[] = [];
  const anchor: number[] = [];
  const counties = geo.areas.filter((a) => a.rural);
  const districts = geo.areas.filter((a) => !a.rural);
  const countyGeneral = FACILITY_TYPES.indexOf("countyGeneral");
  const tertiary: number[] = [];
  for (let i = 0; i < f.count; i++) if (f.tier[i] === TERTIARY) tertiary.push(i);

  const areaIds = (a: number) => Array.from({ length: f.areaCount[a] }, (_, k) => f.areaFirst[a] + k);
  const form = (a: number, k: number, leader: number, drugs: number) => {
    const index = lead.length;
    for (const id of areaIds(a)) allianceOf[id] = index;
    lead.push(leader);
    kind.push(k);
    area.push(a);
    anchor.push(drugs);
  };

  for (const county of counties.slice(0, coveredCount(p.countyCommunities.coverage, counties.length))) {
    const ids = areaIds(county.index);
    const hospital =
      ids.find((id) => f.type[id] === countyGeneral) ?? ids.find((id) => f.tier[id] === COUNTY);
    if (hospital !== undefined) form(county.index, COUNTY_COMMUNITY, hospital, hospital);
  }
  for (const district of districts.slice(0, coveredCount(p.cityGroups.coverage, districts.length))) {
    const secondary = areaIds(district.index).find((id) => f.tier[id] === COUNTY);
    let nearest = -1;
    let best = Number.POSITIVE_INFINITY;
    for (const id of tertiary) {
      const km = Math.hypot(f.x[id] - district.x, f.y[id] - district.y);
      if (km < best) {
        best = km;
        nearest = id;
      }
    }
    const leader = nearest >= 0 ? nearest : (secondary ?? -1);
    if (leader >= 0) form(district.index, CITY_GROUP, leader, secondary ?? leader);
  }

  const count = lead.length;
  const members = new Int32Array(count);
  for (let id = 0; id < f.count; id++) {
    const a = allianceOf[id];
    if (a < 0) continue;
    members[a]++;
    const tier = f.tier[id];
    if (!isGrassroots(tier)) continue;
    const base = id * GROUP_COUNT;
    if (tier === TOWNSHIP)
      for (const g of p.rotation.groups) {
        const gi = base + CONDITION_GROUPS.indexOf(g);
        f.capability[gi] = Math.min(5, f.capability[gi] + p.rotation.capabilityLevels);
      }
    // After rotation, so the drug list raises a centre to the hospital's level and never lowers it.
    if (p.sharedDrugList.enabled)
      for (const g of p.sharedDrugList.groups) {
        const gi = CONDITION_GROUPS.indexOf(g);
        f.capability[base + gi] = Math.max(
          f.capability[base + gi],
          f.capability[anchor[a] * GROUP_COUNT + gi],
        );
      }
    f.quality[id] = Math.min(1, f.quality[id] + p.telemedicine.quality);
  }
  return {
    allianceOf,
    count,
    lead: Int32Array.from(lead),
    kind: Uint8Array.from(kind),
    area: Int16Array.from(area),
    members,
    countyCommunities: kind.filter((k) => k === COUNTY_COMMUNITY).length,
    cityGroups: kind.filter((k) => k === CITY_GROUP).length,
    memberCount: members.reduce((s, n) => s + n, 0),
  };
}
