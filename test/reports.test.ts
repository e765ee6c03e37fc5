import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import type { TopLevelSpec } from "vega-lite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { writeFileAtomic } from "../reports/atomic-write.ts";
import {
  allCharts,
  firstContactChart,
  targetsChart,
  tierShareChart,
  visitsByTierChart,
} from "../reports/charts.ts";
import { formatMetricValue, HEADLINE_METRICS, SUPPLEMENTARY_METRICS } from "../reports/headline-metrics.ts";
import { buildHtmlReport, escapeHtml, type RenderedChart, scopeSvgIds } from "../reports/html-report.ts";
import { compileChart, renderSvg } from "../reports/render.ts";
import { allTables } from "../reports/report-tables.ts";
import { formatScorecard, terminalSafe } from "../reports/scorecard.ts";
import { writeRunOutputs } from "../reports/write-report.ts";
import { makeMetricsFixture } from "./fixtures/metrics-fixture.ts";

/** Every chart of the fixture (two years, four targets, six episode kinds), in report order. */
const ALL_CHART_NAMES = [
  "targets",
  "tier-share",
  "visits-by-tier",
  "first-contact",
  "capacity-by-tier",
  "costs-by-tier",
  "contract-coverage",
  "contract-coverage-by-year",
  "referrals",
  "referral-flows",
  "referrals-by-year",
];

const MALICIOUS = `<script>alert(1)</script> & "double" 'single'`;
const MALICIOUS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;";

/** The fixture with attacker-controlled text in every string a scenario or model supplies. */
function maliciousMetrics(): RunMetrics {
  const m = makeMetricsFixture();
  m.scenario = { name: MALICIOUS, description: `${MALICIOUS} description` };
  m.summary.label = `2017${MALICIOUS}`;
  m.summary.episodes.byOutcome = { [MALICIOUS]: 5, recovered: 10 };
  m.targets[0] = { ...m.targets[0]!, id: `id-${MALICIOUS}`, description: MALICIOUS, source: MALICIOUS };
  m.summary.firstContactByKind[`kind-${MALICIOUS}`] = m.summary.firstContactByKind.maternity!;
  m.summary.capableFirstContactByKind[`kind-${MALICIOUS}`] = 0.5;
  m.timeline[0]!.note = `note-${MALICIOUS}`;
  return m;
}

