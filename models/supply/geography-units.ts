import { z } from "zod";

/**
 * Real administrative units, for users who have them: one row per village or community with its
 * area (district or county), township, population and coordinates. Read from a CSV named by
 * `geography.unitsFile` (the scenario loader reads the file; models never touch files).
 */
export const UnitSchema = z
  .object({
    area: z.string().min(1).describe("District or county name."),
    areaType: z.enum(["district", "county"]),
    township: z.string().min(1).describe("Township or sub-district name (unique within its area)."),
    village: z.string().min(1).describe("Village or community name."),
    population: z.number().int().min(0).describe("Residents (scaled to run.population)."),
    x: z.number().describe("East coordinate, km from the city centre."),
    y: z.number().describe("North coordinate, km from the city centre."),
    urban: z
      .boolean()
      .optional()
      .describe("Urban community; default: districts and each county's first township."),
  })
  .strict();
export type Unit = z.infer<typeof UnitSchema>;

export const UNIT_COLUMNS = [
  "area",
  "area_type",
  "township",
  "village",
  "population",
  "x_km",
  "y_km",
  "urban",
] as const;

/** Rows of a parsed CSV (header → string) to units, with per-row problems (1-based CSV lines). */
export function unitsFromRecords(records: Record<string, string>[]): {
  units: unknown[];
  problems: { line: number; message: string }[];
} {
  const problems: { line: number; message: string }[] = [];
  const units = records.map((r, i) => {
    const line = i + 2;
    const number = (key: string) => {
      const v = Number(r[key]);
      if (r[key] === undefined || r[key] === "" || !Number.isFinite(v))
        problems.push({ line, message: `column ${key}: expected a number, got "${r[key] ?? ""}"` });
      return v;
    };
    const urban = r.urban === undefined || r.urban === "" ? undefined : /^(true|1|yes)$/i.test(r.urban);
    return {
      area: r.area,
      areaType: r.area_type,
      township: r.township,
      village: r.village,
      population: number("population"),
      x: number("x_km"),
      y: number("y_km"),
      ...(urban === undefined ? {} : { urban }),
    };
  });
  return { units, problems };
}
