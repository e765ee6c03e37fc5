import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/**
 * Reading the files users name (scenarios, the files they extend, units CSVs, targets): regular
 * files only, of bounded size. The file is opened without blocking and checked on its open
 * descriptor before a byte is read, so a FIFO never hangs the reader, /dev/zero is never read
 * without end, and a file swapped after the check cannot slip past it.
 */

/**
 * A scenario (or targets) file is written by hand: the largest shipped one, baseline.yaml, which
 * spells out every default, is 37 KB. 5 MB is over 100 times that; a larger file is a mistake
 * (a data file named by error) that would only make YAML parsing slow.
 */
export const SCENARIO_MAX_BYTES = 5 * 1024 * 1024;

/**
 * A units CSV has one row per village or community, about 60–80 bytes. China has about 600,000
 * of them (about 490,000 village and 110,000 community committees, 2020 yearbooks), so a file of
 * the whole country is about 40–50 MB; a prefecture-level city's is a few hundred KB. 50 MB holds
 * the whole country and refuses what cannot be a units file.
 */
export const UNITS_MAX_BYTES = 50 * 1024 * 1024;

/** Why a named file cannot be read, in plain words (the message is the reason alone). */
export class InputFileError extends Error {
  override readonly name = "InputFileError";
  /** The system's error code when opening failed ("ENOENT" for a missing file). */
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The text of the regular file `path` (UTF-8), or an InputFileError saying why not. */
export function readInputFile(path: string, maxBytes: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new InputFileError(openProblem(error), (error as NodeJS.ErrnoException).code);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(`it is ${kindOf(stats)}, not a regular file`);
    if (stats.size > maxBytes) {
      // In bytes when megabytes would read alike (5.0 MB, more than the 5.0 MB allowed).
      const [size, limit] = [megabytes(stats.size), megabytes(maxBytes)];
      const [said, allowed] = size === limit ? [`${stats.size} bytes`, `${maxBytes} bytes`] : [size, limit];
      throw new InputFileError(`it is ${said}, more than the ${allowed} allowed`);
    }
    // Read to the end, in case the file grew since fstat, but never past the limit.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes, stats.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes)
          throw new InputFileError(`it grew past the ${megabytes(maxBytes)} allowed while being read`);
        const larger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function openProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "ELOOP":
      return "too many symbolic links";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