/** The rows of the report's table of class `className` (header first), each as its cells' HTML. */
function tableRows(html: string, className: string): string[][] {
  const body = html.match(new RegExp(`<table class="${className}">([\\s\\S]*?)</table>`))?.[1];
  expect(body, `table ${className}`).toBeDefined();
  return [...body!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(([, cells]) =>
    [...cells!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map(([, content]) => content!),
  );
}

/** The row of a table whose first cell is `first`. */
function tableRow(html: string, className: string, first: string): string[] {
  const found = tableRows(html, className).find((cells) => cells[0] === first);
  expect(found, `${className} row ${first}`).toBeDefined();
  return found!;
}

async function renderAll(m: RunMetrics, lang: "en" | "zh" = "en"): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of allCharts(m, lang)) {
    rendered.push({ ...chart, svg: await renderSvg(chart.spec) });
  }
  return rendered;
}

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tiersim-reports-"));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("charts", () => {
  it("gives every chart a unique file-safe name and leaves out the targets chart when nothing is scored", () => {
    const names = allCharts(makeMetricsFixture()).map((chart) => chart.name);
    expect(names).toEqual(ALL_CHART_NAMES);
    for (const name of names) expect(name).toMatch(/^[a-z0-9-]+$/);

    const unscored = { ...makeMetricsFixture(), targets: [] };
    expect(allCharts(unscored).map((chart) => chart.name)).toEqual(
      ALL_CHART_NAMES.filter((name) => name !== "targets"),
    );
  });

  it("leaves out the first-contact chart when no episode kind is reported", () => {
    const m = makeMetricsFixture();
    m.summary.firstContactByKind = {};
    expect(allCharts(m).map((chart) => chart.name)).toEqual(
      ALL_CHART_NAMES.filter((name) => name !== "first-contact"),
    );
  });

  it.each([
    ["tierShareChart", tierShareChart],
    ["visitsByTierChart", visitsByTierChart],
    ["targetsChart", targetsChart],
    ["firstContactChart", firstContactChart],
  ])("%s compiles with vega-lite without warnings", (_name, chart) => {
    expect(compileChart(chart(makeMetricsFixture())).warnings).toEqual([]);
  });

  it("compiles the tier-share chart without warnings when no grassroots target is scored", () => {
    const m = makeMetricsFixture();
    m.targets = m.targets.filter((target) => target.metric !== "grassrootsShare");
    const spec = tierShareChart(m);
    expect(compileChart(spec).warnings).toEqual([]);
    expect(JSON.stringify(spec)).not.toContain("Target ≥");
  });

  it("draws one labelled rule per grassroots-share target, with its value and source", async () => {
    const svg = await renderSvg(tierShareChart(makeMetricsFixture()));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Target ≥ 60.0% (Wenzhou pilot plan 2014 (温政办〔2014〕135号))");
    expect(svg).toContain(
      "Target ≥ 65.0% (National pilot assessment standard 2015 (NHFPC tiered-care briefing 2015))",
    );
    expect(svg).toContain("Share of visits (%)");
  });

  it("lists the policy timeline in the report, escaped", () => {
    const m = makeMetricsFixture();
    m.timeline[0].note = "<b>gap</b>";
    const html = buildHtmlReport(m, []);
    expect(html).toContain('<section id="timeline">');
    expect(html).toContain("&lt;b&gt;gap&lt;/b&gt;");
    expect(html).toContain("<code>insurance.schemes.resident.outpatient.gaps.county</code>");
  });

  it("marks each dated policy change of the timeline on the tier-share chart", async () => {
    const svg = await renderSvg(tierShareChart(makeMetricsFixture()));
    expect(svg).toContain("Resident county gap widened to 15 points");
    const none = makeMetricsFixture();
    none.timeline = [];
    expect(JSON.stringify(tierShareChart(none))).not.toContain('strokeDash":[2,2]');
    expect(compileChart(tierShareChart(makeMetricsFixture())).warnings).toEqual([]);
  });

  it("renders every chart to SVG", async () => {
    for (const chart of await renderAll(makeMetricsFixture())) {
      expect(chart.svg, chart.name).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
  });

  it("shows each target with its simulated value and target in the targets chart", async () => {
    const svg = await renderSvg(targetsChart(makeMetricsFixture()));
    expect(svg).toContain("county-referral-out-2015-wenzhou");
    expect(svg).toContain("8.3% (target ≤ 10.0%)");
  });

  it("stacks first contact by kind from village clinic to not seeking care", async () => {
    const m = makeMetricsFixture();
    const spec = firstContactChart(m);
    const values = (spec.data as { values: { kind: string; category: string; share: number }[] }).values;
    expect(values.filter((v) => v.kind === "maternity").map((v) => [v.category, v.share])).toEqual([
      ["Village clinic", 0.01],
      ["Township health centre", 0.262],
      ["County hospital", 0.648],
      ["Tertiary hospital", 0.071],
      ["Out of region", 0.009],
      ["Not seeking care", 0],
    ]);
    const svg = await renderSvg(spec);
    expect(svg).toContain("Where episodes first seek care, 2017");
    expect(svg).toContain("hypertensionFollowUp");
    expect(svg).toContain("Not seeking care");
  });

  it("compiles and renders the 24-month tier-share chart well under a second", async () => {
    const spec = tierShareChart(makeMetricsFixture());
    await renderSvg(spec); // warm-up: module initialisation is not what we measure
    const start = performance.now();
    await renderSvg(spec);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe("renderSvg determinism", () => {
  /** A chart that makes vega emit a clip path, whose id comes from a module-wide counter. */
  const clippedSpec: TopLevelSpec = {
    data: { values: [{ x: 1, y: 2 }] },
    mark: { type: "point", clip: true },
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  };

  it("gives the same bytes for the same spec, whatever was rendered before", async () => {
    const first = await renderSvg(clippedSpec);
    expect(first).toMatch(/<clipPath id="clip\d+"/);
    await renderSvg(clippedSpec);
    await renderAll(makeMetricsFixture());
    expect(await renderSvg(clippedSpec)).toBe(first);
  });

  it("gives the same bytes when renders run concurrently", async () => {
    const specs = [clippedSpec, tierShareChart(makeMetricsFixture()), clippedSpec];
    const sequential: string[] = [];
    for (const spec of specs) sequential.push(await renderSvg(spec));
    expect(await Promise.all(specs.map((spec) => renderSvg(spec)))).toEqual(sequential);
  });

  it("gives the same bytes in different time zones", async () => {
    const renderModule = fileURLToPath(new URL("../reports/render.ts", import.meta.url));
    const chartsModule = fileURLToPath(new URL("../reports/charts.ts", import.meta.url));
    const yearChartsModule = fileURLToPath(new URL("../reports/year-charts.ts", import.meta.url));
    const fixtureModule = fileURLToPath(new URL("./fixtures/metrics-fixture.ts", import.meta.url));
    // .mts: the scratch directory has no package.json saying "type": "module".
    const script = join(scratch, "render-in-zone.mts");
    await writeFile(
      script,
      [
        `import { renderSvg } from ${JSON.stringify(renderModule)};`,
        `import { tierShareChart } from ${JSON.stringify(chartsModule)};`,
        `import { contractsByYearChart } from ${JSON.stringify(yearChartsModule)};`,
        `import { makeMetricsFixture } from ${JSON.stringify(fixtureModule)};`,
        "process.stdout.write(await renderSvg(tierShareChart(makeMetricsFixture())));",
        "process.stdout.write(await renderSvg(contractsByYearChart(makeMetricsFixture())));",
      ].join("\n"),
    );
    const renderIn = async (zone: string) =>
      (
        await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
          env: { ...process.env, TZ: zone },
          maxBuffer: 16 * 1024 * 1024,
        })
      ).stdout;
    const [auckland, losAngeles] = await Promise.all([
      renderIn("Pacific/Auckland"),
      renderIn("America/Los_Angeles"),
    ]);
    expect(auckland).toContain("Jan 2016");
    // The by-year chart: years at mid-year, labelled by their own number.
    expect(auckland).toMatch(/>2016<\/text>[\s\S]*>2017<\/text>/);
    expect(auckland).toBe(losAngeles);
  }, 30_000);
});

describe("escapeHtml", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(MALICIOUS)).toBe(MALICIOUS_ESCAPED);
  });

  it("escapes an ampersand that already starts an entity, so text round-trips", () => {
    expect(escapeHtml("&lt;")).toBe("&amp;lt;");
  });

  it("leaves other text, including Chinese, unchanged", () => {
    expect(escapeHtml("县域内就诊率 ≥ 90% (Wenzhou)")).toBe("县域内就诊率 ≥ 90% (Wenzhou)");
  });

  it("never outputs a special character, and unescaping gives back the input", () => {
    const unescapeHtml = (html: string) =>
      html
        .replaceAll("&lt;", "<")
        .replaceAll("&gt;", ">")
        .replaceAll("&quot;", '"')
        .replaceAll("&#39;", "'")
        .replaceAll("&amp;", "&");
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii" }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(unescapeHtml(escaped)).toBe(text);
      }),
    );
  });
});

