/**
 * The charts of the report's sections: what each draws, the dated policy changes on every chart
 * over time, the 95% band of the monthly grassroots share, PNG rendering, and the text widths
 * that lay charts out without a canvas.
 */
import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { midYear, timelineMarks, yearAxis } from "../reports/chart-style.ts";
import { allCharts, tierShareChart } from "../reports/charts.ts";
import { buildHtmlReport } from "../reports/html-report.ts";
import { compileChart, renderPng, renderSvg, withCjkFonts } from "../reports/render.ts";
import { estimateTextWidth, textWidthEm } from "../reports/text-width.ts";
import { capacityChart, contractCoverageChart, referralsChart } from "../reports/tier-charts.ts";
import { contractsByYearChart } from "../reports/year-charts.ts";
import { makeMetricsFixture } from "./fixtures/metrics-fixture.ts";

/** Every object in a spec, depth first. */
function nodes(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(nodes);
  if (value && typeof value === "object") {
    return [value as Record<string, unknown>, ...Object.values(value).flatMap(nodes)];
  }
  return [];
}

/** True when some x encoding of the spec is temporal: the chart's x axis is time. */
function overTime(spec: TopLevelSpec): boolean {
  return nodes(spec).some((node) => {
    const x = (node.encoding as { x?: { type?: string } } | undefined)?.x;
    return x?.type === "temporal";
  });
}

/** The inline data values of every layer drawing a rule. */
function ruleData(spec: TopLevelSpec): Record<string, unknown>[] {
  return nodes(spec)
    .filter((node) => Array.isArray((node.data as { values?: unknown })?.values))
    .filter((node) =>
      nodes(node.layer).some((layer) => (layer.mark as { type?: string } | undefined)?.type === "rule"),
    )
    .flatMap((node) => (node.data as { values: Record<string, unknown>[] }).values);
}

/** The fixture with a 95% interval for each month's grassroots share, as a run of ≥ 2 replications has. */
function withMonthlyIntervals(m: RunMetrics): RunMetrics {
  for (const point of m.monthly) {
    point.grassrootsShareLower = point.grassrootsShare - 0.01;
    point.grassrootsShareUpper = point.grassrootsShare + 0.01;
  }
  return m;
}

describe("the charts of every section", () => {
  it.each(["en", "zh"] as const)("compile without warnings (%s)", (lang) => {
    const m = withMonthlyIntervals(makeMetricsFixture());
    for (const chart of allCharts(m, lang)) {
      expect(compileChart(chart.spec).warnings, chart.name).toEqual([]);
    }
  });

  it("draws each chart in its report section", () => {
    const sections = Object.fromEntries(allCharts(makeMetricsFixture()).map((c) => [c.name, c.section]));
    expect(sections).toEqual({
      targets: "targets",
      "tier-share": "summary",
      "visits-by-tier": "visits",
      "first-contact": "first-contact",
      "capacity-by-tier": "capacity",
      "costs-by-tier": "costs",
      "contract-coverage": "contracts",
      "contract-coverage-by-year": "contracts",
      referrals: "referrals",
      "referral-flows": "referrals",
      "referrals-by-year": "referrals",
    });
  });

  it("shows occupancy only for the tiers with beds, and waits and turned-away shares for all", async () => {
    const svg = await renderSvg(capacityChart(makeMetricsFixture()));
    expect(svg).toContain("Bed occupancy (%)");
    for (const shown of ["55.2%", "85.3%", "99.1%", "6.80", "9.50", "4.7%"]) expect(svg).toContain(shown);
    const occupancyBars = nodes(capacityChart(makeMetricsFixture()))
      .filter((node) => Array.isArray((node.data as { values?: unknown })?.values))
      .map((node) => (node.data as { values: { category: string }[] }).values)[0]!;
    expect(occupancyBars.map((bar) => bar.category)).toEqual([
      "Township health centre",
      "County hospital",
      "Tertiary hospital",
    ]);
  });

  it("shows referral-out rates by tier and the year's referrals up and down", async () => {
    const svg = await renderSvg(referralsChart(makeMetricsFixture()));
    for (const shown of [
      "Two-way referral, 2017",
      "9.0%",
      "6,215",
      "5,891",
      "2,410",
      "1,874",
      "Downward referrals",
    ]) {
      expect(svg).toContain(shown);
    }
  });

  it("names contract groups in the reader's language", async () => {
    const svg = await renderSvg(contractCoverageChart(makeMetricsFixture(), "zh"));
    for (const shown of ["家庭医生签约服务覆盖率", "重点人群", "高血压患者", "22.2%", "34.0%"])
      expect(svg).toContain(shown);
  });
});

