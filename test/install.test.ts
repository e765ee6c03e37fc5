/**
 * The installed command, as a user gets it: `npm pack`, `npm install -g` of the tarball into a
 * fresh prefix, then `<prefix>/bin/tiersim run` from another folder with the package read-only.
 * It runs the compiled build (no tsx installed, nothing written into its folder) and its
 * metrics.json is byte-identical to the clone's (sources under tsx) at 1 and 3 threads.
 *
 * SLOW: about 20 s, most of it `npm install` resolving the dependencies (--prefer-offline: from
 * npm's cache where it can, else from the registry, as after `npm ci` on CI).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const tiny = ["--set", "run.population=2000", "--set", "run.years=1", "--quiet"];
// Without the npm_* variables of an enclosing `npm test` (npm_config_prefix, local_prefix, …
// would redirect the child npm), except where npm's cache and registry are; a PATH that finds
// node and npm but no project's node_modules/.bin.
const keep =
  /^npm_config_(cache|cafile|userconfig|globalconfig|registry|proxy|https_proxy|noproxy|strict_ssl)$/i;
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => keep.test(k) || !/^npm_|^NODE_(OPTIONS|PATH)$/i.test(k)),
  ),
  PATH: [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(delimiter),
};

let tmp: string;
let pkg: string; // the installed package folder
let bin: string;
let scenario: string;
let before: string[];

/** Every file and folder under dir with its size, mtime and mode. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = lstatSync(p);
      out.push(`${relative(dir, p)} ${s.size} ${s.mtimeMs} ${s.mode.toString(8)}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

function sh(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (r.error) throw r.error;
  return r;
}

function runInstalled(threads: number, out: string) {
  const work = join(tmp, "work");
  return sh(bin, ["run", "my.yaml", ...tiny, "--threads", String(threads), "--out", out], work);
}

describe("installed package (npm pack, npm install -g, read-only)", () => {
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "tiersim-install-"));
    const packed = sh("npm", ["pack", "--pack-destination", tmp, "--loglevel=error"], root);
    expect(packed.status, packed.stderr).toBe(0);
    const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
    expect(tgz).toBeDefined();
    const prefix = join(tmp, "prefix");
    const installed = sh(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        join(tmp, tgz!),
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
      ],
      tmp,
    );
    expect(installed.status, installed.stderr).toBe(0);
    pkg = join(prefix, "lib", "node_modules", "tiersim");
    bin = join(prefix, "bin", "tiersim");
    // A user's scenario in a folder of their own: the bundled baseline, copied.
    mkdirSync(join(tmp, "work"));
    scenario = join(tmp, "work", "my.yaml");
    copyFileSync(join(pkg, "scenarios", "baseline.yaml"), scenario);
    const ro = sh("chmod", ["-R", "a-w", pkg], tmp);
    expect(ro.status, ro.stderr).toBe(0);
    before = listing(pkg);
  }, 240_000);

  afterAll(() => {
    if (!tmp) return;
    if (pkg && existsSync(pkg)) sh("chmod", ["-R", "u+w", pkg], tmp);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("ships the compiled build only, without tsx or esbuild", () => {
    expect(existsSync(join(pkg, "dist", "cli.js"))).toBe(true);
    expect(existsSync(join(pkg, "dist", "worker.js"))).toBe(true);
    expect(existsSync(join(pkg, "sim"))).toBe(false);
    expect(existsSync(join(pkg, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(pkg, "node_modules", "esbuild"))).toBe(false);
  });

  it("runs from another folder with its package read-only, writing nothing into it", () => {
    const out = join(tmp, "out-3");
    const r = runInstalled(3, out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.population).toBe(2000);
    expect(existsSync(join(out, "report.html"))).toBe(true);
    expect(listing(pkg)).toEqual(before);
  });

  it("gives the clone's metrics.json byte for byte, at 1 and 3 threads", () => {
    const clone = sh(
      process.execPath,
      [
        join(root, "bin", "tiersim.js"),
        "run",
        scenario,
        ...tiny,
        "--threads",
        "1",
        "--out",
        join(tmp, "clone"),
      ],
      root,
    );
    expect(clone.stderr).toBe("");
    expect(clone.status).toBe(0);
    const one = runInstalled(1, join(tmp, "out-1"));
    expect(one.status, one.stderr).toBe(0);
    if (!existsSync(join(tmp, "out-3"))) expect(runInstalled(3, join(tmp, "out-3")).status).toBe(0);
    const expected = readFileSync(join(tmp, "clone", "metrics.json"));
    expect(readFileSync(join(tmp, "out-1", "metrics.json")).equals(expected)).toBe(true);
    expect(readFileSync(join(tmp, "out-3", "metrics.json")).equals(expected)).toBe(true);
    expect(listing(pkg)).toEqual(before);
  });

  it("reports a worker pool that cannot start as one line, exit 1, no stack trace", () => {
    // The installed CLI beside a worker module that throws on load; 16 threads leave workers
    // without a task, whose failure piscina reports as an 'error' event on the pool.
    const broken = join(tmp, "broken");
    mkdirSync(join(broken, "dist"), { recursive: true });
    copyFileSync(join(pkg, "dist", "cli.js"), join(broken, "dist", "cli.js"));
    copyFileSync(join(pkg, "package.json"), join(broken, "package.json"));
    chmodSync(join(broken, "package.json"), 0o644);
    writeFileSync(join(broken, "dist", "worker.js"), 'throw new Error("worker module failed to load");\n');
    symlinkSync(join(pkg, "node_modules"), join(broken, "node_modules"));
    const r = sh(
      process.execPath,
      [
        join(broken, "dist", "cli.js"),
        "run",
        scenario,
        ...tiny,
        "--threads",
        "16",
        "--out",
        join(tmp, "never"),
      ],
      tmp,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tiersim: run failed: [^\n]*worker module failed to load\n$/);
  });
});