describe("buildHtmlReport", () => {
  it("is self-contained: no scripts, no external resources", async () => {
    const m = makeMetricsFixture();
    const html = buildHtmlReport(m, await renderAll(m));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
  });

  it("contains every target id, the scorecard marks and one-decimal percentages", () => {
    const m = makeMetricsFixture();
    const html = buildHtmlReport(m, []);
    for (const target of m.targets) expect(html).toContain(escapeHtml(target.id));
    expect(html).toContain("2 of 4 targets met.");
    expect(html).toContain("✓");
    expect(html).toContain("✗");
    expect(html).toContain("≥ 65.0%");
    expect(html).toContain("60.8%");
  });

  it("states the definition of each headline and supplementary metric", () => {
    const html = buildHtmlReport(makeMetricsFixture(), []);
    expect(html).toContain("Grassroots (village clinic + township health centre) visits ÷ all visits");
    expect(html).toContain("Visits of rural-county residents inside their own county ÷ all their visits.");
    for (const metric of [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS]) {
      expect(html, metric.key).toContain(`<dd>${escapeHtml(metric.definition)}</dd>`);
    }
  });

  it("shows the new summary figures in the summary table, each in its unit", () => {
    const html = buildHtmlReport(makeMetricsFixture(), []);
    const value = (label: string) =>
      tableRows(html, "headline").find((cells) => cells[0]!.startsWith(label))?.[1];
    expect(value("County-domestic admission rate")).toBe("71.2%");
    expect(value("Upward referrals")).toBe("6,215");
    expect(value("Patients referred up")).toBe("5,891");
    expect(value("Visits that only ended in a referral")).toBe("2.1%");
    expect(value("Bed transfers")).toBe("913");
    expect(value("Deaths per 1,000 residents")).toBe("6.88");
    expect(value("Usual-source return rate")).toBe("80.0%");
    const labels = tableRows(html, "headline").map((cells) => cells[0]!);
    // Patients referred up sit beside the referral hops.
    expect(labels.indexOf("Patients referred up")).toBe(labels.indexOf("Upward referrals") + 1);
  });

  it("shows where each kind of episode first seeks care, with the share able to treat it", () => {
    const m = makeMetricsFixture();
    const html = buildHtmlReport(m, []);
    expect(tableRows(html, "first-contact")[0]).toEqual([
      "Episode kind",
      "Village clinic",
      "Township health centre",
      "County hospital",
      "Tertiary hospital",
      "Out of region",
      "Not seeking care",
      "First contact able to treat",
    ]);
    expect(tableRow(html, "first-contact", "maternity")).toEqual([
      "maternity",
      "1.0%",
      "26.2%",
      "64.8%",
      "7.1%",
      "0.9%",
      "0.0%",
      "95.7%",
    ]);
    expect(tableRow(html, "first-contact", "minor")[6]).toBe("28.4%");
    expect(tableRows(html, "first-contact")).toHaveLength(
      1 + Object.keys(m.summary.firstContactByKind).length,
    );
    expect(html).toMatch(
      /<h2>Where episodes first seek care<\/h2>\n<p class="note">[^<]*share of the year&#39;s first contacts/,
    );
  });

  it("shows a dash for a first-contact figure the metrics lack", () => {
    const m = makeMetricsFixture();
    delete m.summary.capableFirstContactByKind.maternity;
    m.summary.capableFirstContactByKind.cancer = 0.95;
    const html = buildHtmlReport(m, []);
    expect(tableRow(html, "first-contact", "maternity")[7]).toBe("—");
    expect(tableRow(html, "first-contact", "cancer")).toEqual([
      "cancer",
      "—",
      "—",
      "—",
      "—",
      "—",
      "—",
      "95.0%",
    ]);
  });

  it("shows each tier's capacity: visits share, wait, turned away, workload and bed occupancy", () => {
    const m = makeMetricsFixture();
    const html = buildHtmlReport(m, []);
    const tertiary = tableRow(html, "capacity", "Tertiary hospital");
    expect(tertiary).toEqual([
      "Tertiary hospital",
      formatMetricValue("visitsShareByTier.tertiary", m.summary.visitsShareByTier.tertiary),
      "6.80",
      "4.7%",
      "8.2",
      "99.1%",
    ]);
    expect(tableRow(html, "capacity", "County hospital").slice(4)).toEqual(["7.9", "85.3%"]);
    expect(tableRow(html, "capacity", "Township health centre").slice(4)).toEqual(["8.1", "55.2%"]);
    // No beds at village clinics; no doctors of the region out of it.
    expect(tableRow(html, "capacity", "Village clinic").slice(4)).toEqual(["5.4", ""]);
    expect(tableRow(html, "capacity", "Out of region").slice(4)).toEqual(["", ""]);
    expect(html).toMatch(
      /<h2>Occupancy and waits by tier<\/h2>\n<p class="note">[^<]*<em>Share of visits<\/em>/,
    );
  });

  it("describes the real region and its supply", () => {
    const html = buildHtmlReport(makeMetricsFixture(), []);
    const region = html.slice(
      html.indexOf('<section id="region">'),
      html.indexOf('<section id="population">'),
    );
    expect(region).toContain("<h2>Region and supply</h2>");
    expect(region).toContain('<p class="note">The real region the run stands for, ');
    expect(region).toContain("<dt>Real population</dt><dd>800,000</dd>");
    expect(region).toContain("<dt>Residents each simulated resident stands for</dt><dd>8</dd>");
    expect(region).toContain("<dt>General practitioners per 10,000 residents</dt><dd>2.02</dd>");
    expect(region).toContain("<dt>Township centres without a general practitioner</dt><dd>3</dd>");
    expect(tableRows(region, "supply").slice(1)).toEqual([
      ["Village clinic", "1.44", ""],
      ["Township health centre", "0.62", "0.92"],
      ["County hospital", "0.71", "2.07"],
      ["Tertiary hospital", "0.48", "1.25"],
    ]);
  });

  it("prints calibration checks on dotted metrics in their unit, in the report too", () => {
    const html = buildHtmlReport(makeMetricsFixture(), []);
    expect(tableRow(html, "checks", "<code>workload-township</code>").slice(3, 5)).toEqual([
      "8.1",
      "7.0 – 13.0",
    ]);
    expect(tableRow(html, "checks", "<code>bed-occupancy-tertiary</code>").slice(3, 5)).toEqual([
      "99.1%",
      "85.0% – 105.0%",
    ]);
  });

  it("escapes every string from the scenario and metrics, including inside the charts", async () => {
    const m = maliciousMetrics();
    const html = buildHtmlReport(m, await renderAll(m));
    expect(html).not.toMatch(/<script/i);
    // Outside the charts no quote survives; inside them, quotes are harmless in text but not in tags.
    const [outsideCharts, insideCharts] = [
      html.replace(/<svg[\s\S]*?<\/svg>/g, ""),
      html.match(/<svg[\s\S]*?<\/svg>/g),
    ];
    expect(outsideCharts).not.toContain(`"double"`);
    expect(outsideCharts).not.toContain("'single'");
    expect(insideCharts).toHaveLength(allCharts(m).length);
    for (const tag of insideCharts!.join("").match(/<[^>]*>/g)!) expect(tag).not.toContain(`"double"`);
    expect(html).toContain(`<title>tiersim report: ${MALICIOUS_ESCAPED}</title>`);
    expect(html).toContain(`<p class="description">${MALICIOUS_ESCAPED} description</p>`);
    expect(html).toContain(`<code>id-${MALICIOUS_ESCAPED}</code>`);
    expect(tableRow(html, "first-contact", `kind-${MALICIOUS_ESCAPED}`)[7]).toBe("50.0%");
    expect(tableRow(html, "episode-outcomes", MALICIOUS_ESCAPED)[1]).toBe("5");
    expect(tableRow(html, "timeline", "2016-01-01")[1]).toBe(`note-${MALICIOUS_ESCAPED}`);
  });

  it.each(["en", "zh"] as const)(
    "shows a scenario named like a script as text, in the page and in the SVG text (%s)",
    async (lang) => {
      const hostile = `<script>alert(1)</script>&"'`;
      const escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;";
      const m = makeMetricsFixture();
      m.scenario = { name: hostile, description: hostile };
      m.timeline[0]!.note = hostile;
      m.summary.firstContactByKind[hostile] = m.summary.firstContactByKind.maternity!;
      const charts = await renderAll(m, lang);
      const html = buildHtmlReport(m, charts, { lang });
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain(`<h1>tiersim ${lang === "en" ? "report: " : "报告："}${escaped}</h1>`);
      expect(html).toContain(`<p class="description">${escaped}</p>`);
      // In the SVG, vega writes text content with < and & escaped (quotes need no escape there).
      const svgText = charts.flatMap((chart) =>
        [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]),
      );
      expect(svgText).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&amp;\"'");
      for (const chart of charts) expect(chart.svg, chart.name).not.toMatch(/<script/i);
    },
  );

  it("scopes each inlined chart's SVG ids so charts cannot share clip paths", () => {
    const svg =
      '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><text>id="x"</text></g></svg>';
    expect(scopeSvgIds(svg, "chart-a")).toBe(
      '<svg><defs><clipPath id="chart-a-clip1"><rect/></clipPath></defs><g clip-path="url(#chart-a-clip1)"><text>id="x"</text></g></svg>',
    );
    const html = buildHtmlReport(makeMetricsFixture(), [
      { name: "a", title: "A", svg },
      { name: "b", title: "B", svg },
    ]);
    expect(html).toContain('id="chart-a-clip1"');
    expect(html).toContain('id="chart-b-clip1"');
    expect(html).not.toContain('id="clip1"');
  });
});

