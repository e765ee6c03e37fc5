/**
 * Reusing the worker bundle between runs from the sources: the last bundle is taken without
 * bundling only while every source it was built from has its recorded size and modification time.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type BundleRecord, unchangedBundle, workerEntry } from "../sim/pipeline/worker-bundle.ts";

const dir = mkdtempSync(join(tmpdir(), "tiersim-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake bundle built from two sources, and its record. */
function setUp(name: string) {
  const bundle = join(dir, `${name}.mjs`);
  const sources = [join(dir, `${name}-a.ts`), join(dir, `${name}-b.ts`)];
  writeFileSync(bundle, "export default 1;");
  sources.forEach((s, i) => {
    writeFileSync(s, `export const x = ${i};`);
    utimesSync(s, 1_700_000_000 + i, 1_700_000_000 + i);
  });
  const record: BundleRecord = {
    file: bundle,
    inputs: sources.map((path, i) => ({ path, size: 19, mtimeMs: (1_700_000_000 + i) * 1000 })),
  };
  const recordFile = join(dir, `${name}.json`);
  writeFileSync(recordFile, JSON.stringify(record));
  return { bundle, sources, recordFile };
}

describe("the worker bundle's record", () => {
  it("gives the bundle while its sources are as recorded", () => {
    const { bundle, recordFile } = setUp("same");
    expect(unchangedBundle(recordFile)).toBe(bundle);
  });

  it("gives nothing when a source's modification time changed", () => {
    const { sources, recordFile } = setUp("touched");
    utimesSync(sources[1], 1_800_000_000, 1_800_000_000);
    expect(unchangedBundle(recordFile)).toBeUndefined();
  });

  it("gives nothing when a source's size changed, even at the same time", () => {
    const { sources, recordFile } = setUp("edited");
    writeFileSync(sources[0], "export const x = 10;");
    utimesSync(sources[0], 1_700_000_000, 1_700_000_000);
    expect(unchangedBundle(recordFile)).toBeUndefined();
  });

  it("gives nothing when a source or the bundle is gone, or the record is unreadable", () => {
    const a = setUp("no-source");
    rmSync(a.sources[0]);
    expect(unchangedBundle(a.recordFile)).toBeUndefined();
    const b = setUp("no-bundle");
    rmSync(b.bundle);
    expect(unchangedBundle(b.recordFile)).toBeUndefined();
    const c = setUp("bad-record");
    writeFileSync(c.recordFile, "{ not json");
    expect(unchangedBundle(c.recordFile)).toBeUndefined();
  });

  it("is written by a bundling, so that the next run reuses that bundle", async () => {
    const first = await workerEntry();
    expect(unchangedBundle()).toBe(first.filename);
    expect((await workerEntry()).filename).toBe(first.filename);
  });
});
