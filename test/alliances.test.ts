import { describe, expect, it } from "vitest";
import { referralTarget } from "../models/care/choice/tables.ts";
import { CONDITION_GROUPS, GROUP_COUNT } from "../models/care/condition-groups.ts";
import { CITY_GROUP, COUNTY_COMMUNITY, inAlliance } from "../models/policy/alliances.ts";
import { unchangeableReason } from "../models/policy/timeline.ts";
import { type Scenario, ScenarioSchema } from "../models/scenario.ts";
import { FACILITY_TYPES, type FacilityType } from "../models/supply/facilities.ts";
import { placeFacilities } from "../models/supply/facility-placement.ts";
import { buildGeography } from "../models/supply/geography.ts";
import { TERTIARY } from "../models/supply/tiers.ts";
import { buildWorld, regionPopulation, type World } from "../models/world.ts";
import { timelinePhases } from "../sim/scenario/timeline-phases.ts";

/**
 * A city of 4 districts (4 sub-districts of 4 communities) and 6 counties (3 townships of 4
 * villages; the first township is the urban seat) with 3 tertiary hospitals, so that alliance
 * counts are easy to work out by hand:
 * - a county: 4 community-station rows + a community centre (seat), 2 × (4 village clinics + a
 *   township centre), a county general and a county TCM hospital = 5 + 10 + 2 = 17 facilities;
 * - a district: 4 × (4 community-station rows + a community centre) + a city secondary = 21.
 */
const PER_COUNTY = 17;
const PER_DISTRICT = 21;

const scenario = (extra: Record<string, unknown> = {}): Scenario =>
  ScenarioSchema.parse({
    run: { population: 20_000, years: 2 },
    geography: {
      population: 600_000,
      urbanDistricts: { count: 4, subdistrictsPerDistrict: 4, communitiesPerSubdistrict: 4 },
      counties: { count: 6, townshipsPerCounty: 3, villagesPerTownship: 4 },
    },
    facilities: { placement: { tertiaryHospitals: 3 } },
    ...extra,
  });

const withAlliances = (alliances: object, extra: Record<string, unknown> = {}) =>
  buildWorld(scenario({ alliances, ...extra }));

const typeOf = (w: World, id: number): FacilityType => FACILITY_TYPES[w.facilities.type[id]];
const cap = (w: World, id: number, group: (typeof CONDITION_GROUPS)[number]) =>
  w.facilities.capability[id * GROUP_COUNT + CONDITION_GROUPS.indexOf(group)];
const ids = (w: World) => Array.from({ length: w.facilities.count }, (_, i) => i);
const areaName = (w: World, id: number) => w.geography.areas[w.facilities.area[id]]?.name;