describe("formatScorecard", () => {
  // The lines of the targets block (the calibration-check block follows after a blank line).
  const targetLines = (text: string) => {
    const lines = text.split("\n");
    const start = lines.findIndex((line) => line.startsWith("Targets:"));
    const end = lines.findIndex((line, i) => i > start && line.trim() === "");
    return lines.slice(start, end < 0 ? undefined : end).filter((line) => /^ {2}[✓✗]/.test(line));
  };

  it("lists the calibration checks after the targets", () => {
    const text = formatScorecard(makeMetricsFixture());
    expect(text).toMatch(/Calibration checks: \d of 3 within their band/);
    expect(text).toMatch(/national-2014-grassroots-share\s+60\.8%\s+in 54\.0% – 60\.0%/);
  });

  it("prints checks on dotted metrics in their unit: workload as a decimal, occupancy as a percentage", () => {
    const text = formatScorecard(makeMetricsFixture());
    expect(text).toMatch(/ workload-township\s+8\.1 {2}in 7\.0 – 13\.0$/m);
    expect(text).not.toMatch(/workload-township.*%/);
    expect(text).toMatch(/ bed-occupancy-tertiary\s+99\.1% {2}in 85\.0% – 105\.0%$/m);
  });

  it("shows bed occupancy and mean outpatient waits on one line each after the headline figures", () => {
    const lines = formatScorecard(makeMetricsFixture()).split("\n");
    const occupancy = lines.indexOf("  Bed occupancy: township 55.2% · county 85.3% · tertiary 99.1%");
    expect(occupancy).toBeGreaterThan(lines.findIndex((line) => line.includes("Downward referrals")));
    expect(lines[occupancy + 1]).toBe(
      "  Mean outpatient wait (days): village 0.02 · township 0.15 · county 1.40 · tertiary 6.80",
    );
    expect(occupancy).toBeLessThan(lines.indexOf("Targets: 2 of 4 met"));
  });

  it("shows doctors' workload per tier and where each kind of episode first seeks care", () => {
    const text = formatScorecard(makeMetricsFixture());
    expect(text).toContain("  Visits per doctor-day: village 5.4 · township 8.1 · county 7.9 · tertiary 8.2");
    expect(text).toContain("First contact by kind");
    // The maternity row: its shares in the fixture, in tier order, then no care and "able".
    expect(text).toMatch(/^ {2}maternity\s+1\.0%\s+26\.2%\s+64\.8%\s+7\.1%\s+0\.9%\s+0\.0%\s+95\.7%$/m);
  });

  it("gives one line per target with ✓ or ✗ and aligned value columns", () => {
    const m = makeMetricsFixture();
    const lines = targetLines(formatScorecard(m));
    expect(lines.map((line) => line.slice(2, 3))).toEqual(
      m.targets.map((target) => (target.met ? "✓" : "✗")),
    );
    expect(new Set(lines.map((line) => line.indexOf("%  ")))).toHaveProperty("size", 1);
    expect(new Set(lines.map((line) => line.length))).toHaveProperty("size", 1);
    expect(lines[1]).toMatch(/grassroots-share-2017-national\s+60\.8%\s+≥ 65\.0%$/);
  });

  it("shows the headline figures", () => {
    const text = formatScorecard(makeMetricsFixture());
    expect(text).toMatch(/Grassroots share of visits\s+60\.8%/);
    expect(text).toMatch(/County-domestic visit rate\s+88\.4%/);
    expect(text).toContain("Targets: 2 of 4 met");
  });

  it("uses no escape sequences unless colour is asked for", () => {
    const m = makeMetricsFixture();
    expect(formatScorecard(m)).not.toContain("\u001b");
    expect(formatScorecard(m, { color: false })).not.toContain("\u001b");
    expect(formatScorecard(m, { color: true })).toContain("\u001b[32m✓\u001b[39m");
    expect(formatScorecard(m, { color: true })).toContain("\u001b[31m✗\u001b[39m");
  });

  it("neutralises control characters from the scenario", () => {
    const m = makeMetricsFixture();
    m.scenario.name = "evil\u001b[2J\nname";
    const text = formatScorecard(m);
    expect(text).not.toContain("\u001b");
    expect(text.split("\n")[0]).toBe(`tiersim 0.1.0 · ${terminalSafe("evil\u001b[2J\nname")}`);
  });
});

