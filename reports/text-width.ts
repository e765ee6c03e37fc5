/**
 * How wide vega thinks a text is, when there is no canvas to measure it. Vega's own estimate is
 * 0.8 em for every character: far too wide for Latin text (labels were cut early and charts
 * padded with blank space) and too narrow for Chinese (labels overprinted). This one adds up
 * per-character advances: Helvetica's metrics for ASCII (Arial, Liberation Sans and the Latin of
 * the CJK UI fonts are no wider), 1 em for CJK ideographs and full-width forms. A pure function of
 * the text, so the SVG stays byte-identical on every machine.
 */

/** Helvetica advance widths (1/1000 em) of the printable ASCII characters, from space (32) to ~ (126). */
// biome-ignore format: one row per 16 characters reads as a table.
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** Advances of the non-ASCII characters tiersim's labels use (1/1000 em). */
const OTHER_WIDTHS: Readonly<Record<string, number>> = {
  "–": 556,
  "—": 1000,
  "…": 1000,
  "·": 278,
  "×": 584,
  "÷": 584,
  "≥": 584,
  "≤": 584,
  "±": 584,
  "√": 584,
  "−": 584,
};
const DEFAULT_WIDTH = 600;
/** Bold text (titles) is set wider. */
const BOLD_FACTOR = 1.08;

/** CJK ideographs, kana, hangul, CJK punctuation, full-width forms: one em each. */
export function isWide(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  );
}

/** Width in em of `text` set in a sans-serif UI font. */
export function textWidthEm(text: string): number {
  let thousandths = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 32 && code <= 126) thousandths += ASCII_WIDTHS[code - 32]!;
    else if (isWide(code)) thousandths += 1000;
    else thousandths += OTHER_WIDTHS[char] ?? DEFAULT_WIDTH;
  }
  return thousandths / 1000;
}

/** The parts of a vega text item the width depends on. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

function isBold(weight: TextItem["fontWeight"]): boolean {
  return weight === "bold" || weight === "bolder" || (Number(weight) || 0) >= 600;
}

/**
 * Vega's `textMetrics.width` contract: the width in pixels of `text` as the item sets it. A text
 * wider than the item's `limit` is cut with an ellipsis by vega, so it is reported at the limit.
 */
export function estimateTextWidth(item: TextItem, text: unknown): number {
  const content = text == null ? "" : String(text).trim();
  const fontSize = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const width = textWidthEm(content) * fontSize * (isBold(item.fontWeight) ? BOLD_FACTOR : 1);
  const limit = Number(item.limit) || 0;
  return limit > 0 && width > limit ? limit : width;
}
