/**
 * The distributed backend: BullMQ over Redis. `tiersim sweep|calibrate --backend bullmq` puts
 * each run on a queue as a job; `tiersim worker` processes on any number of machines take them.
 *
 * - A job's id is the hash of its scenario (canonical JSON), so a run is queued once however
 *   often it is asked for, and a finished run's metrics stay in Redis: a resumed or repeated
 *   experiment collects them without simulating again.
 * - A worker killed mid-job stops renewing its lock; after the lock expires, BullMQ's stalled-job
 *   check moves the job back to the queue and another worker runs it. The result is the same
 *   whichever worker computes it, and it is collected once, by job id: nothing lost, nothing
 *   counted twice.
 * - Metrics travel as JSON text, which round-trips every number exactly: the metrics equal the
 *   local run's, byte for byte.
 */
import { hostname } from "node:os";
import { type Job, Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { RunMetrics } from "../../models/outcomes/metrics-schema.ts";
import { type Scenario, ScenarioSchema } from "../../models/scenario.ts";
import { scenarioHash } from "../experiments/manifest.ts";
import { TIERSIM_VERSION } from "../version.ts";
import type { SimulationBackend } from "./backend.ts";
import { LocalBackend } from "./local.ts";

export const DEFAULT_QUEUE = "tiersim";
const JOB_NAME = "simulate";

interface SimulationJob {
  scenario: Scenario;
}

/** A Redis connection as BullMQ needs it (commands wait for a reconnect instead of failing). */
function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/**
 * The job id of a scenario's run: tiersim's version and the scenario's content hash, so that
 * equal runs share one job and another version's results are never read back as this one's.
 */
export function jobIdOf(scenario: Scenario): string {
  return `sim-${TIERSIM_VERSION}-${scenarioHash(scenario)}`;
}

export interface BullmqBackendOptions {
  redis: string;
  queue?: string;
  /** Runs kept in flight (queued or running); default 256. */
  lanes?: number;
  /** Attempts per job before it counts as failed (a killed worker's attempt does not count). */
  attempts?: number;
}

export class BullmqBackend implements SimulationBackend {
  readonly lanes: number;
  private readonly queue: Queue<SimulationJob, string>;
  private readonly events: QueueEvents;
  private readonly connections: Redis[];

  constructor(private readonly options: BullmqBackendOptions) {
    this.lanes = options.lanes ?? 256;
    const name = options.queue ?? DEFAULT_QUEUE;
    const [forQueue, forEvents] = [connect(options.redis), connect(options.redis)];
    this.connections = [forQueue, forEvents];
    this.queue = new Queue<SimulationJob, string>(name, { connection: forQueue });
    this.events = new QueueEvents(name, { connection: forEvents });
  }

  async run(scenario: Scenario): Promise<RunMetrics> {
    const jobId = jobIdOf(scenario);
    // A run that failed before (every attempt) is tried again; one finished is read as it is.
    const existing = await this.queue.getJob(jobId);
    if (existing && (await existing.getState()) === "failed") await existing.retry();
    const job =
      existing ??
      (await this.queue.add(
        JOB_NAME,
        { scenario },
        {
          jobId,
          attempts: this.options.attempts ?? 3,
          backoff: { type: "fixed", delay: 1000 },
          removeOnComplete: false,
          removeOnFail: false,
        },
      ));
    const value: unknown = await job.waitUntilFinished(this.events);
    return JSON.parse(typeof value === "string" ? value : JSON.stringify(value)) as RunMetrics;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}

export interface QueueWorkerOptions {
  redis: string;
  queue?: string;
  /** Worker threads for each job's run. */
  threads: number;
  /** How long a job's lock holds without renewal: a killed worker's job returns after this. */
  lockSeconds?: number;
  /** Shown in the job as the worker that processed it. */
  name?: string;
  onJob?: (event: "active" | "completed" | "failed", job: Job<SimulationJob, string>) => void;
}

/** Takes simulation jobs from the queue, one at a time, until closed. */
export async function startQueueWorker(
  options: QueueWorkerOptions,
): Promise<{ name: string; close(): Promise<void> }> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const local = new LocalBackend(options.threads, { alwaysPool: true });
  const connection = connect(options.redis);
  const lockDuration = Math.round((options.lockSeconds ?? 30) * 1000);
  const worker = new Worker<SimulationJob, string>(
    options.queue ?? DEFAULT_QUEUE,
    async (job) => {
      options.onJob?.("active", job);
      // Validated again: a job is data from the network, and the schema fills what JSON left out.
      const scenario = ScenarioSchema.parse(job.data.scenario);
      return JSON.stringify(await local.run(scenario));
    },
    {
      connection,
      concurrency: 1,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 10,
      name,
    },
  );
  worker.on("completed", (job) => options.onJob?.("completed", job));
  worker.on("failed", (job) => job && options.onJob?.("failed", job));
  worker.on("error", () => {}); // connection errors are retried by ioredis; a job's own go to "failed"
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      await worker.close();
      await local.close();
      connection.disconnect();
    },
  };
}