describe("writeFileAtomic", () => {
  it("writes the content and leaves no temporary file", async () => {
    const path = join(scratch, "out.txt");
    await writeFileAtomic(path, "first\n");
    await writeFileAtomic(path, new TextEncoder().encode("second\n"));
    expect(await readFile(path, "utf8")).toBe("second\n");
    expect(await readdir(scratch)).toEqual(["out.txt"]);
  });

  it("handles a file name near the 255-byte limit", async () => {
    const path = join(scratch, `${"n".repeat(250)}.txt`);
    await writeFileAtomic(path, "long\n");
    expect(await readFile(path, "utf8")).toBe("long\n");
    expect(await readdir(scratch)).toHaveLength(1);
  });

  it("fails, keeps the directory and leaves no temporary file when a directory is in the way", async () => {
    const path = join(scratch, "report.html");
    await mkdir(path);
    await writeFile(join(path, "keep.txt"), "kept");
    await expect(writeFileAtomic(path, "x")).rejects.toThrow();
    expect(await readdir(scratch)).toEqual(["report.html"]);
    expect(await readFile(join(path, "keep.txt"), "utf8")).toBe("kept");
  });

  it("fails and leaves nothing when the target directory has been removed", async () => {
    const dir = join(scratch, "gone");
    await expect(writeFileAtomic(join(dir, "metrics.json"), "{}")).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(scratch)).toEqual([]);
  });

  it("ends with one whole version when writers race", async () => {
    const path = join(scratch, "race.txt");
    const versions = Array.from({ length: 20 }, (_, i) => `${String(i).repeat(10_000)}\n`);
    await Promise.all(versions.map((version) => writeFileAtomic(path, version)));
    expect(versions).toContain(await readFile(path, "utf8"));
    expect(await readdir(scratch)).toEqual(["race.txt"]);
  });
});

