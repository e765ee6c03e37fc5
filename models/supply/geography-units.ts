import { z } from "zod";

/**
 * Coordinates are km east and north of the region's centre, not degrees. China spans about 5,200
 * km east to west and 5,500 km north to south, so no unit of a Chinese region lies farther than
 * 5,500 km from its centre along either axis, wherever the centre is put. A larger value is a
 * unit mistake, most often metres written for km (any unit more than 5.5 km out then exceeds it).
 */
export const MAX_OFFSET_KM = 5500;

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
    population: z.number().int().min(1).describe("Residents (scaled to run.population)."),
    x: z
      .number()
      .min(-MAX_OFFSET_KM)
      .max(MAX_OFFSET_KM)
      .describe("East coordinate, km from the city centre."),
    y: z
      .number()
      .min(-MAX_OFFSET_KM)
      .max(MAX_OFFSET_KM)
      .describe("North coordinate, km from the city centre."),
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

/** The words a boolean column accepts (any case); an empty cell takes the default. */
const TRUE_WORDS = ["true", "1", "yes"];
const FALSE_WORDS = ["false", "0", "no"];

/**
 * Rows of a parsed CSV (header → string) to units, with per-row problems at 1-based CSV lines
 * (`lines[i]`, the line of record i; by default the header's line plus i + 1), each naming the
 * column by position and name. Values are read strictly: a boolean is true/false/1/0/yes/no, a
 * population a whole number ≥ 1, a coordinate a number of km within ±MAX_OFFSET_KM.
 */
export function unitsFromRecords(
  records: Record<string, string>[],
  lines: readonly number[] = records.map((_, i) => i + 2),
): {
  units: unknown[];
  problems: { line: number; message: string }[];
} {
  const problems: { line: number; message: string }[] = [];
  const units = records.map((r, i) => {
    const line = lines[i];
    const column = (key: string) => `column ${Object.keys(r).indexOf(key) + 1} (${key})`;
    const problem = (key: string, expected: string) =>
      problems.push({ line, message: `${column(key)}: expected ${expected}, got "${r[key] ?? ""}"` });
    const number = (key: string) => {
      const v = Number(r[key]);
      if (r[key] === undefined || r[key] === "" || !Number.isFinite(v)) problem(key, "a number");
      return v;
    };
    const coordinate = (key: string) => {
      const v = number(key);
      if (Number.isFinite(v) && Math.abs(v) > MAX_OFFSET_KM)
        problem(
          key,
          `km from the centre, between -${MAX_OFFSET_KM} and ${MAX_OFFSET_KM} (metres given for km?)`,
        );
      return v;
    };
    const population = number("population");
    if (Number.isFinite(population) && !(Number.isInteger(population) && population >= 1))
      problem("population", "a whole number of residents ≥ 1");
    let urban: boolean | undefined;
    const flag = r.urban?.toLowerCase();
    if (flag !== undefined && flag !== "") {
      if (TRUE_WORDS.includes(flag)) urban = true;
      else if (FALSE_WORDS.includes(flag)) urban = false;
      else problem("urban", "true, false, 1, 0, yes or no (or nothing, for the default)");
    }
    if (r.area_type !== undefined && r.area_type !== "district" && r.area_type !== "county")
      problem("area_type", "district or county");
    return {
      area: r.area,
      areaType: r.area_type,
      township: r.township,
      village: r.village,
      population,
      x: coordinate("x_km"),
      y: coordinate("y_km"),
      ...(urban === undefined ? {} : { urban }),
    };
  });
  return { units, problems };
}
