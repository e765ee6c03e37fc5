/**
 * The report's tables as CSV: RFC 4180, UTF-8 without a byte-order mark, a header row, numbers
 * unformatted at full precision; and one CSV for every table report.html shows, with its rows.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHtmlReport } from "../reports/html-report.ts";
import { csvField, type ReportTable, tableCsv, tableHtml, toCsv } from "../reports/report-table.ts";
import { allTables } from "../reports/report-tables.ts";
import { writeCsvTable } from "../reports/write-report.ts";
import { makeMetricsFixture } from "./fixtures/metrics-fixture.ts";

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tiersim-tables-"));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A CSV as records of strings, read by an independent RFC 4180 parser. */
function readCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false }) as string[][];
}

function table(
  m: ReturnType<typeof makeMetricsFixture>,
  name: string,
  lang: "en" | "zh" = "en",
): ReportTable {
  const found = allTables(m, lang).find((t) => t.name === name);
  expect(found, name).toBeDefined();
  return found!;
}

describe("CSV fields (RFC 4180)", () => {
  it("quotes a field holding a comma, quote, CR or LF, doubling the quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField("县域内就诊率")).toBe("县域内就诊率");
  });

  it("defuses text a spreadsheet would run as a formula, never a number", () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-2")).toBe("'-2");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField(-2)).toBe("-2");
    expect(csvField("a-b")).toBe("a-b");
  });

  it("writes numbers at full precision, never formatted, and nothing for missing values", () => {
    expect(csvField(0.6079104947425304)).toBe("0.6079104947425304");
    expect(csvField(1234567.5)).toBe("1234567.5");
    expect(csvField(1e-7)).toBe("1e-7");
    expect(csvField(-0)).toBe("0");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(Number.POSITIVE_INFINITY)).toBe("");
    expect(csvField(null)).toBe("");
    expect(csvField(true)).toBe("true");
    expect(Number(csvField(0.1 + 0.2))).toBe(0.1 + 0.2);
  });

  it("ends every record with CRLF and round-trips through a CSV parser", () => {
    const records = [
      ["key", "label", "value"],
      ["a", 'quote " and, comma', 0.1 + 0.2],
      ["b", "line\nbreak", null],
    ];
    const text = toCsv(records);
    expect(text).toBe(
      'key,label,value\r\na,"quote "" and, comma",0.30000000000000004\r\nb,"line\nbreak",\r\n',
    );
    expect(readCsv(text)).toEqual([
      ["key", "label", "value"],
      ["a", 'quote " and, comma', "0.30000000000000004"],
      ["b", "line\nbreak", ""],
    ]);
  });
});

