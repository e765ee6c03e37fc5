/**
 * Writing output files so that a reader (or a crash) sees either the old file or the complete new
 * one, never a half-written file: write a temporary file beside the target, fsync it, then rename
 * it over the target (rename is atomic within one file system on POSIX).
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Names longer than this (in UTF-16 units, a safe bound for 255-byte file-name limits) are cut. */
const MAX_TEMP_BASE = 100;

/** A hidden, unique name in the target's directory, so the final rename never crosses devices. */
export function tempPathFor(path: string): string {
  const base = basename(path).slice(0, MAX_TEMP_BASE);
  return join(dirname(path), `.${base}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Creates a directory and its parents; does nothing if it exists. */
export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

/**
 * Replaces `path` with `data` atomically. On failure the temporary file is removed, the target is
 * left as it was, and the error is rethrown.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tempPath = tempPathFor(path);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  let created = false;
  try {
    // "wx": fail rather than follow or overwrite anything that already has this name.
    handle = await open(tempPath, "wx");
    created = true;
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tempPath, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (created) await rm(tempPath, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Fsyncs a directory so the rename itself survives a power cut. Best effort: some platforms and
 * file systems (Windows, some network mounts) refuse to open or sync a directory.
 */
async function syncDirectory(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch {
    // The data is already in place; only its durability across a crash is weaker here.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