describe("alliance membership", () => {
  it("covers no area by default and counts the first ⌈coverage × n⌉ areas by index", () => {
    const none = withAlliances({});
    expect(none.alliances.count).toBe(0);
    expect(none.alliances.memberCount).toBe(0);
    expect(none.alliances.allianceOf.every((a) => a === -1)).toBe(true);

    const half = withAlliances({ countyCommunities: { coverage: 0.5 }, cityGroups: { coverage: 0.5 } });
    const a = half.alliances;
    expect(a.countyCommunities).toBe(3);
    expect(a.cityGroups).toBe(2);
    expect(a.count).toBe(5);
    expect(a.memberCount).toBe(3 * PER_COUNTY + 2 * PER_DISTRICT);
    const memberAreas = new Set(
      ids(half)
        .filter((i) => a.allianceOf[i] >= 0)
        .map((i) => areaName(half, i)),
    );
    expect([...memberAreas].sort()).toEqual(
      ["county-1", "county-2", "county-3", "district-1", "district-2"].sort(),
    );
    expect(Array.from(a.members)).toEqual([PER_COUNTY, PER_COUNTY, PER_COUNTY, PER_DISTRICT, PER_DISTRICT]);
    expect(Array.from(a.kind)).toEqual([
      COUNTY_COMMUNITY,
      COUNTY_COMMUNITY,
      COUNTY_COMMUNITY,
      CITY_GROUP,
      CITY_GROUP,
    ]);

    const full = withAlliances({ countyCommunities: { coverage: 1 }, cityGroups: { coverage: 1 } });
    expect(full.alliances.countyCommunities).toBe(6);
    expect(full.alliances.cityGroups).toBe(4);
    expect(full.alliances.memberCount).toBe(6 * PER_COUNTY + 4 * PER_DISTRICT);
    // Tertiary and provincial hospitals belong to no area: 10 areas' facilities, plus 4 shared.
    expect(full.facilities.count).toBe(6 * PER_COUNTY + 4 * PER_DISTRICT + 4);
  });

  it("rounds the product before the ceiling: 0.3 of 6 counties is 2, 1/3 of 6 is 2", () => {
    expect(withAlliances({ countyCommunities: { coverage: 0.3 } }).alliances.count).toBe(2);
    expect(withAlliances({ countyCommunities: { coverage: 1 / 3 } }).alliances.count).toBe(2);
    expect(withAlliances({ countyCommunities: { coverage: 0.01 } }).alliances.count).toBe(1);
  });

  it("lets a county general hospital lead its county and the nearest tertiary hospital lead a district", () => {
    const w = withAlliances({ countyCommunities: { coverage: 1 }, cityGroups: { coverage: 0.5 } });
    const a = w.alliances;
    for (let k = 0; k < 6; k++) {
      expect(typeOf(w, a.lead[k])).toBe("countyGeneral");
      expect(areaName(w, a.lead[k])).toBe(`county-${k + 1}`);
      expect(a.allianceOf[a.lead[k]]).toBe(k);
    }
    // Tertiary hospitals at radius 3 and angles 0, 120°, 240°; districts at 9.6 km and angles 0
    // and 90°: district-1 (9.6, 0) is nearest the first, district-2 (0, 9.6) the second
    // (7.2 km against 10.1 and 12.3).
    const t0 = w.facilities.sharedFirst;
    expect(typeOf(w, t0)).toBe("tertiary");
    expect(a.lead[6]).toBe(t0);
    expect(a.lead[7]).toBe(t0 + 1);
    expect(a.allianceOf[t0]).toBe(-1);
    expect(inAlliance(a, 6, t0)).toBe(true);
    expect(inAlliance(a, 7, t0)).toBe(false);
  });
});

describe("alliance effects on members", () => {
  const effects = {
    rotation: { capabilityLevels: 1 },
    telemedicine: { quality: 0.1 },
    sharedDrugList: { enabled: true },
  };
  // County general hospitals treat chronic disease up to 4 here, city secondary ones up to 3 (the
  // default), so the shared drug list shows whose list a member gets.
  const facilities = { placement: { tertiaryHospitals: 3 }, countyGeneral: { capability: { chronic: 4 } } };
  const base = withAlliances({}, { facilities });
  const w = withAlliances(
    { countyCommunities: { coverage: 0.5 }, cityGroups: { coverage: 0.5 }, ...effects },
    { facilities },
  );
  const member = (id: number) => w.alliances.allianceOf[id] >= 0;

  it("raises member centres by the rotation, grassroots quality by telemedicine and chronic care to the hospital's", () => {
    // general: rotation 2 + 1 at the centres, none at the village tier; quality: + 0.1.
    const expected: Partial<Record<FacilityType, { general: number; quality: number }>> = {
      townshipCentre: { general: 3, quality: 0.45 },
      communityCentre: { general: 3, quality: 0.5 },
      villageClinic: { general: 1, quality: 0.3 },
      communityStation: { general: 1, quality: 0.35 },
    };
    let checked = 0;
    for (const id of ids(w)) {
      const e = expected[typeOf(w, id)];
      if (!member(id) || !e) continue;
      expect(cap(w, id, "general"), `${typeOf(w, id)} ${id}`).toBe(e.general);
      // chronic: the county general hospital's 4 in counties, the city secondary's 3 in
      // districts (above the centres' 2 + 1 and the clinics' 1).
      expect(cap(w, id, "chronic"), `${typeOf(w, id)} ${id}`).toBe(
        areaName(w, id)?.startsWith("county") ? 4 : 3,
      );
      expect(w.facilities.quality[id]).toBeCloseTo(e.quality, 12);
      checked++;
    }
    // 3 counties × 15 grassroots rows and 2 districts × 20.
    expect(checked).toBe(3 * 15 + 2 * 20);
  });

  it("leaves other groups, hospitals and non-members as they were", () => {
    for (const id of ids(w)) {
      const grassrootsMember = member(id) && w.facilities.tier[id] <= 1;
      for (let g = 0; g < GROUP_COUNT; g++) {
        const touched = grassrootsMember && (g === 0 || g === 1);
        if (!touched)
          expect(w.facilities.capability[id * GROUP_COUNT + g], `${id} ${g}`).toBe(
            base.facilities.capability[id * GROUP_COUNT + g],
          );
      }
      if (!grassrootsMember) expect(w.facilities.quality[id]).toBe(base.facilities.quality[id]);
    }
  });

  it("caps capability at 5 and quality at 1", () => {
    const big = withAlliances({
      countyCommunities: { coverage: 1 },
      rotation: { capabilityLevels: 4, groups: ["general", "surgery"] },
      telemedicine: { quality: 0.9 },
    });
    let centres = 0;
    for (const id of ids(big)) {
      if (big.alliances.allianceOf[id] < 0 || big.facilities.tier[id] > 1) continue;
      expect(big.facilities.quality[id]).toBe(1);
      if (typeOf(big, id) === "townshipCentre") {
        centres++;
        expect(cap(big, id, "general")).toBe(5); // 2 + 4 → 5
        expect(cap(big, id, "surgery")).toBe(5); // 2 + 4 → 5
        expect(cap(big, id, "chronic")).toBe(2); // not a rotation group
      }
      if (typeOf(big, id) === "communityCentre") expect(cap(big, id, "surgery")).toBe(5); // 1 + 4
    }
    expect(centres).toBe(6 * 2);
  });
});

