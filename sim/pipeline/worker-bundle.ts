import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
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

async function bundleWorker(): Promise<string> {
  // Imported here, not at the top: the built CLI never bundles at run time and needs no esbuild.
  const { buildSync } = await import("esbuild");
  const result = buildSync({
    entryPoints: [join(here, "worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  // Inside the clone so that the bundle's package imports resolve from its node_modules.
  const cacheDir = join(here, "..", "..", "node_modules", ".cache", "tiersim");
  const file = join(cacheDir, `worker-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, file);
  }
  return file;
}
