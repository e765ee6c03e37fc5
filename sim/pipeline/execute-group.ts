import { CarePathway } from "../../models/care/care-pathway.ts";
import {
  type PopulationMarginals,
  populationMarginals,
} from "../../models/population/population-marginals.ts";
import type { Scenario } from "../../models/scenario.ts";
import { buildWorld, sharedBeds, sharedCapacity, slotQuotas, type World } from "../../models/world.ts";
import { Barrier } from "../engine/barrier.ts";
import { type GroupRun, runGroup } from "../engine/group-runner.ts";
import { RandomStreams } from "../engine/random/streams.ts";
import { timelinePhases } from "../scenario/timeline-phases.ts";

/**
 * One task of a run: a replication's partitions that one thread simulates. Plain data and
 * SharedArrayBuffers only, so it can cross to a worker thread; `executeGroup` runs it the same
 * way in the main thread or a worker.
 */
export interface GroupTask {
  scenario: Scenario;
  replication: number;
  partitions: number[];
  /** [partition][parity] for all partitions of the replication. */
  outboxBuffers: SharedArrayBuffer[][];
  outboxCounts: SharedArrayBuffer;
  /** The smoothed waits of the shared slot pools, which the groups publish to each other. */
  sharedWaits: SharedArrayBuffer;
  barrier: SharedArrayBuffer;
  parties: number;
  /** Position of this group among the replication's groups. */
  groupIndex: number;
  /** Int32Array over this buffer: per group, the simulated day and the partition being run (for failure reports). */
  progress: SharedArrayBuffer;
  /** Test hook: fail inside this partition (of every replication, or of `replication` only). */
  injectFault?: InjectedFault;
}

/**
 * A fault the tests inject: the partition's model throws "injected fault", or its thread calls
 * process.exit, as it begins simulated day `day`, or, with `day: "build"`, while the thread
 * builds the partition (before it simulates any day).
 */
export interface InjectedFault {
  partition: number;
  day: number | "build";
  kind: "throw" | "exit";
  replication?: number;
}

export interface GroupResult {
  replication: number;
  partitions: number[];
  counters: Float64Array[];
  openByKind: Float64Array[];
  sharedRequests: number[];
  sharedResults: number[];
  stateBytes: number;
  residents: number;
  events: number;
  /** Population marginals per partition of the group (replication 0 only). */
  population?: PopulationMarginals[];
  /** Wall time to build the partitions (population synthesis) and to run them. */
  timing: { buildMs: number; runMs: number };
}

export function executeGroup(task: GroupTask, world: World = buildWorld(task.scenario)): GroupResult {
  const months = task.scenario.run.years * 12;
  const days = task.scenario.run.years * 365;
  const streams = new RandomStreams(task.scenario.run.seed, task.replication);
  const t0 = performance.now();
  // The worlds of the policy timeline: every thread builds the same ones from the scenario.
  const phases = timelinePhases(task.scenario)
    .phases.slice(1)
    .map((p) => ({ day: p.day, world: buildWorld(p.scenario) }));
  const fault =
    task.injectFault &&
    (task.injectFault.replication === undefined || task.injectFault.replication === task.replication)
      ? task.injectFault
      : undefined;
  const models = task.partitions.map((p) => {
    if (fault?.day === "build" && fault.partition === p) injectedFailure(fault);
    return new CarePathway(p, world, streams, months, phases);
  });
  // The synthesised population against its inputs, once per run (replication 0), per partition
  // so that sums are merged in partition order whatever the grouping.
  const population =
    task.replication === 0
      ? models.map((m) => populationMarginals(m.residents, task.scenario.population, world.populationTables))
      : undefined;
  if (fault && fault.day !== "build") {
    const target = models.find((m) => m.index === fault.partition);
    if (target) {
      const original = target.beginDay.bind(target);
      target.beginDay = (day: number) => {
        if (day === fault.day) injectedFailure(fault);
        original(day);
      };
    }
  }
  const progress = new Int32Array(task.progress);
  const shared = sharedCapacity(world);
  let nextPhase = 0;
  const t1 = performance.now();
  const groupRun: GroupRun = {
    models,
    outboxBuffers: task.outboxBuffers,
    outboxCounts: new Int32Array(task.outboxCounts),
    shared,
    waitSmoothing: world.waitSmoothing,
    // Shared slots follow the timeline on every thread's replica, before the day's requests.
    beforeDay: (day: number) => {
      while (nextPhase < phases.length && phases[nextPhase].day <= day) {
        const w = phases[nextPhase++].world;
        slotQuotas(w, w.facilities.sharedFirst, w.facilities.sharedCount).forEach((q, i) => {
          shared.slots.setQuota(i, q);
        });
        shared.servers.setServerCounts(sharedBeds(w), day);
        groupRun.waitSmoothing = w.waitSmoothing;
      }
    },
    days,
    barrier: new Barrier(task.parties, task.barrier),
    group: task.groupIndex,
    sharedWaits: new Float64Array(task.sharedWaits),
    onPartitionDay: (partition, day) => {
      Atomics.store(progress, 2 * task.groupIndex, day);
      Atomics.store(progress, 2 * task.groupIndex + 1, partition);
    },
  };
  const events = runGroup(groupRun);
  const t2 = performance.now();
  return {
    timing: { buildMs: t1 - t0, runMs: t2 - t1 },
    replication: task.replication,
    partitions: task.partitions,
    counters: models.map((m) => m.counters),
    openByKind: models.map((m) => m.episodes.openByKind(world.kinds.count)),
    sharedRequests: models.map((m) => m.ledger.sharedRequests),
    sharedResults: models.map((m) => m.ledger.sharedResults),
    stateBytes: models.reduce((s, m) => s + m.stateBytes, 0),
    residents: models.reduce((s, m) => s + m.residents.count, 0),
    events,
    population,
  };
}

function injectedFailure(fault: InjectedFault): never {
  if (fault.kind === "exit") process.exit(70);
  throw new Error("injected fault");
}
