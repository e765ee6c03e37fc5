import { dayOfDate, unchangeableReason } from "../../models/policy/timeline.ts";
import type { Scenario } from "../../models/scenario.ts";
import { ScenarioSchema } from "../../models/scenario.ts";
import { applyOverride, formatSetPath, parseSetPath } from "./overrides.ts";

/**
 * The phases of a run: the scenario as it stands from each timeline date on (the changes of that
 * date and all earlier ones applied, in date order, then file order). Phase 0 is the scenario as
 * written, from day 0. Pure; every problem is reported with the timeline entry and path it comes
 * from.
 */
export interface Phase {
  day: number;
  date: string;
  note: string;
  scenario: Scenario;
}

export interface PhaseProblem {
  /** Path in the scenario file, e.g. ["timeline", 0, "set", "choice.waitPerDay"]. */
  path: (string | number)[];
  message: string;
}

export function timelinePhases(base: Scenario): { phases: Phase[]; problems: PhaseProblem[] } {
  const { startYear, years } = base.run;
  const horizon = years * 365;
  const problems: PhaseProblem[] = [];
  const dated = base.timeline
    .map((change, index) => ({ change, index, day: dayOfDate(change.date, startYear) }))
    .filter((c) => {
      if (typeof c.day === "string") {
        problems.push({ path: ["timeline", c.index, "date"], message: c.day });
        return false;
      }
      if (c.day <= 0 || c.day >= horizon) {
        problems.push({
          path: ["timeline", c.index, "date"],
          message: `expected a date inside the run (${startYear}-01-02 to the end of ${startYear + years - 1}), got ${c.change.date}`,
        });
        return false;
      }
      return true;
    })
    .sort((a, b) => (a.day as number) - (b.day as number) || a.index - b.index);

  const phases: Phase[] = [{ day: 0, date: `${startYear}-01-01`, note: "", scenario: base }];
  let current = structuredClone(base) as unknown as Record<string, unknown>;
  for (const { change, index, day } of dated) {
    const next = structuredClone(current);
    for (const [key, value] of Object.entries(change.set)) {
      const where = ["timeline", index, "set", key];
      const parsed = parseSetPath(key);
      if (!parsed.ok) {
        problems.push({ path: where, message: parsed.message });
        continue;
      }
      const reason = unchangeableReason(formatSetPath(parsed.value));
      if (reason) {
        problems.push({ path: where, message: reason });
        continue;
      }
      const applied = applyOverride(next, { text: key, path: parsed.value, value }, ScenarioSchema);
      if (!applied.ok) problems.push({ path: where, message: applied.message });
    }
    const checked = ScenarioSchema.safeParse(next);
    if (!checked.success) {
      for (const issue of checked.error.issues)
        problems.push({
          path: ["timeline", index, "set"],
          message: `${issue.path.join(".")}: ${issue.message}`,
        });
      continue;
    }
    current = next;
    const at = day as number;
    const last = phases[phases.length - 1];
    const phase = { day: at, date: change.date, note: change.note, scenario: checked.data };
    if (last.day === at)
      phases[phases.length - 1] = { ...phase, note: [last.note, change.note].filter(Boolean).join("; ") };
    else phases.push(phase);
  }
  return { phases, problems };
}