describe("dated policy changes on every chart over time", () => {
  it("draws a rule at each change on every chart whose x axis is time, with the note as its label", async () => {
    const m = makeMetricsFixture();
    m.timeline = [
      { date: "2016-07-01", month: 6, note: "Gaps widened", fields: ["a"] },
      { date: "2017-01-01", month: 12, note: "Slots cut", fields: ["b"] },
    ];
    const overTimeCharts = allCharts(m).filter((chart) => overTime(chart.spec));
    expect(overTimeCharts.map((chart) => chart.name)).toEqual([
      "tier-share",
      "contract-coverage-by-year",
      "referrals-by-year",
    ]);
    for (const chart of overTimeCharts) {
      expect(
        ruleData(chart.spec).map((datum) => datum.date),
        chart.name,
      ).toEqual(expect.arrayContaining(["2016-07-01", "2017-01-01"]));
      const svg = await renderSvg(chart.spec);
      expect(svg, chart.name).toContain("Gaps widened");
      expect(svg, chart.name).toContain("Slots cut");
    }
    for (const chart of allCharts(m).filter((c) => !overTime(c.spec))) {
      expect(JSON.stringify(chart.spec), chart.name).not.toContain("Gaps widened");
    }
  });

  it("draws none without a timeline", () => {
    const m = makeMetricsFixture();
    m.timeline = [];
    for (const chart of allCharts(m)) expect(JSON.stringify(chart.spec), chart.name).not.toContain("[2,2]");
  });

  it("joins changes of one date, leaves out those outside the run and keeps labels inside the plot", () => {
    const m = makeMetricsFixture();
    m.timeline = [
      { date: "2016-03-01", month: 2, note: "First", fields: [] },
      { date: "2016-03-01", month: 2, note: "Second", fields: [] },
      { date: "2016-04-01", month: 3, note: "Crowded", fields: [] },
      { date: "2017-12-01", month: 23, note: "Near the end", fields: [] },
      { date: "2018-01-01", month: 24, note: "After the run", fields: [] },
    ];
    const marks = timelineMarks(m, { start: "2016-01-01", end: "2018-01-01", width: 640 });
    expect(marks.map((mark) => [mark.date, mark.label])).toEqual([
      ["2016-03-01", "First; Second"],
      ["2016-04-01", "Crowded"],
      ["2017-12-01", "Near the end"],
    ]);
    // A month apart, the second label would overprint the first: it takes the next row.
    expect(marks[0]!.row).toBe(0);
    expect(marks[1]!.row).toBe(1);
    // 27 pixels from the right edge, the label goes left of its rule.
    expect(marks[2]!.align).toBe("right");
    expect(marks[0]!.align).toBe("left");
    for (const mark of marks) expect(mark.limit).toBeLessThanOrEqual(260);
  });

  it("puts years at mid-year on an axis from the run's first 1 January to the day after its last year", () => {
    const m = makeMetricsFixture();
    const x = yearAxis(m, "en");
    expect(x.scale.domain).toEqual([
      { year: 2016, month: 1, date: 1, utc: true },
      { year: 2018, month: 1, date: 1, utc: true },
    ]);
    expect(x.axis.values.map((v) => v.year)).toEqual([2016, 2017]);
    const points = nodes(contractsByYearChart(m))
      .filter((node) => Array.isArray((node.data as { values?: unknown })?.values))
      .flatMap((node) => (node.data as { values: { date: string; series: string }[] }).values)
      .filter((datum) => datum.series === "All residents");
    expect(points.map((p) => p.date)).toEqual([midYear("2016"), midYear("2017")]);
  });
});

