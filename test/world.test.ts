import { describe, expect, it } from "vitest";
import { CONDITION_GROUPS, GROUP_COUNT } from "../models/care/condition-groups.ts";
import { type Scenario, ScenarioSchema } from "../models/scenario.ts";
import { FACILITY_TYPES, type FacilityType } from "../models/supply/facilities.ts";
import { TIER_COUNT } from "../models/supply/tiers.ts";
import { buildWorld, type World } from "../models/world.ts";
import { loadScenario } from "../sim/scenario/loader.ts";

const countOf = (w: World, type: FacilityType, field: "rows" | "units" = "rows") => {
  const t = FACILITY_TYPES.indexOf(type);
  let n = 0;
  for (let i = 0; i < w.facilities.count; i++)
    if (w.facilities.type[i] === t) n += field === "units" ? w.facilities.units[i] : 1;
  return n;
};

const scenario = (extra: object = {}): Scenario =>
  ScenarioSchema.parse({ run: { population: 300_000 }, ...extra });

describe("facility placement", () => {
  const world = buildWorld(scenario());
  const geo = world.geography;
  const urbanTownships = geo.townships.filter((t) => t.urban);
  const ruralTownships = geo.townships.filter((t) => !t.urban);
  const villagesOf = (ts: typeof geo.townships) =>
    ts.flatMap((t) => geo.villages.slice(t.firstVillage, t.firstVillage + t.villageCount));

  it("puts a clinic in every rural village and community stations at one per 4,000 urban residents", () => {
    expect(countOf(world, "villageClinic")).toBe(villagesOf(ruralTownships).length);
    const expectedStations = villagesOf(urbanTownships).reduce(
      (s, v) => s + Math.max(1, Math.ceil((v.population * world.scale) / 4000)),
      0,
    );
    expect(countOf(world, "communityStation", "units")).toBe(expectedStations);
  });

  it("puts a centre in every township and sub-district, and two county hospitals per county", () => {
    expect(countOf(world, "townshipCentre")).toBe(ruralTownships.length);
    expect(countOf(world, "communityCentre")).toBe(urbanTownships.length);
    const counties = geo.areas.filter((a) => a.rural).length;
    expect(countOf(world, "countyGeneral")).toBe(counties);
    expect(countOf(world, "countyTcm")).toBe(counties);
    expect(countOf(world, "citySecondary")).toBe(geo.areas.length - counties);
    expect(countOf(world, "tertiary")).toBe(2);
    expect(countOf(world, "provincial")).toBe(1);
  });

  it("derives daily slots from staff and working days, scaled to the simulated residents, and keeps city-wide facilities last", () => {
    const f = world.facilities;
    // 3.2 M real residents simulated by 300,000: each stands for 10.67.
    expect(world.scale).toBeCloseTo(3_200_000 / 300_000, 12);
    for (let i = 0; i < f.count; i++) {
      if (f.tier[i] === TIER_COUNT - 1) continue;
      expect(f.doctors[i]).toBeGreaterThanOrEqual(1);
      const type =
        world.scenario.facilities[FACILITY_TYPES[f.type[i]] as Exclude<FacilityType, "provincial">];
      expect(f.slotsPerDay[i]).toBeCloseTo(
        (f.doctors[i] * type.slotsPerDoctorDay * 251) / 365 / world.scale,
        9,
      );
      expect(Math.abs(f.simulatedBeds[i] - f.beds[i] / world.scale)).toBeLessThanOrEqual(
        f.beds[i] > 0 ? 0.5 : 0,
      );
      expect(f.area[i] < 0).toBe(i >= f.sharedFirst);
    }
  });

  it("staffs the real region whatever the sample: supply per capita does not depend on run.population", () => {
    const small = buildWorld(scenario({ run: { population: 100_000 } }));
    const large = buildWorld(scenario({ run: { population: 400_000 } }));
    const doctors = (w: World) => Array.from(w.facilities.doctors);
    const beds = (w: World) => Array.from(w.facilities.beds);
    // Real staff differ only by the rounding of each village's sampled population.
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(Math.abs(total(doctors(small)) - total(doctors(large))) / total(doctors(large))).toBeLessThan(
      0.01,
    );
    expect(Math.abs(total(beds(small)) - total(beds(large))) / total(beds(large))).toBeLessThan(0.01);
    // Slots per simulated resident are the same: 4× the residents, 4× the slots.
    const slots = (w: World) => Array.from(w.facilities.slotsPerDay).filter((q) => q > 0);
    expect(total(slots(large)) / total(slots(small))).toBeCloseTo(4, 1);
    // 2015: 1.38 GPs per 10,000 (NHFPC bulletin); every township centre has one at full staffing.
    const gps = total(Array.from(large.facilities.gps));
    expect(gps / 320).toBeGreaterThan(1.0);
    expect(gps / 320).toBeLessThan(2.2);
    const centre = FACILITY_TYPES.indexOf("townshipCentre");
    for (let i = 0; i < large.facilities.count; i++)
      if (large.facilities.type[i] === centre) expect(large.facilities.gps[i]).toBeGreaterThanOrEqual(1);
  });

  it("gives tertiary hospitals a higher capability than township centres in every condition group", () => {
    const f = world.facilities;
    const first = (type: FacilityType) => f.type.indexOf(FACILITY_TYPES.indexOf(type));
    for (let g = 0; g < GROUP_COUNT; g++) {
      expect(f.capability[first("tertiary") * GROUP_COUNT + g], CONDITION_GROUPS[g]).toBeGreaterThan(
        f.capability[first("townshipCentre") * GROUP_COUNT + g],
      );
    }
  });

  it("applies added, removed and resized facilities", () => {
    const base = buildWorld(scenario());
    const changed = buildWorld(
      scenario({
        facilities: {
          changes: [
            { action: "add", type: "countyGeneral", area: "county-2", doctors: 40, beds: 200 },
            { action: "remove", type: "countyTcm", area: "county-3" },
            { action: "resize", type: "tertiary", area: "city", beds: 2 },
            { action: "add", type: "tertiary", area: "city" },
          ],
        },
      }),
    );
    expect(countOf(changed, "countyGeneral")).toBe(countOf(base, "countyGeneral") + 1);
    expect(countOf(changed, "countyTcm")).toBe(countOf(base, "countyTcm") - 1);
    expect(countOf(changed, "tertiary")).toBe(3);
    const tertiaryBeds = (w: World) => {
      const t = FACILITY_TYPES.indexOf("tertiary");
      return Array.from(w.facilities.beds).filter((_, i) => w.facilities.type[i] === t);
    };
    expect(tertiaryBeds(changed)[0]).toBe(2 * tertiaryBeds(base)[0]);
  });
});

