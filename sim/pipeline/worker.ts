import { buildWorld, type World } from "../../models/world.ts";
import { executeGroup, type GroupTask } from "./execute-group.ts";

/** Piscina worker: runs one group task; the world is built once per worker and scenario. */
let cached: { key: string; world: World } | undefined;

export default function runTask(task: GroupTask) {
  const key = JSON.stringify(task.scenario);
  if (!cached || cached.key !== key) cached = { key, world: buildWorld(task.scenario) };
  return executeGroup(task, cached.world);
}