describe("the status quo", () => {
  const plain = (s: Scenario) => {
    const geo = buildGeography(s.geography, s.run.population);
    return placeFacilities(s.facilities, geo, regionPopulation(s) / s.run.population).facilities;
  };

  it("leaves the facilities as placed under the defaults, and when only effect sizes or only coverage are set", () => {
    for (const alliances of [
      {},
      {
        rotation: { capabilityLevels: 2 },
        telemedicine: { quality: 0.2 },
        sharedDrugList: { enabled: true },
      },
      { countyCommunities: { coverage: 1, globalBudget: true }, cityGroups: { coverage: 1 } },
    ]) {
      const s = scenario({ alliances });
      const w = buildWorld(s);
      const f = plain(s);
      expect(w.facilities.capability).toEqual(f.capability);
      expect(w.facilities.quality).toEqual(f.quality);
    }
  });

  it("parses an empty scenario to no alliances and no global budget", () => {
    const a = ScenarioSchema.parse({}).alliances;
    expect(a.countyCommunities).toEqual({ coverage: 0, globalBudget: false });
    expect(a.cityGroups).toEqual({ coverage: 0, globalBudget: false });
    expect(a.rotation.capabilityLevels).toBe(0);
    expect(a.telemedicine.quality).toBe(0);
    expect(a.sharedDrugList.enabled).toBe(false);
  });

  it("refuses out-of-range and repeated values", () => {
    expect(ScenarioSchema.safeParse({ alliances: { cityGroups: { coverage: 1.5 } } }).success).toBe(false);
    expect(ScenarioSchema.safeParse({ alliances: { rotation: { capabilityLevels: 6 } } }).success).toBe(
      false,
    );
    expect(
      ScenarioSchema.safeParse({ alliances: { rotation: { groups: ["chronic", "chronic"] } } }).success,
    ).toBe(false);
    expect(ScenarioSchema.safeParse({ alliances: { coverage: 1 } }).success).toBe(false);
  });
});

