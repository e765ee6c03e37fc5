/**
 * The output folder of a run (`--out`): its default name, the check made before simulating, and
 * its replacement as a whole once the outputs are written.
 *
 * - `defaultOutDir(name)`: `out/<scenario name>`, keeping the letters of every script (温州 stays
 *   温州) and never leaving `out/` (no separator, no `.` or `..`).
 * - `checkOutDir(path)`: before any simulation, says in one message why the run could not write
 *   there (a file in the way, no permission, a folder of other files), as a ScenarioError, which
 *   the CLI reports with exit code 2.
 * - `replaceDirAtomically(path, write)`: the outputs are written into a new sibling folder, which
 *   then takes the old folder's place (old → trash, new → path, trash removed). No stale file of
 *   an earlier run survives beside the new ones (a run drawing fewer charts leaves no old chart),
 *   and a crash while writing leaves the earlier outputs whole: the folder at `path` is always
 *   one run's complete outputs (or, for the instant between the two renames, absent).
 *
 * A folder is only ever replaced if tiersim wrote it (it holds the MARKER file, or, for folders
 * written before the marker existed, a metrics.json beside output files only) or is empty, so a
 * mistaken `--out .` or `--out ~` cannot delete anybody's files.
 */
import { randomBytes } from "node:crypto";
import { type Dirent, lstatSync, mkdtempSync, readdirSync, realpathSync, rmdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ScenarioError } from "./scenario/errors.ts";
import { terminalText } from "./scenario/terminal-text.ts";

/** Written into every output folder: it marks the folder as one that the next run may replace. */
export const MARKER = ".tiersim-output";

const MARKER_TEXT =
  "This folder was written by `tiersim run`. A later run writing here replaces the whole folder.\n";

/** What an output folder written before MARKER existed may hold: the run's files and tables/. */
const OUTPUT_FILE = /\.(json|svg|png|html|csv|parquet|tmp)$/;
const OUTPUT_FOLDER = "tables";

/** Longest folder name in UTF-8 bytes: file systems allow 255, and temp siblings add a suffix. */
const MAX_NAME_BYTES = 120;

/** The default output folder of a scenario named `name`: `out/<name>`, made safe as one folder name. */
export function defaultOutDir(name: string): string {
  return join("out", folderName(name));
}

/**
 * One folder name from a scenario name: letters, marks and digits of any script, `.`, `-` and `_`
 * kept; any other run of characters (separators, spaces, controls) becomes `_`; leading and
 * trailing dots dropped (so never `.` or `..`, nor hidden); cut to MAX_NAME_BYTES on a character
 * boundary; "unnamed" when nothing is left.
 */
function folderName(name: string): string {
  const safe = terminalText(name)
    .normalize("NFC")
    .replace(/[^\p{L}\p{M}\p{N}._-]+/gu, "_")
    .replace(/^\.+|\.+$/g, "");
  let cut = "";
  let bytes = 0;
  for (const ch of safe) {
    bytes += Buffer.byteLength(ch);
    if (bytes > MAX_NAME_BYTES) break;
    cut += ch;
  }
  cut = cut.replace(/\.+$/, "");
  return cut === "" ? "unnamed" : cut;
}

/** Throws a ScenarioError (exit code 2) naming `outDir` and why a run cannot write its outputs there. */
export function checkOutDir(outDir: string): void {
  const problem = outDirProblem(outDir);
  if (problem !== undefined)
    throw new ScenarioError([{ file: `--out ${outDir}`, path: "", message: problem }]);
}

/**
 * Writes a run's outputs with `write(tempDir)` into a new folder beside `outDir`, then puts it in
 * `outDir`'s place. If `write` fails, the new folder is removed and `outDir` is left as it was.
 */
export async function replaceDirAtomically(
  outDir: string,
  write: (tempDir: string) => Promise<void>,
): Promise<void> {
  checkOutDir(outDir); // again: the folder may have changed while the run simulated
  const target = targetOf(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, `.${basename(target)}.new-`));
  try {
    await write(temp);
    await writeFile(join(temp, MARKER), MARKER_TEXT);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  const trash = join(parent, `.${basename(target)}.old-${process.pid}-${randomBytes(4).toString("hex")}`);
  let hadOld = true;
  try {
    await rename(target, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    hadOld = false;
  }
  try {
    await rename(temp, target);
  } catch (error) {
    if (hadOld) await rename(trash, target).catch(() => {});
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await rm(trash, { recursive: true, force: true });
}

/** The folder to replace: `outDir` resolved, through a symbolic link to a folder if it is one. */
function targetOf(outDir: string): string {
  const target = resolve(outDir);
  try {
    return lstatSync(target).isSymbolicLink() ? realpathSync(target) : target;
  } catch {
    return target;
  }
}

function outDirProblem(outDir: string): string | undefined {
  const target = targetOf(outDir);
  let exists = true;
  try {
    const stats = statSync(target);
    if (!stats.isDirectory())
      return `${target} is a file, not a folder: give a folder for the outputs, or remove the file`;
    const entries = readdirSync(target, { withFileTypes: true });
    const names = entries.map((e) => e.name);
    const output = (e: Dirent) =>
      (e.isFile() && OUTPUT_FILE.test(e.name)) || (e.isDirectory() && e.name === OUTPUT_FOLDER);
    const ours =
      names.length === 0 ||
      names.includes(MARKER) ||
      (names.includes("metrics.json") && entries.every(output));
    if (!ours) {
      const foreign = entries.find((e) => !output(e)) ?? entries[0];
      return `${target} holds files that no tiersim run wrote (such as "${foreign.name}"), and a run replaces its output folder whole: give a new or empty folder`;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return `a part of ${target} is a file, not a folder`;
    if (code === "EACCES" || code === "EPERM") return `no permission to read ${target}`;
    if (code !== "ENOENT") return `cannot use ${target}: ${(error as Error).message}`;
    if (lstatExists(target)) return `${target} is a broken symbolic link`;
    exists = false;
  }
  // The new folder is made beside the target (and missing parents are created): the nearest
  // existing ancestor of the target's parent must be a folder we can write in.
  let dir = dirname(target);
  while (!lstatExists(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is a file, not a folder, so ${target} cannot be made`;
    rmdirSync(mkdtempSync(join(dir, ".tiersim-probe-")));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "no permission to write there"
        : code === "EROFS"
          ? "the file system is read-only"
          : (error as Error).message;
    return `cannot ${exists ? "replace" : "create"} ${target}: ${why} (in ${dir})`;
  }
  return undefined;
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
