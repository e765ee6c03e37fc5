import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeRunOutputs } from "../reports/write-report.ts";
import { runScenario } from "../sim/run.ts";
import { smallScenario } from "./helpers/small-scenario.ts";

async function metricsBytes(threads: number, replications = 1): Promise<string> {
  const { metrics } = await runScenario(smallScenario({ population: 15_000, replications }), { threads });
  const dir = await mkdtemp(join(tmpdir(), "tiersim-det-"));
  await writeRunOutputs(dir, metrics);
  return readFile(join(dir, "metrics.json"), "utf8");
}

describe("determinism", () => {
  it("the same scenario and seed give byte-identical metrics.json across runs", async () => {
    expect(await metricsBytes(1)).toBe(await metricsBytes(1));
  });

  it("gives byte-identical metrics.json with 1, 2, 3 and 8 threads (partitions split across workers)", async () => {
    const one = await metricsBytes(1);
    expect(await metricsBytes(2)).toBe(one);
    expect(await metricsBytes(3)).toBe(one);
    expect(await metricsBytes(8)).toBe(one);
  }, 60_000);

  it("gives identical results when replications run side by side on threads", async () => {
    expect(await metricsBytes(2, 2)).toBe(await metricsBytes(1, 2));
  }, 60_000);
});
