/**
 * Progress on stderr for runs, sweeps and calibration: a bar with the time left when stderr is a
 * terminal with columns, nothing otherwise (pipes, CI logs, `--quiet`, `--json`), so stdout stays
 * clean for results. cli-progress is used on stderr only; on a 0-column terminal it is not started.
 */
import { SingleBar } from "cli-progress";

export interface Progress {
  /** Sets the units done so far (monotone; smaller values are ignored). */
  update(done: number, total?: number): void;
  /** Ends the bar and leaves the terminal on a fresh line. */
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function shouldShowProgress(quiet: boolean | undefined): boolean {
  return !quiet && Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0;
}

/**
 * A progress bar labelled `label` over `total` units (days simulated, runs, evaluations), shown
 * only when `show` is true.
 */
export function createProgress(label: string, total: number, show: boolean): Progress {
  if (!show) return silent;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `  ${label} [{bar}] {percentage}% | {value}/{total} {unit} | {duration_formatted} elapsed, {eta_formatted} left`,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
    fps: 5,
  });
  let last = 0;
  let started = false;
  return {
    update(done, newTotal) {
      if (!started) {
        bar.start(newTotal ?? total, 0, { unit: "" });
        started = true;
      }
      if (newTotal !== undefined) bar.setTotal(newTotal);
      if (done < last) return;
      last = done;
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
