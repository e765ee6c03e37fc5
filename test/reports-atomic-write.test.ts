/**
 * writeFileAtomic when the file system fails half-way (after the temporary file exists): the
 * target keeps its old content and the temporary file is removed. The failures are injected by
 * mocking node:fs/promises for this file only; every other call goes to the real file system.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { writeFileAtomic } from "../reports/atomic-write.ts";

const inject = vi.hoisted(() => ({ renameFails: false, syncFails: false }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (inject.renameFails) throw Object.assign(new Error("injected rename failure"), { code: "EIO" });
      return actual.rename(from, to);
    },
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      if (inject.syncFails) {
        handle.sync = async () => {
          throw Object.assign(new Error("injected fsync failure"), { code: "EIO" });
        };
      }
      return handle;
    },
  };
});

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tiersim-atomic-"));
  inject.renameFails = false;
  inject.syncFails = false;
});
afterEach(async () => {
  inject.renameFails = false;
  inject.syncFails = false;
  await rm(scratch, { recursive: true, force: true });
});

describe("writeFileAtomic under injected failures", () => {
  it("keeps the original content and removes the temporary file when the rename fails", async () => {
    const path = join(scratch, "metrics.json");
    await writeFile(path, "original\n");
    inject.renameFails = true;
    await expect(writeFileAtomic(path, "replacement\n")).rejects.toThrow("injected rename failure");
    expect(await readFile(path, "utf8")).toBe("original\n");
    expect(await readdir(scratch)).toEqual(["metrics.json"]);
  });

  it("keeps the original content and removes the temporary file when fsync fails", async () => {
    const path = join(scratch, "report.html");
    await writeFile(path, "original\n");
    inject.syncFails = true;
    await expect(writeFileAtomic(path, "replacement\n")).rejects.toThrow("injected fsync failure");
    expect(await readFile(path, "utf8")).toBe("original\n");
    expect(await readdir(scratch)).toEqual(["report.html"]);
  });
});
