import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

/**
 * Worker threads run compiled JavaScript: under the tsx loader a worker runs the same code about
 * twice as slowly (measured: one replication 6.0 s in a tsx worker, 3.8 s compiled). The worker
 * entry is bundled with esbuild on first use into node_modules/.cache/tiersim, named by the hash
 * of its content, so a changed source gives a new file and concurrent runs never see a partial one.
 */
const here = dirname(fileURLToPath(import.meta.url));

export function compiledWorker(): string {
  const entry = join(here, "worker.ts");
  if (!existsSync(entry)) return join(here, "worker.js"); // already running from compiled code
  const result = buildSync({
    entryPoints: [entry],
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
  // Inside the project so that the bundle's package imports resolve from its node_modules.
  // Where that is not writable (a read-only install) this throws, and parallel.ts falls back
  // to the TypeScript worker under the tsx loader.
  const cacheDir = join(here, "..", "node_modules", ".cache", "tiersim");
  const file = join(cacheDir, `worker-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, file);
  }
  return file;
}
