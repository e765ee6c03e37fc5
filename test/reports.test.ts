import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import type { TopLevelSpec } from "vega-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../reports/atomic-write.ts";
import { allCharts, targetsChart, tierShareChart, visitsByTierChart } from "../reports/charts.ts";
import { buildHtmlReport, escapeHtml, type RenderedChart, scopeSvgIds } from "../reports/html-report.ts";
import type { RunMetrics } from "../reports/metrics-schema.ts";
import { compileChart, renderSvg } from "../reports/render.ts";
import { formatScorecard, terminalSafe } from "../reports/scorecard.ts";
import { writeRunOutputs } from "../reports/write-report.ts";
import { makeMetricsFixture } from "./fixtures/metrics-fixture.ts";

const MALICIOUS = `<script>alert(1)</script> & "double" 'single'`;
const MALICIOUS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;";

/** The fixture with attacker-controlled text in every string a scenario or model supplies. */
function maliciousMetrics(): RunMetrics {
  const m = makeMetricsFixture();
  m.scenario = { name: MALICIOUS, description: `${MALICIOUS} description` };
  m.summary.label = `2017${MALICIOUS}`;
  m.summary.episodes.byOutcome = { [MALICIOUS]: 5, recovered: 10 };
  m.targets[0] = { ...m.targets[0]!, id: `id-${MALICIOUS}`, description: MALICIOUS, source: MALICIOUS };
  return m;
}

async function renderAll(m: RunMetrics): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of allCharts(m)) {
    rendered.push({ name: chart.name, title: chart.title, svg: await renderSvg(chart.spec) });
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
    expect(names).toEqual(["tier-share", "visits-by-tier", "targets"]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9-]+$/);

    const unscored = { ...makeMetricsFixture(), targets: [] };
    expect(allCharts(unscored).map((chart) => chart.name)).toEqual(["tier-share", "visits-by-tier"]);
  });

  it.each([
    ["tierShareChart", tierShareChart],
    ["visitsByTierChart", visitsByTierChart],
    ["targetsChart", targetsChart],
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
    expect(svg).toContain("Target ≥ 60.0% (Wenzhou tiered-care plan (seed 002))");
    expect(svg).toContain("Target ≥ 65.0% (National pilot assessment standard 2015 (seed 004))");
    expect(svg).toContain("Share of visits (%)");
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
    const fixtureModule = fileURLToPath(new URL("./fixtures/metrics-fixture.ts", import.meta.url));
    // .mts: the scratch directory has no package.json saying "type": "module".
    const script = join(scratch, "render-in-zone.mts");
    await writeFile(
      script,
      [
        `import { renderSvg } from ${JSON.stringify(renderModule)};`,
        `import { tierShareChart } from ${JSON.stringify(chartsModule)};`,
        `import { makeMetricsFixture } from ${JSON.stringify(fixtureModule)};`,
        "process.stdout.write(await renderSvg(tierShareChart(makeMetricsFixture())));",
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

  it("states the definition of each headline metric", () => {
    const html = buildHtmlReport(makeMetricsFixture(), []);
    expect(html).toContain("Grassroots (village clinic + township health centre) visits ÷ all visits");
    expect(html).toContain("Visits of rural-county residents inside their own county ÷ all their visits.");
    expect(html).toContain("Upward referrals issued by county-tier facilities ÷ episodes they saw.");
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
    expect(insideCharts).toHaveLength(3);
    for (const tag of insideCharts!.join("").match(/<[^>]*>/g)!) expect(tag).not.toContain(`"double"`);
    expect(html).toContain(`<title>tiersim report: ${MALICIOUS_ESCAPED}</title>`);
    expect(html).toContain(`<p class="description">${MALICIOUS_ESCAPED} description</p>`);
    expect(html).toContain(`<code>id-${MALICIOUS_ESCAPED}</code>`);
  });

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
    expect(text).toMatch(/Calibration checks: \d of 1 within their band/);
    expect(text).toMatch(/national-2014-grassroots-share\s+60\.8%\s+in 54\.0% – 60\.0%/);
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
  it("writes metrics.json equal to the input, the SVGs, their specs and report.html", async () => {
    const m = makeMetricsFixture();
    const outDir = join(scratch, "run", "baseline");
    const { files } = await writeRunOutputs(outDir, m);
    const names = ["metrics.json"];
    for (const chart of ["tier-share", "visits-by-tier", "targets"])
      names.push(`${chart}.svg`, `${chart}.vl.json`);
    names.push("report.html");
    expect(files).toEqual(names.map((name) => join(outDir, name)));
    expect((await readdir(outDir)).sort()).toEqual([...names].sort());

    const metricsText = await readFile(join(outDir, "metrics.json"), "utf8");
    expect(metricsText).toBe(`${JSON.stringify(m, null, 2)}\n`);
    expect(JSON.parse(metricsText)).toEqual(m);
    expect(await readFile(join(outDir, "tier-share.svg"), "utf8")).toMatch(/^<svg/);
    expect(JSON.parse(await readFile(join(outDir, "tier-share.vl.json"), "utf8"))).toEqual(tierShareChart(m));
    expect(await readFile(join(outDir, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("writes byte-identical files when run twice with the same metrics", async () => {
    const read = async (dir: string) =>
      Object.fromEntries(
        await Promise.all(
          (await readdir(dir)).map(async (name) => [name, await readFile(join(dir, name))] as const),
        ),
      );
    await writeRunOutputs(join(scratch, "a"), makeMetricsFixture());
    const first = await read(join(scratch, "a"));
    await writeRunOutputs(join(scratch, "a"), makeMetricsFixture());
    await writeRunOutputs(join(scratch, "b"), makeMetricsFixture());
    expect(await read(join(scratch, "a"))).toEqual(first);
    expect(await read(join(scratch, "b"))).toEqual(first);
  });

  it("writes nothing when a chart cannot be built", async () => {
    const broken = { ...makeMetricsFixture(), monthly: undefined } as unknown as RunMetrics;
    const outDir = join(scratch, "broken");
    await expect(writeRunOutputs(outDir, broken)).rejects.toThrow();
    await expect(readdir(outDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
