/**
 * The one place charts are rendered: vega-lite spec → vega spec → SVG string, headless (no
 * browser, no canvas package: text widths come from text-width.ts, a pure function of the text,
 * which keeps output identical on every machine), and SVG → PNG with resvg.
 */
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { estimateTextWidth } from "./text-width.ts";

/**
 * Vega's text metrics are module state; without a canvas they default to 0.8 em a character.
 * Replacing the width function is the hook vega leaves for this (vl-convert uses it too).
 */
(vega as unknown as { textMetrics: { width: typeof estimateTextWidth } }).textMetrics.width =
  estimateTextWidth;

export interface CompiledChart {
  spec: vega.Spec;
  /** Warnings vega-lite gave while compiling; a clean chart has none. */
  warnings: string[];
}

export interface RenderOptions {
  /** Receives warnings from compiling and rendering; by default they go to console.warn. */
  onWarning?: (message: string) => void;
}

/** A vega logger that hands warnings and errors to a callback and drops info and debug. */
function collectingLogger(onMessage: (message: string) => void): vega.LoggerInterface {
  return vega.logger(vega.Warn, undefined, (_method, level, args) => {
    onMessage(`${level === "WARN" ? "" : `${level.toLowerCase()}: `}${args.map(String).join(" ")}`);
  });
}

/** Compiles a vega-lite spec to vega, collecting (not printing) vega-lite's warnings. */
export function compileChart(spec: TopLevelSpec): CompiledChart {
  const warnings: string[] = [];
  const compiled = compile(spec, { logger: collectingLogger((message) => warnings.push(message)) });
  return { spec: compiled.spec, warnings };
}

/**
 * Vega numbers clip paths and gradients from module-wide counters, so the ids in an SVG depend on
 * what was rendered before. Renders therefore run one at a time, each starting from reset
 * counters: the same spec always gives the same bytes, whatever the order or concurrency.
 */
let renderQueue: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = renderQueue.then(task);
  renderQueue = result.catch(() => undefined);
  return result;
}

/** Renders a vega-lite spec to a standalone SVG document (a string starting with `<svg`). */
export function renderSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const onWarning = options.onWarning ?? ((message: string) => console.warn(`tiersim charts: ${message}`));
  const compiled = compileChart(spec);
  for (const warning of compiled.warnings) onWarning(warning);
  return oneAtATime(async () => {
    const view = new vega.View(vega.parse(compiled.spec), {
      renderer: "none",
      logger: collectingLogger(onWarning),
      logLevel: vega.Warn,
    });
    try {
      vega.resetSVGDefIds();
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  });
}

/** PNG pixels per SVG pixel: sharp on high-density screens and in print. */
const PNG_ZOOM = 2;

/**
 * Families for text holding Chinese in the PNG: resvg has no per-glyph fallback and sets a whole
 * text in the first font covering all of it (a serif CJK font, often); these are the sans-serif
 * CJK fonts of Linux, macOS and Windows, with the Latin alphabet too.
 */
const CJK_FONTS =
  "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const CJK_CHARACTER = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/;

/**
 * The SVG as resvg should set it: each text holding CJK characters in a CJK sans-serif family,
 * the rest as vega wrote it. Only those texts load the (large) CJK font, which resvg reads from
 * disk again for every text it sets: tens of milliseconds each.
 */
export function withCjkFonts(svg: string): string {
  return svg.replace(/<text\b([^>]*)>([\s\S]*?)<\/text>/g, (whole, attributes: string, content: string) => {
    if (!CJK_CHARACTER.test(content)) return whole;
    const family = `font-family="${CJK_FONTS}"`;
    const retyped = /\sfont-family="[^"]*"/.test(attributes)
      ? attributes.replace(/font-family="[^"]*"/, family)
      : `${attributes} ${family}`;
    return `<text${retyped}>${content}</text>`;
  });
}

/**
 * Rasterises an SVG from `renderSvg` to PNG with resvg, using the fonts installed on the machine.
 * The same SVG and fonts give the same bytes; on a machine without a font covering the text (no
 * CJK font for Chinese labels: install e.g. Debian's fonts-noto-cjk) those glyphs come out as
 * empty boxes, while the SVG, which the browser sets, is unaffected.
 */
export function renderPng(svg: string): Uint8Array {
  const resvg = new Resvg(withCjkFonts(svg), {
    fitTo: { mode: "zoom", value: PNG_ZOOM },
    font: { loadSystemFonts: true },
  });
  return resvg.render().asPng();
}
