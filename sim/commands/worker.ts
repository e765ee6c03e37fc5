/**
 * `tiersim worker --redis URL`: takes simulation jobs from the queue that `tiersim sweep` and
 * `tiersim calibrate` fill with `--backend bullmq`, on this machine, until stopped (Ctrl-C or
 * SIGTERM finish the job under way first; a killed worker's job goes to another worker).
 */
import { Command } from "@commander-js/extra-typings";
import { DEFAULT_QUEUE, startQueueWorker } from "../backends/bullmq.ts";
import { defaultThreads } from "../pipeline/parallel.ts";
import { terminalText } from "../scenario/terminal-text.ts";
import { positiveInt } from "./options.ts";

export function workerCommand() {
  return new Command("worker")
    .description(
      "Take simulation jobs from a Redis queue (filled by sweep or calibrate with --backend bullmq).",
    )
    .requiredOption("--redis <url>", "Redis server, e.g. redis://10.0.0.5:6379")
    .option("--queue <name>", "queue name (the same on the experiment's side)", DEFAULT_QUEUE)
    .option(
      "--threads <n>",
      `worker threads per job (default: cores, here ${defaultThreads()})`,
      positiveInt("--threads"),
    )
    .option(
      "--lock-seconds <n>",
      "seconds a job stays claimed without a heartbeat (a killed worker's job returns after this)",
      positiveInt("--lock-seconds"),
      30,
    )
    .option("--quiet", "print nothing but errors")
    .option("--json", "log each job as a JSON line on stdout")
    .addHelpText(
      "after",
      `
Examples:
  redis-server --port 6379 --save '' --appendonly no      # on one machine
  tiersim worker --redis redis://10.0.0.5:6379              # on every machine, as many as you like
  tiersim sweep scenarios/baseline.yaml --vary contracting.coverage.all=0.2,0.4,0.6 \\
      --backend bullmq --redis redis://10.0.0.5:6379`,
    )
    .action(async (opts) => {
      const threads = Math.min(opts.threads ?? defaultThreads(), defaultThreads());
      const log = (line: string, record: object) => {
        if (opts.json) process.stdout.write(`${JSON.stringify(record)}\n`);
        else if (!opts.quiet) process.stderr.write(`${terminalText(line)}\n`);
      };
      const worker = await startQueueWorker({
        redis: opts.redis,
        queue: opts.queue,
        threads,
        lockSeconds: opts.lockSeconds,
        onJob: (event, job) =>
          log(`tiersim worker: ${event} ${job.id}`, { event, job: job.id, at: new Date().toISOString() }),
      });
      log(
        `tiersim worker ${worker.name}: waiting for jobs on "${opts.queue}" at ${opts.redis} (${threads} threads)`,
        {
          event: "ready",
          worker: worker.name,
        },
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      // The job under way finishes first; a worker whose Redis has gone cannot close cleanly,
      // so it gives up after a while (its job, if any, returns to the queue by the lock's expiry).
      const gaveUp = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
      await Promise.race([worker.close(), gaveUp]);
      process.exit(0);
    });
}