describe("referral inside the alliance", () => {
  const general = CONDITION_GROUPS.indexOf("general");
  const alliances = { countyCommunities: { coverage: 0.5 }, cityGroups: { coverage: 0.5 } };
  const w = withAlliances(alliances);
  const base = withAlliances({});
  const cat = w.catchment;
  const villages = cat.first.length - 1;

  it("sends a member's patients needing a tertiary hospital to the alliance's lead", () => {
    let redirected = 0;
    for (let v = 0; v < villages; v++) {
      const first = cat.first[v];
      const last = cat.first[v + 1];
      for (let i = first; i < last; i++) {
        const a = w.alliances.allianceOf[cat.facility[i]];
        if (a < 0 || w.alliances.kind[a] !== CITY_GROUP || w.facilities.tier[cat.facility[i]] >= TERTIARY)
          continue;
        // Need 4 in general: only tertiary hospitals and up can treat it. The lead, if it is in
        // the choice set; else the nearest tertiary hospital, as without alliances.
        const leadEntry = cat.facility.subarray(first, last).indexOf(w.alliances.lead[a]);
        const old = referralTarget(base, first, last, i, general, 4);
        const expected = leadEntry >= 0 ? first + leadEntry : old;
        expect(referralTarget(w, first, last, i, general, 4)).toBe(expected);
        if (expected !== old) redirected++;
      }
    }
    // Some communities of district-1 and district-2 lie nearer another tertiary hospital.
    expect(redirected).toBeGreaterThan(0);
  });

  it("leaves the targets of non-members, and of county members, as they were", () => {
    let compared = 0;
    for (let v = 0; v < villages; v++) {
      const first = cat.first[v];
      const last = cat.first[v + 1];
      for (let i = first; i < last; i++) {
        const a = w.alliances.allianceOf[cat.facility[i]];
        // County communities hold all the county-tier hospitals of their choice sets and no
        // tertiary one, so their members refer as before.
        if (a >= 0 && w.alliances.kind[a] === CITY_GROUP) continue;
        for (let g = 0; g < GROUP_COUNT; g++)
          for (let need = 1; need <= 5; need++) {
            expect(referralTarget(w, first, last, i, g, need)).toBe(
              referralTarget(base, first, last, i, g, need),
            );
            compared++;
          }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it("ends every chain at a capable facility, tiers never falling", () => {
    for (const world of [
      w,
      withAlliances({
        countyCommunities: { coverage: 1 },
        cityGroups: { coverage: 1 },
        rotation: { capabilityLevels: 3, groups: [...CONDITION_GROUPS] },
        telemedicine: { quality: 0.3 },
        sharedDrugList: { enabled: true, groups: [...CONDITION_GROUPS] },
      }),
    ]) {
      const c = world.catchment;
      const f = world.facilities;
      for (let v = 0; v + 1 < c.first.length; v++) {
        const first = c.first[v];
        const last = c.first[v + 1];
        for (let i = first; i < last; i++)
          for (let g = 0; g < GROUP_COUNT; g++)
            for (let need = 1; need <= 5; need++) {
              let at = i;
              for (let hops = 0; hops <= last - first; hops++) {
                const next = referralTarget(world, first, last, at, g, need);
                expect(f.tier[c.facility[next]]).toBeGreaterThanOrEqual(f.tier[c.facility[at]]);
                if (next === at) break;
                at = next;
              }
              expect(f.capability[c.facility[at] * GROUP_COUNT + g]).toBeGreaterThanOrEqual(need);
            }
      }
    }
  });
});

describe("alliances on the timeline", () => {
  it("may change from a date, and the phase world is built with them", () => {
    expect(unchangeableReason("alliances.countyCommunities.coverage")).toBeUndefined();
    expect(unchangeableReason("alliances.rotation.capabilityLevels")).toBeUndefined();
    const s = scenario({
      timeline: [
        {
          date: "2016-01-01",
          set: { "alliances.countyCommunities.coverage": 1, "alliances.telemedicine.quality": 0.1 },
        },
      ],
    });
    const { phases, problems } = timelinePhases(s);
    expect(problems).toEqual([]);
    expect(phases).toHaveLength(2);
    expect(buildWorld(phases[0].scenario).alliances.count).toBe(0);
    const later = buildWorld(phases[1].scenario);
    expect(later.alliances.countyCommunities).toBe(6);
    const clinic = ids(later).find((id) => typeOf(later, id) === "villageClinic")!;
    expect(later.facilities.quality[clinic]).toBeCloseTo(0.3, 12);
    // The phase world has the same facilities, so open episodes and queues carry over.
    expect(later.facilities.count).toBe(buildWorld(s).facilities.count);
  });
});