describe("geography and choice sets", () => {
  const world = buildWorld(scenario());
  it("splits the population exactly over areas and villages", () => {
    expect(world.geography.villages.reduce((s, v) => s + v.population, 0)).toBe(300_000);
    expect(world.geography.areas.reduce((s, a) => s + a.population, 0)).toBe(300_000);
  });

  it("orders every choice set by tier, then travel time, ending with the provincial hospitals", () => {
    const c = world.catchment;
    for (let v = 0; v < world.geography.villages.length; v++) {
      const tiers = Array.from(c.facility.slice(c.first[v], c.first[v + 1])).map(
        (f) => world.facilities.tier[f],
      );
      expect(tiers[0]).toBe(0);
      expect([...tiers].sort((a, b) => a - b)).toEqual(tiers);
      expect(tiers.at(-1)).toBe(TIER_COUNT - 1);
    }
  });

  it("makes rural travel slower than urban travel over the same distance", () => {
    const g = ScenarioSchema.parse({}).geography.travel;
    expect(g.ruralSpeedKmh).toBeLessThan(g.urbanSpeedKmh);
  });

  it("reads real units from a CSV, scaled to the run's population", async () => {
    const { scenario: s } = await loadScenario("scenarios/example-units.yaml");
    const w = buildWorld(s);
    expect(w.geography.areas.map((a) => a.name)).toEqual(["Lucheng", "Ruian", "Wencheng"]);
    expect(w.geography.areas.map((a) => a.rural)).toEqual([false, true, true]);
    expect(w.geography.villages.length).toBe(84);
    expect(w.geography.villages.reduce((s2, v) => s2 + v.population, 0)).toBe(s.run.population);
    expect(countOf(w, "countyGeneral")).toBe(3);
  });

  it("reports a units CSV with a missing column, naming the file", async () => {
    const { parseScenarioText } = await import("../sim/scenario/loader.ts");
    expect(() =>
      parseScenarioText("geography: { unitsFile: u.csv }", "s.yaml", [], () => "area,township\nA,B\n"),
    ).toThrow(/u\.csv:1.*missing column\(s\) area_type, village, population, x_km, y_km/);
  });
});
