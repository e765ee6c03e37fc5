/**
 * manifest.json: what an output folder was made from, so that a result can be traced and
 * reproduced — the merged scenario (after `extends` and `--set`, as validated), its hash, the
 * seeds, the tiersim and Node versions, the command line and, for experiments of many runs, the
 * design. Written by sweeps; meant for `run` and `compare` as well.
 *
 * The hash is the SHA-256 of the scenario's canonical JSON: keys sorted at every level (by UTF-16
 * code units), no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them —
 * the JSON Canonicalization Scheme of RFC 8785 for the values a scenario holds. Two scenarios
 * hash alike exactly when they are the same data, whatever the order of their fields.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Scenario } from "../../models/scenario.ts";
import { ensureDir, writeFileAtomic } from "../../reports/atomic-write.ts";
import { TIERSIM_VERSION } from "../version.ts";

export const MANIFEST_FILE = "manifest.json";

export interface ManifestSeeds {
  /** run.seed: the key of every random stream. */
  simulation: number;
  /** Replications 0 … n − 1 of every run, each its own streams under the seed. */
  replications: number;
  /** The seed a design was drawn with (Latin hypercube, Morris trajectories), when there is one. */
  design?: number;
}

export interface Manifest {
  tiersim: string;
  node: string;
  /** The command line (process.argv). */
  command: string[];
  /** SHA-256 (hex) of the scenario's canonical JSON. */
  scenarioHash: string;
  seeds: ManifestSeeds;
  /** What an experiment of many runs varied, and how (a sweep's fields, method and points). */
  design?: unknown;
  /** The merged scenario, as validated. */
  scenario: Scenario;
}

/**
 * Canonical JSON (RFC 8785 for JSON data): sorted keys, no whitespace. As in JSON.stringify,
 * undefined fields are left out and non-finite numbers written as null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== "function")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** SHA-256 (hex) of the canonical JSON of a scenario (or of any JSON data). */
export function scenarioHash(scenario: unknown): string {
  return createHash("sha256").update(canonicalJson(scenario), "utf8").digest("hex");
}

export function buildManifest(input: {
  scenario: Scenario;
  command: readonly string[];
  seeds: ManifestSeeds;
  design?: unknown;
}): Manifest {
  return {
    tiersim: TIERSIM_VERSION,
    node: process.version,
    command: [...input.command],
    scenarioHash: scenarioHash(input.scenario),
    seeds: input.seeds,
    ...(input.design === undefined ? {} : { design: input.design }),
    scenario: input.scenario,
  };
}

/** Writes `outDir/manifest.json` atomically; returns its path. */
export async function writeManifest(outDir: string, manifest: Manifest): Promise<string> {
  await ensureDir(outDir);
  const path = join(outDir, MANIFEST_FILE);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/** The manifest in `outDir`, or undefined when there is none. */
export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(outDir, MANIFEST_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return JSON.parse(text) as Manifest;
}
