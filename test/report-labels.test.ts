/**
 * The report in English or Chinese: every label has both, the Chinese report uses the policy
 * documents' terms and leaks no English label, and the terminal scorecard lines up Chinese text.
 */
import { describe, expect, it } from "vitest";
import type { RunMetrics } from "../models/outcomes/metrics-schema.ts";
import { allCharts } from "../reports/charts.ts";
import {
  HEADLINE_METRICS,
  metricDefinition,
  metricLabel,
  SUPPLEMENTARY_METRICS,
} from "../reports/headline-metrics.ts";
import { buildHtmlReport, type RenderedChart } from "../reports/html-report.ts";
import { LABELS, LANGS, type LabelKey, placeholders, t, tHtml } from "../reports/labels.ts";
import { renderSvg } from "../reports/render.ts";
import { displayWidth, formatScorecard } from "../reports/scorecard.ts";
import { makeMetricsFixture } from "./fixtures/metrics-fixture.ts";

async function renderAll(m: RunMetrics, lang: "en" | "zh"): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of allCharts(m, lang)) {
    rendered.push({ ...chart, svg: await renderSvg(chart.spec) });
  }
  return rendered;
}

/** The text a reader sees: tags dropped, the five escapes undone. */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/**
 * Text the scenario and the model supply, shown as written in any language: every string value of
 * the metrics, and the names of the kinds, outcomes, groups and schemes that label table rows.
 */
function dataStrings(m: RunMetrics): string[] {
  const strings = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === "string") strings.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(m);
  const s = m.summary;
  for (const names of [
    s.firstContactByKind,
    s.capableFirstContactByKind,
    s.episodes.byKind,
    s.episodes.byOutcome,
    s.contractCoverageByGroup,
    s.fundPerCapitaByScheme,
  ]) {
    for (const name of Object.keys(names)) strings.add(name);
  }
  return [...strings].sort((a, b) => b.length - a.length);
}

/** The fixed words of an English template: the runs between placeholders with a word of 3+ letters. */
function englishFragments(template: string): string[] {
  return template
    .replaceAll("*", "")
    .split(/\{\w+\}/)
    .map((fragment) => fragment.trim())
    .filter((fragment) => /[A-Za-z]{3}/.test(fragment));
}

/** `fragment` in `text`, not as part of a longer word ("met" is not in "metrics.json"). */
function containsWords(text: string, fragment: string): boolean {
  const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z])${escaped}(?![A-Za-z])`).test(text);
}

describe("the label dictionary", () => {
  const keys = Object.keys(LABELS) as LabelKey[];

  it("gives every label in both languages, with the same placeholders and balanced emphasis", () => {
    expect(keys.length).toBeGreaterThan(150);
    for (const key of keys) {
      for (const lang of LANGS) {
        const text: string = LABELS[key][lang];
        expect(text.trim(), `${key}.${lang}`).not.toBe("");
        expect((text.match(/\*/g) ?? []).length % 2, `${key}.${lang} emphasis`).toBe(0);
      }
      expect(placeholders(LABELS[key].zh).sort(), key).toEqual(placeholders(LABELS[key].en).sort());
    }
  });

  it("writes the Chinese labels in Chinese", () => {
    // A handful of labels are the same in both: symbols, formats, names.
    const sameInBoth = keys.filter((key) => (LABELS[key].en as string) === LABELS[key].zh);
    expect(sameInBoth).toEqual([]);
    for (const key of keys) {
      const zh: string = LABELS[key].zh;
      if (key === "chart.monthFormat") continue;
      expect(zh, key).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("has a label and a definition for every headline and supplementary metric", () => {
    for (const metric of [...HEADLINE_METRICS, ...SUPPLEMENTARY_METRICS]) {
      for (const lang of LANGS) {
        expect(metricLabel(lang, metric.key)).not.toBe("");
        expect(metricDefinition(lang, metric.key)).not.toBe("");
      }
      expect(metric.label).toBe(metricLabel("en", metric.key));
    }
    expect(() => metricLabel("en", "noSuchMetric")).toThrow(/no label metric.noSuchMetric/);
  });

  it("fills placeholders, escaping their values in HTML, and marks emphasis", () => {
    expect(t("en", "report.title", { name: "<b>x</b>" })).toBe("tiersim report: <b>x</b>");
    expect(tHtml("zh", "report.title", { name: "<b>x</b>" })).toBe("tiersim 报告：&lt;b&gt;x&lt;/b&gt;");
    expect(tHtml("en", "report.summary.note", { replications: 4, year: "2017" })).toContain(
      "<em>95% interval</em>",
    );
    expect(t("en", "report.summary.note", { replications: 4, year: "2017" })).not.toContain("*");
    expect(() => t("en", "report.title")).toThrow(/\{name\} has no value/);
  });
});

describe("a Chinese report", () => {
  it("uses the policy documents' terms, sets <html lang> and leaks no English label", async () => {
    const m = makeMetricsFixture();
    const html = buildHtmlReport(m, await renderAll(m, "zh"), { lang: "zh" });
    expect(html).toContain('<html lang="zh-CN">');
    for (const term of [
      "基层医疗卫生机构诊疗量占比",
      "县域内就诊率",
      "家庭医生签约服务覆盖率",
      "重点人群签约服务覆盖率",
      "双向转诊",
      "上转",
      "下转",
      "村卫生室",
      "乡镇卫生院",
      "县级医院",
      "三级医院",
      "自付",
      "医保基金支出",
      "床位使用率",
      "医师日均担负诊疗人次",
    ]) {
      expect(html, term).toContain(term);
    }

    let text = visibleText(html);
    for (const data of dataStrings(m)) text = text.replaceAll(data, "\u0000");
    const leaks = (Object.keys(LABELS) as LabelKey[]).flatMap((key) =>
      englishFragments(LABELS[key].en)
        .filter((fragment) => containsWords(text, fragment))
        .map((fragment) => `${key}: ${fragment}`),
    );
    expect(leaks).toEqual([]);
  });

  it("would be caught leaking one: the same check finds the English labels of an English report", async () => {
    const m = makeMetricsFixture();
    const text = visibleText(buildHtmlReport(m, [], { lang: "en" }));
    for (const key of [
      "tier.township",
      "report.capacity",
      "measure.bedOccupancy",
      "contract.coverageAll",
    ] as const) {
      expect(containsWords(text, LABELS[key].en)).toBe(true);
    }
  });
});

describe("the scorecard in Chinese", () => {
  it("uses the Chinese labels and lines up values after labels of Chinese characters", () => {
    const text = formatScorecard(makeMetricsFixture(), { lang: "zh" });
    expect(text).toContain("基层医疗卫生机构诊疗量占比");
    expect(text).toContain("床位使用率：乡镇卫生院 55.2% · 县级医院 85.3% · 三级医院 99.1%");
    expect(text).toContain("目标：4 项中 2 项达标");
    expect(text).not.toMatch(/Bed occupancy|Targets:|Grassroots share/);
    const headline = text.split("\n").slice(3, 3 + HEADLINE_METRICS.length);
    const valueEnds = headline.map((line) => displayWidth(line));
    expect(new Set(valueEnds).size).toBe(1);
  });

  it("counts a Chinese character as two terminal columns", () => {
    expect(displayWidth("村卫生室")).toBe(8);
    expect(displayWidth("a村b")).toBe(4);
    expect(displayWidth("≥ 65.0%")).toBe(7);
  });
});
