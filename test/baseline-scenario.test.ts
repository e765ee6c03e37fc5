import { describe, expect, it } from "vitest";
import { ScenarioSchema } from "../models/scenario.ts";
import { loadScenario } from "../sim/scenario/loader.ts";

describe("scenarios/baseline.yaml", () => {
  it("is the built-in default world, so the file documents the defaults", async () => {
    const { scenario } = await loadScenario("scenarios/baseline.yaml");
    const defaults = ScenarioSchema.parse({});
    expect({ ...scenario, name: "", description: "" }).toEqual({ ...defaults, name: "", description: "" });
  });

  it("comments every section", async () => {
    const { readFile } = await import("node:fs/promises");
    const text = await readFile("scenarios/baseline.yaml", "utf8");
    const lines = text.split("\n");
    for (const section of [
      "run",
      "geography",
      "population",
      "facilities",
      "episodes",
      "insurance",
      "choice",
      "referral",
      "targets",
    ]) {
      const at = lines.findIndex((l) => l.startsWith(`${section}:`));
      expect(at, section).toBeGreaterThan(0);
      expect(lines[at - 1].startsWith("#"), `comment above ${section}`).toBe(true);
    }
  });
});