describe("writeRunOutputs", () => {
  // One run's outputs, written once for the tests below (writing every PNG takes a second or two).
  let written: { dir: string; files: string[] };
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "tiersim-outputs-"));
    const { files } = await writeRunOutputs(join(dir, "run", "baseline"), makeMetricsFixture());
    written = { dir, files };
  }, 60_000);
  afterAll(async () => {
    await rm(written.dir, { recursive: true, force: true });
  });

  it("writes metrics.json, each chart as SVG, PNG and vega-lite spec, each table as CSV, and report.html", async () => {
    const m = makeMetricsFixture();
    const outDir = join(written.dir, "run", "baseline");
    const names = ["metrics.json"];
    for (const chart of ALL_CHART_NAMES) names.push(`${chart}.svg`, `${chart}.png`, `${chart}.vl.json`);
    const tables = allTables(m).map((table) => `tables/${table.name}.csv`);
    names.push(...tables, "report.html");
    expect(written.files).toEqual(names.map((name) => join(outDir, name)));
    expect((await readdir(outDir)).sort()).toEqual(
      [...names.filter((name) => !name.startsWith("tables/")), "tables"].sort(),
    );
    expect(tables).toEqual(
      expect.arrayContaining(["tables/headline.csv", "tables/capacity.csv", "tables/referrals.csv"]),
    );

    const metricsText = await readFile(join(outDir, "metrics.json"), "utf8");
    expect(metricsText).toBe(`${JSON.stringify(m, null, 2)}\n`);
    expect(JSON.parse(metricsText)).toEqual(m);
    expect(await readFile(join(outDir, "tier-share.svg"), "utf8")).toMatch(/^<svg/);
    const png = await readFile(join(outDir, "tier-share.png"));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(JSON.parse(await readFile(join(outDir, "tier-share.vl.json"), "utf8"))).toEqual(tierShareChart(m));
    expect(await readFile(join(outDir, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("writes byte-identical files, PNGs and CSVs included, when run twice with the same metrics", async () => {
    const read = async (dir: string) => {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
      return Object.fromEntries(
        await Promise.all(files.map(async (path) => [path.slice(dir.length), await readFile(path)] as const)),
      );
    };
    // English: Chinese PNGs take seconds more (report-charts.test.ts checks their bytes alone).
    await writeRunOutputs(join(scratch, "again"), makeMetricsFixture());
    const first = await read(join(written.dir, "run", "baseline"));
    expect(Object.keys(first)).toContain("/tier-share.png");
    expect(Object.keys(first)).toContain("/tables/headline.csv");
    expect(await read(join(scratch, "again"))).toEqual(first);
  });

  it("writes nothing when a chart cannot be built", async () => {
    const broken = { ...makeMetricsFixture(), monthly: undefined } as unknown as RunMetrics;
    const outDir = join(scratch, "broken");
    await expect(writeRunOutputs(outDir, broken)).rejects.toThrow();
    await expect(readdir(outDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
