/**
 * The one place charts are rendered: vega-lite spec → vega spec → SVG string, headless (no
 * browser, no canvas package; text widths are estimated, which keeps output identical on every
 * machine — installing the `canvas` package would change it).
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

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
