import type { World } from "../../models/world.ts";
import { executeGroup, type GroupTask } from "./execute-group.ts";
import { reuseWorld } from "./world-reuse.ts";

/**
 * Piscina worker: runs one group task. The world is built once per worker and kept for the next
 * task: as is for the same scenario, its heavy parts reused for a scenario that differs only in
 * policy (sweeps, calibration; see world-reuse.ts).
 */
let world: World | undefined;

export default function runTask(task: GroupTask) {
  world = reuseWorld(world, task.scenario);
  return executeGroup(task, world);
}
