import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Where piscina's workers come from. Workers run compiled JavaScript: under the tsx loader a
 * worker runs the same code about twice as slowly (measured: one replication 6.0 s in a tsx
 * worker, 3.8 s compiled).
 * - Built (dist/cli.js, as installed by npm): the worker is dist/worker.js, built beside it by
 *   `npm run build`. Nothing is compiled or written at run time, so a read-only install works.
 * - From the sources (sim/*.ts under tsx or vitest, in a clone): the worker entry is bundled with
 *   esbuild on first use into the clone's node_modules/.cache/tiersim, named by the hash of its
 *   content, so a changed source gives a new file and concurrent runs never see a partial one.
 *   A record of the sources' sizes and modification times lets the next run reuse the bundle
 *   without bundling while none has changed.
 *   Where that cannot be written, the TypeScript worker runs under tsx, resolved from tiersim's
 *   own node_modules (not from the current folder).
 */
export interface WorkerEntry {
  filename: string;
  execArgv: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const fromSources = import.meta.url.endsWith(".ts");

export async function workerEntry(): Promise<WorkerEntry> {
  if (!fromSources) return { filename: join(here, "worker.js"), execArgv: [] };
  try {
    return { filename: await bundleWorker(), execArgv: [] };
  } catch (error) {
    process.emitWarning(
      `tiersim: running workers under tsx (slower): cannot write the worker bundle: ${String(error)}`,
    );
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return { filename: join(here, "worker.ts"), execArgv: ["--import", tsx] };
  }
}

// Inside the clone so that the bundle's package imports resolve from its node_modules.
const cacheDir = join(here, "..", "..", "node_modules", ".cache", "tiersim");
/** The last bundle written and the size and modification time of each source it was built from. */
const latest = join(cacheDir, "latest.json");

export interface BundleRecord {
  file: string;
  inputs: { path: string; size: number; mtimeMs: number }[];
}

/**
 * The last bundle, when none of its sources has changed since it was built: checking them costs
 * a few milliseconds, bundling about 250 (measured: loading esbuild and building, every time a
 * run started its pool from the sources).
 */
export function unchangedBundle(recordFile = latest): string | undefined {
  try {
    const record = JSON.parse(readFileSync(recordFile, "utf8")) as BundleRecord;
    if (!existsSync(record.file)) return undefined;
    for (const input of record.inputs) {
      const now = statSync(input.path);
      if (now.size !== input.size || now.mtimeMs !== input.mtimeMs) return undefined;
    }
    return record.file;
  } catch {
    return undefined;
  }
}

async function bundleWorker(): Promise<string> {
  const reused = unchangedBundle();
  if (reused) return reused;
  // Imported here, not at the top: the built CLI never bundles at run time and needs no esbuild.
  const { buildSync } = await import("esbuild");
  // Sources are stat-ed before bundling: a file edited during the build is older than its record.
  const started = Date.now();
  const result = buildSync({
    entryPoints: [join(here, "worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
    metafile: true,
  });
  const code = result.outputFiles[0].contents;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const file = join(cacheDir, `worker-${hash}.mjs`);
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(file)) writeAtomically(file, code);
  const inputs = Object.keys(result.metafile.inputs).map((input) => {
    const path = resolve(input);
    const { size, mtimeMs } = statSync(path);
    return { path, size, mtimeMs };
  });
  // A source modified while esbuild read it could have been bundled in its old state: no record.
  if (inputs.every((i) => i.mtimeMs < started))
    writeAtomically(latest, JSON.stringify({ file, inputs } satisfies BundleRecord));
  return file;
}

/** Writes through a temporary file and a rename, so concurrent runs never read a partial file. */
function writeAtomically(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}
