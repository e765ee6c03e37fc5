/**
 * report.html in a real browser: Debian's chromium, headless, driven by playwright-core. The page
 * must load with no console or page errors, request nothing but itself, run no script (even with
 * a scenario named like one), and draw every chart it was written with at a non-zero size.
 *
 * Needs chromium at /usr/bin/chromium (or $TIERSIM_CHROMIUM): `apt-get install -y chromium`.
 * .ci/run installs it; without it this file fails rather than skipping.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { allCharts } from "../reports/charts.ts";
import { buildHtmlReport, type RenderedChart } from "../reports/html-report.ts";
import type { Lang } from "../reports/labels.ts";
import { renderSvg } from "../reports/render.ts";
import { writeRunOutputs } from "../reports/write-report.ts";
import { makeMetricsFixture } from "./fixtures/metrics-fixture.ts";

const CHROMIUM = process.env.TIERSIM_CHROMIUM ?? "/usr/bin/chromium";
const HOSTILE_NAME = `<script>alert(1)</script>&"'`;

let browser: Browser;
let scratch: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No chromium at ${CHROMIUM}: the report's browser test needs it. Install it with ` +
        "`sudo apt-get update && sudo apt-get install -y chromium` (Debian/Ubuntu; .ci/run does this), " +
        "or point TIERSIM_CHROMIUM at a Chromium or Chrome binary.",
    );
  }
  scratch = await mkdtemp(join(tmpdir(), "tiersim-browser-"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface Visit {
  page: Page;
  /** Console errors, uncaught page errors and dialogs (an alert would mean a script ran). */
  problems: string[];
  /** Every URL the page asked for beyond the report itself. */
  requests: string[];
  /** Charts written beside the report (one `.svg` each). */
  chartsWritten: number;
}

/**
 * Opens the report.html of `m` in a fresh page: all of a run's outputs written by
 * `writeRunOutputs`, or (`htmlOnly`, a second faster) the page alone, from the same charts.
 */
async function openReport(name: string, m: RunMetrics, lang: Lang, htmlOnly = false): Promise<Visit> {
  const outDir = join(scratch, name);
  let chartsWritten: number;
  if (htmlOnly) {
    const charts: RenderedChart[] = [];
    for (const chart of allCharts(m, lang)) charts.push({ ...chart, svg: await renderSvg(chart.spec) });
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, "report.html"), buildHtmlReport(m, charts, { lang }));
    chartsWritten = charts.length;
  } else {
    await writeRunOutputs(outDir, m, { lang });
    chartsWritten = (await readdir(outDir)).filter((file) => file.endsWith(".svg")).length;
  }
  const report = pathToFileURL(join(outDir, "report.html")).href;
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url === report) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(report, { waitUntil: "load" });
  return { page, problems, requests, chartsWritten };
}

/** Width and height of each inlined chart as the browser lays it out. */
function chartBoxes(page: Page) {
  return page.$$eval("figure > svg", (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      return { figure: svg.parentElement?.id ?? "", width: box.width, height: box.height };
    }),
  );
}

describe("report.html in chromium", () => {
  it("loads with no errors, requests nothing else and draws every chart written at a non-zero size", async () => {
    const { page, problems, requests, chartsWritten } = await openReport("en", makeMetricsFixture(), "en");
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const boxes = await chartBoxes(page);
    expect(chartsWritten).toBeGreaterThanOrEqual(10);
    expect(boxes).toHaveLength(chartsWritten);
    for (const box of boxes) {
      expect(box.width, box.figure).toBeGreaterThan(100);
      expect(box.height, box.figure).toBeGreaterThan(50);
    }
    // Each chart draws marks, not only an empty frame.
    const marks = await page.$$eval("figure > svg", (svgs) =>
      svgs.map((svg) => svg.querySelectorAll("path, line, text").length),
    );
    for (const count of marks) expect(count).toBeGreaterThan(10);
    await page.close();
  }, 60_000);

  it("in Chinese, shows a hostile scenario name as text and runs no script", async () => {
    const m = makeMetricsFixture();
    m.scenario = { name: HOSTILE_NAME, description: `${HOSTILE_NAME} description` };
    m.timeline[0]!.note = `${HOSTILE_NAME} note`;
    m.summary.firstContactByKind[HOSTILE_NAME] = m.summary.firstContactByKind.maternity!;
    const { page, problems, requests, chartsWritten } = await openReport("zh-hostile", m, "zh", true);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.title()).toBe(`tiersim 报告：${HOSTILE_NAME}`);
    expect(await page.locator("h1").textContent()).toBe(`tiersim 报告：${HOSTILE_NAME}`);
    expect(await page.locator("header p.description").textContent()).toBe(`${HOSTILE_NAME} description`);
    // Inside the charts too: the kind id and the timeline note are text of the SVG.
    const chartText = await page.$$eval("figure text", (texts) =>
      texts.map((text) => text.textContent ?? ""),
    );
    expect(chartText).toContain(HOSTILE_NAME);
    expect(chartText.some((text) => text.startsWith(`${HOSTILE_NAME} note`))).toBe(true);
    expect(await chartBoxes(page)).toHaveLength(chartsWritten);
    await page.close();
  }, 60_000);
});
