/**
 * Text that users wrote (scenario names and notes, file names, values quoted in messages) echoed
 * to a terminal. A terminal obeys control characters: an escape sequence in a scenario name could
 * clear the screen, retitle the window, recolour or move the cursor, and a carriage return could
 * overwrite the line before it, so a message could be made to say something else. This removes
 * ANSI escape sequences whole (CSI `ESC [ … final`, OSC/DCS/PM/APC strings to their terminator,
 * two- and three-character escapes), then every other C0 control but the newline, DEL, every C1
 * control (U+0080–U+009F, which some terminals obey as 8-bit escapes) and the bidirectional
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what is displayed.
 * Printable text of every script, Chinese included, is kept as it is.
 */

const ESCAPE_SEQUENCES = new RegExp(
  [
    "\\u001b\\[[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]", // CSI
    "\\u009b[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]", // 8-bit CSI
    "\\u001b[\\]PX^_][^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)", // OSC, DCS, SOS, PM, APC strings
    "\\u001b[\\u0020-\\u002f]+[\\u0030-\\u007e]", // nF escapes (ESC ( B: character sets)
    "\\u001b[\\u0030-\\u007e]", // Fp, Fe and Fs escapes (ESC 7, ESC c, …)
  ].join("|"),
  "g",
);

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its job
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without escape sequences and control characters; newlines are kept. */
export function terminalText(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, "").replace(CONTROLS, "");
}
