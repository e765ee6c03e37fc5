// Compiles the command line and the worker to dist/cli.js and dist/worker.js: ESM for Node 20,
// each entry bundled with tiersim's own code, dependencies left to node_modules. Run by
// `prepare`, so on `npm ci` in a clone and before `npm pack`/`npm publish`. The installed
// package runs these files only: no tsx, no build and no write into its folder at run time.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const common = {
  absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  outdir: "dist",
  logLevel: "warning",
};
await Promise.all([
  build({ ...common, entryPoints: { cli: "sim/cli.ts" }, banner: { js: "#!/usr/bin/env node" } }),
  build({ ...common, entryPoints: { worker: "sim/pipeline/worker.ts" } }),
]);
