/** The backend the command line asks for (`--backend local|bullmq --redis URL --queue NAME`). */
import { ScenarioError } from "../scenario/errors.ts";
import type { SimulationBackend } from "./backend.ts";
import { BullmqBackend } from "./bullmq.ts";
import { LocalBackend } from "./local.ts";

export const BACKENDS = ["local", "bullmq"] as const;

export interface BackendChoice {
  backend?: string;
  redis?: string;
  queue?: string;
}

/** Checks the choice before anything runs: bullmq needs a Redis URL, local takes none. */
export function checkBackendChoice(choice: BackendChoice): void {
  const backend = choice.backend ?? "local";
  if (backend === "bullmq" && !choice.redis)
    throw new ScenarioError([
      { file: "--backend bullmq", path: "", message: "needs --redis URL (e.g. redis://127.0.0.1:6379)" },
    ]);
  if (backend === "local" && choice.redis)
    throw new ScenarioError([{ file: "--redis", path: "", message: "only with --backend bullmq" }]);
}

export function openBackend(choice: BackendChoice, threads: number): SimulationBackend {
  checkBackendChoice(choice);
  if (choice.backend === "bullmq")
    return new BullmqBackend({ redis: choice.redis as string, queue: choice.queue });
  return new LocalBackend(threads);
}
