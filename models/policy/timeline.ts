import { z } from "zod";
import { DAYS_PER_YEAR, MONTH_OF_DAY_OF_YEAR } from "../outcomes/counters.ts";

/**
 * The policy timeline: dated changes of scenario fields, so that planners phase reforms
 * (`timeline: [{ date: 2016-01-01, set: { "insurance.schemes.resident.outpatient.gaps.county": 15 } }]`).
 * Each `set` uses the paths of `--set`; a change holds from its date on, on top of the earlier
 * ones. Only fields that can change during a run may be set: policy (insurance, choice, referral,
 * alliances: membership and its effects only touch capability, quality and referral routes;
 * contracting: coverage changes enrol residents from the date on), what facilities offer
 * (capability, perceived quality, prices, outpatient slots), their supply per capita (doctors,
 * GPs and beds: slots and bed pools are resized from the date) and how episodes are treated and
 * paid. The region, its population and its facilities' placement, and who falls ill, are fixed
 * for a run.
 */
export const TimelineChangeSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
      .describe("The day the change takes effect (at its start)."),
    set: z
      .record(z.string(), z.unknown())
      .refine((s) => Object.keys(s).length > 0, { message: "expected at least one field to set" })
      .describe("Field paths (as for --set) and their new values."),
    note: z.string().max(500).default("").describe("What the change is, for the report."),
  })
  .strict();
export type TimelineChange = z.infer<typeof TimelineChangeSchema>;

export const TimelineSchema = z
  .array(TimelineChangeSchema)
  .max(100)
  .default([])
  .describe("Dated changes of policy fields during the run (see models/timeline.ts for which fields).");

const KIND_FIELDS =
  "admission|lengthOfStayDays|price|rehab|optOut|usualSource|maxBedWaitDays|severity|needLevel|visits";
const FACILITY_FIELDS =
  "slotsPerDoctorDay|capability|quality|priceFactor|doctorsPer10k|doctorsPerFacility|gpShare|bedsPer1000|bedsPerFacility";
const TYPES =
  "villageClinic|communityStation|townshipCentre|communityCentre|countyGeneral|countyTcm|citySecondary|rehabNursing|tertiary|provincial";

/** Paths a timeline change may set (anchored regular expressions over the dotted path). */
const CHANGEABLE: readonly RegExp[] = [
  /^insurance(\.|$)/,
  /^choice(\.|$)/,
  /^referral(\.|$)/,
  /^alliances(\.|$)/,
  /^contracting(\.|$)/,
  /^payment(\.|$)/,
  new RegExp(`^facilities\\.(${TYPES})\\.(${FACILITY_FIELDS})(\\.|$)`),
  /^facilities\.workingDaysPerYear$/,
  new RegExp(`^episodes\\.kinds\\.[^.]+\\.(${KIND_FIELDS})(\\.|$)`),
];

/** Why a path cannot change during a run, or undefined when it can. */
export function unchangeableReason(path: string): string | undefined {
  if (CHANGEABLE.some((re) => re.test(path))) return undefined;
  return "cannot change during a run: a timeline may set insurance.*, choice.*, referral.*, alliances.*, contracting.*, payment.*, facilities.<type>.{slotsPerDoctorDay, capability, quality, priceFactor, doctorsPer10k, doctorsPerFacility, gpShare, bedsPer1000, bedsPerFacility}, facilities.workingDaysPerYear and episodes.kinds.<id>.{admission, lengthOfStayDays, price, rehab, optOut, usualSource, maxBedWaitDays, severity, needLevel, visits}";
}

const DAYS_BEFORE_MONTH = (() => {
  const out = new Int32Array(12);
  for (let d = 1, m = 0; d < DAYS_PER_YEAR; d++) if (MONTH_OF_DAY_OF_YEAR[d] !== m) out[++m] = d;
  return out;
})();
const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The simulated day (from the run's start on 1 January of `startYear`) of a date, on the model's
 * calendar of 365-day years; or a message saying why the date is not one.
 */
export function dayOfDate(date: string, startYear: number): number | string {
  const [y, m, d] = date.split("-").map(Number);
  if (m < 1 || m > 12) return `${date} has no month ${m}`;
  if (d < 1 || d > MONTH_LENGTHS[m - 1])
    return m === 2 && d === 29
      ? `${date}: the model's years have 365 days, with no 29 February`
      : `${date} has no day ${d}`;
  return (y - startYear) * DAYS_PER_YEAR + DAYS_BEFORE_MONTH[m - 1] + d - 1;
}