describe("the report's tables as CSV", () => {
  it("writes a CSV for every table of report.html, with the same rows and the HTML's columns", () => {
    const m = makeMetricsFixture();
    const html = buildHtmlReport(m, []);
    const htmlTables = [...html.matchAll(/<table class="([^"]+)">/g)].map((match) => match[1]);
    const tables = allTables(m);
    expect(tables.map((t) => t.name)).toEqual(htmlTables);
    expect(new Set(htmlTables).size).toBe(htmlTables.length);
    for (const t of tables) {
      expect(t.name).toMatch(/^[a-z0-9-]+$/);
      const records = readCsv(tableCsv(t));
      expect(records.length, t.name).toBe(t.rows.length + 1);
      const htmlHeader = [...tableHtml(t).matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((match) => match[1]);
      const csvHeader = records[0]!;
      // Every HTML column is in the CSV, except those the CSV splits into raw parts.
      const split = t.columns.filter((c) => c.only === "html").map((c) => c.label);
      for (const label of htmlHeader) if (!split.includes(label!)) expect(csvHeader, t.name).toContain(label);
    }
  });

  it("keeps full precision and stable keys: the headline table's grassroots share and its interval", () => {
    const m = makeMetricsFixture();
    const [header, ...rows] = readCsv(tableCsv(table(m, "headline")));
    expect(header).toEqual([
      "key",
      "Metric",
      "Value",
      "95% interval, lower",
      "95% interval, upper",
      "Replications",
      "Standard deviation",
      "Minimum",
      "Maximum",
    ]);
    const grassroots = rows.find((row) => row[0] === "grassrootsShare")!;
    expect(Number(grassroots[2])).toBe(m.summary.grassrootsShare);
    expect(Number(grassroots[3])).toBe(m.summary.spread.grassrootsShare!.lower);
    expect(Number(grassroots[4])).toBe(m.summary.spread.grassrootsShare!.upper);
    expect(grassroots[5]).toBe("4");
    // No spread for this one in the fixture: empty fields, not dashes.
    expect(rows.find((row) => row[0] === "hospitalShare")!.slice(3)).toEqual(["", "", "", "", "", ""]);
  });

  it("labels the columns in the report's language and keeps the keys", () => {
    const m = makeMetricsFixture();
    const [header, ...rows] = readCsv(tableCsv(table(m, "capacity", "zh")));
    expect(header).toEqual([
      "key",
      "层级",
      "诊疗人次占比",
      "门诊平均等待天数",
      "号满未能就诊比例",
      "医师日均担负诊疗人次",
      "床位使用率",
    ]);
    expect(rows.map((row) => row[0])).toEqual(["village", "township", "county", "tertiary", "outOfRegion"]);
    expect(rows[3]).toEqual([
      "tertiary",
      "三级医院",
      String(m.summary.visitsShareByTier.tertiary),
      "6.8",
      "0.047",
      "8.18",
      "0.991",
    ]);
    // No beds at village clinics: an empty field.
    expect(rows[0]![6]).toBe("");
  });

  it("splits what the HTML folds into one cell: a target's comparator, a check's band", () => {
    const m = makeMetricsFixture();
    const [targetHeader, target] = readCsv(tableCsv(table(m, "targets")));
    expect(targetHeader).toEqual(["Id", "Description", "Source", "Simulated", "Comparator", "Target", "Met"]);
    expect(target!.slice(3)).toEqual([String(m.summary.grassrootsShare), ">=", "0.6", "true"]);
    const [checkHeader, , occupancy] = readCsv(tableCsv(table(m, "checks")));
    expect(checkHeader).toEqual([
      "Id",
      "Reported outcome",
      "Source",
      "Simulated",
      "Reported value",
      "Band, low",
      "Band, high",
      "Within",
    ]);
    expect(occupancy!.slice(3)).toEqual(["0.991", "0.99", "0.85", "1.05", "true"]);
  });

  it("escapes scenario text in the HTML table but writes it as it is in the CSV", () => {
    const m = makeMetricsFixture();
    m.timeline[0]!.note = `<b>gap</b>, "widened"`;
    const t = table(m, "timeline");
    expect(tableHtml(t)).toContain("&lt;b&gt;gap&lt;/b&gt;, &quot;widened&quot;");
    expect(readCsv(tableCsv(t))[1]).toEqual([
      "2016-01-01",
      "12",
      `<b>gap</b>, "widened"`,
      "insurance.schemes.resident.outpatient.gaps.county",
    ]);
  });

  it("writes tables/<name>.csv as UTF-8 without a byte-order mark", async () => {
    const path = await writeCsvTable(scratch, table(makeMetricsFixture(), "capacity", "zh"));
    expect(path).toBe(join(scratch, "tables", "capacity.csv"));
    const bytes = await readFile(path);
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8").startsWith("key,层级,")).toBe(true);
  });

  it("has by-year tables only when the run covers several years", () => {
    const m = makeMetricsFixture();
    const [header, ...years] = readCsv(tableCsv(table(m, "referrals-by-year")));
    expect(header![0]).toBe("Year");
    expect(years.map((row) => row[0])).toEqual(["2016", "2017"]);
    m.byYear = { "2017": m.summary };
    expect(allTables(m).map((t) => t.name)).not.toContain("referrals-by-year");
    expect(allTables(m).map((t) => t.name)).not.toContain("contracts-by-year");
  });
});
