import { describe, expect, it } from "vitest";
import { CarePathway } from "../models/care/care-pathway.ts";
import { DEFAULT_EPISODE_KINDS } from "../models/care/episodes.ts";
import { PREGNANT } from "../models/population/population.ts";
import { ScenarioSchema } from "../models/scenario.ts";
import { buildWorld, sharedCapacity } from "../models/world.ts";
import { RandomStreams } from "../sim/engine/random/streams.ts";
import { Outbox } from "../sim/engine/shared-exchange.ts";

describe("key groups held by open episodes", () => {
  it("keeps a resident pregnant while any of her maternity episodes is open, even when they overlap", () => {
    // Maternity three times a year for women 15–44: episodes of ~6 months overlap often.
    const maternity = DEFAULT_EPISODE_KINDS.find((k) => k.id === "maternity");
    const world = buildWorld(
      ScenarioSchema.parse({
        run: { population: 20_000, years: 1 },
        episodes: { kinds: [{ ...maternity, incidence: { ages: [0, 15, 45], values: [0, 3, 0] } }] },
      }),
    );
    const m = new CarePathway(world.geography.areas.length - 1, world, new RandomStreams(7, 0), 12);
    m.attachShared(sharedCapacity(world));
    m.outbox = new Outbox();
    let overlaps = 0;
    for (let day = 0; day < 200; day++) {
      m.outbox.count = 0; // city-wide requests are left unanswered: those episodes stay open
      m.fel.openDay(day);
      m.beginDay(day);
      while (m.fel.pop()) m.handle(m.fel.poppedKind, m.fel.poppedPayload, m.fel.poppedTime);
      // The invariant, every 20 days: pregnant ⇔ at least one open maternity episode.
      if (day % 20 !== 19) continue;
      const open = new Uint16Array(m.residents.count);
      for (const e of m.episodes.openSlots()) open[m.episodes.resident[e]]++;
      for (let r = 0; r < m.residents.count; r++) {
        expect((m.residents.keyGroups[r] & PREGNANT) !== 0, `resident ${r}, day ${day}`).toBe(open[r] > 0);
        if (open[r] > 1) overlaps++;
      }
    }
    expect(overlaps).toBeGreaterThan(100);
  });
});