describe("95% intervals", () => {
  it("draws the monthly grassroots share's band behind its line when the run has replications", async () => {
    const spec = tierShareChart(withMonthlyIntervals(makeMetricsFixture()));
    const layers = (spec as { layer: { mark?: { type: string }; encoding?: { y2?: { field: string } } }[] })
      .layer;
    const band = layers.findIndex((layer) => layer.encoding?.y2?.field === "upper");
    const line = layers.findIndex((layer) => layer.mark?.type === "line");
    expect(layers[band]!.mark!.type).toBe("area");
    expect(band).toBeGreaterThan(0);
    expect(band).toBeLessThan(line);
    expect(await renderSvg(spec)).toContain("Grassroots share, 95% interval over replications");

    const without = tierShareChart(makeMetricsFixture());
    expect(JSON.stringify(without)).not.toContain('"upper"');
    expect(await renderSvg(without)).not.toContain("95% interval");
  });

  it("gives the headline table a 95% interval column, with a dash below two replications", () => {
    const m = makeMetricsFixture();
    const row = (html: string, label: string) =>
      html
        .match(new RegExp(`<tr><td>${label}[\\s\\S]*?</tr>`))![0]
        .split("</td>")
        .map((cell) => cell.replace(/<[^>]*>/g, "").trim());
    let html = buildHtmlReport(m, []);
    expect(html).toContain('<th class="num">95% interval</th>');
    expect(row(html, "Grassroots share of visits")[2]).toBe("60.4% – 61.2%");
    expect(row(html, "County-domestic visit rate")[2]).toBe("88.1% – 88.7%");
    expect(row(html, "Hospital share of visits")[2]).toBe("—");
    m.summary.spread.grassrootsShare = { ...m.summary.spread.grassrootsShare!, n: 1 };
    html = buildHtmlReport(m, []);
    expect(row(html, "Grassroots share of visits")[2]).toBe("—");
  });
});

describe("PNG", () => {
  it("rasterises at twice the SVG's size, the same bytes every time", async () => {
    const svg = await renderSvg(capacityChart(makeMetricsFixture()));
    const png = renderPng(svg);
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    const view = new DataView(png.buffer, png.byteOffset);
    const svgWidth = Number(svg.match(/<svg[^>]*\swidth="([\d.]+)"/)![1]);
    expect(view.getUint32(16)).toBe(Math.round(svgWidth * 2)); // IHDR width
    expect(Buffer.from(renderPng(svg)).equals(Buffer.from(png))).toBe(true);
  });

  it("gives the same bytes every time for a chart labelled in Chinese too", async () => {
    const svg = await renderSvg(contractCoverageChart(makeMetricsFixture(), "zh"));
    expect(Buffer.from(renderPng(svg)).equals(Buffer.from(renderPng(svg)))).toBe(true);
  });

  it("sets text holding Chinese in a CJK sans-serif family, and leaves other text alone", () => {
    const svg =
      '<svg><text x="1" font-family="sans-serif">Village clinic</text><text font-family="sans-serif">村卫生室</text><text>三级</text></svg>';
    const retyped = withCjkFonts(svg);
    const families = [...retyped.matchAll(/font-family="([^"]*)"/g)].map((match) => match[1]);
    expect(families[0]).toBe("sans-serif");
    expect(families[1]).toMatch(/^'Noto Sans CJK SC', .*sans-serif$/);
    expect(families[2]).toBe(families[1]);
    expect(retyped).toContain(">村卫生室</text>");
  });
});

describe("text widths without a canvas", () => {
  it("adds up per-character advances: narrow Latin letters, one em per Chinese character", () => {
    expect(textWidthEm("il")).toBeCloseTo(0.444);
    expect(textWidthEm("MW")).toBeCloseTo(1.777);
    expect(textWidthEm("村卫生室")).toBe(4);
    expect(estimateTextWidth({ fontSize: 10 }, "村卫生室")).toBe(40);
    expect(estimateTextWidth({ fontSize: 10, fontWeight: "bold" }, "村卫生室")).toBeCloseTo(43.2);
    // vega's own estimate is 0.8 em for every character: 88 px here.
    expect(estimateTextWidth({ fontSize: 11 }, "Village clin")).toBeLessThan(70);
  });

  it("reports a text longer than its limit at the limit (vega cuts it with an ellipsis)", () => {
    expect(estimateTextWidth({ fontSize: 10, limit: 50 }, "a long note about a change of policy")).toBe(50);
    expect(estimateTextWidth({ fontSize: 10, limit: 500 }, "short")).toBeLessThan(500);
  });
});
