/**
 * Every word a reader sees in a run's report, charts, tables and terminal scorecard, in English
 * and Chinese. The Chinese uses the policy documents' own terms (基层医疗卫生机构诊疗量占比,
 * 县域内就诊率, 家庭医生签约服务覆盖率, 双向转诊, 上转/下转, 自付, 医保基金支出, 床位使用率 …) so a
 * report can be set beside a provincial assessment table.
 *
 * Templates take `{name}` placeholders; in HTML, `*text*` marks emphasis (see `tHtml`). Names that
 * come from the scenario (its name, kind ids, timeline notes) are data, not labels: they are shown
 * as written, escaped.
 */
import type { Tier } from "../models/outcomes/metrics-schema.ts";
import { escapeHtml } from "./html-escape.ts";

export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

interface Entry {
  en: string;
  zh: string;
}

export const LABELS = {
  // The tiers, as in the national statistics (卫生统计年鉴).
  "tier.village": { en: "Village clinic", zh: "村卫生室" },
  "tier.township": { en: "Township health centre", zh: "乡镇卫生院" },
  "tier.county": { en: "County hospital", zh: "县级医院" },
  "tier.tertiary": { en: "Tertiary hospital", zh: "三级医院" },
  "tier.outOfRegion": { en: "Out of region", zh: "区域外" },
  // Short names on the terminal's one-line summaries.
  "tierShort.village": { en: "village", zh: "村卫生室" },
  "tierShort.township": { en: "township", zh: "乡镇卫生院" },
  "tierShort.county": { en: "county", zh: "县级医院" },
  "tierShort.tertiary": { en: "tertiary", zh: "三级医院" },
  "tierShort.outOfRegion": { en: "out", zh: "区域外" },
  "tierShort.optOut": { en: "no care", zh: "未就医" },
  "tierShort.able": { en: "able", zh: "有能力" },

  // Words shared by charts, tables and the scorecard.
  "common.tier": { en: "Tier", zh: "层级" },
  "common.allTiers": { en: "All tiers", zh: "合计" },
  "common.month": { en: "Month", zh: "月份" },
  "common.year": { en: "Year", zh: "年份" },
  "common.visits": { en: "Visits", zh: "诊疗人次" },
  "common.admissions": { en: "Admissions", zh: "住院人数" },
  "common.shareOfVisits": { en: "Share of visits", zh: "诊疗人次占比" },
  "common.notSeekingCare": { en: "Not seeking care", zh: "未就医" },
  "common.met": { en: "Met", zh: "达标" },
  "common.notMet": { en: "Not met", zh: "未达标" },
  "common.notApplicable": { en: "n/a", zh: "不适用" },
  "common.replicationsOne": { en: "mean over {n} replication", zh: "{n} 次重复的均值" },
  "common.replicationsMany": { en: "mean over {n} replications", zh: "{n} 次重复的均值" },
  "common.episodeKind": { en: "Episode kind", zh: "病种" },
  "common.measure": { en: "Measure", zh: "指标" },
  "common.value": { en: "Value", zh: "数值" },
  "common.id": { en: "Id", zh: "编号" },
  "common.description": { en: "Description", zh: "说明" },
  "common.source": { en: "Source", zh: "来源" },
  "common.simulated": { en: "Simulated", zh: "模拟值" },
  "common.count": { en: "Count", zh: "数量" },
  "common.share": { en: "Share", zh: "占比" },
  "common.interval95": { en: "95% interval", zh: "95% 区间" },
  "common.intervalLower": { en: "95% interval, lower", zh: "95% 区间下限" },
  "common.intervalUpper": { en: "95% interval, upper", zh: "95% 区间上限" },
  "common.replications": { en: "Replications", zh: "重复次数" },
  "common.sd": { en: "Standard deviation", zh: "标准差" },
  "common.min": { en: "Minimum", zh: "最小值" },
  "common.max": { en: "Maximum", zh: "最大值" },

  // Tier measures (charts, tables, scorecard).
  "measure.meanWaitDays": { en: "Mean outpatient wait (days)", zh: "门诊平均等待天数" },
  "measure.turnedAway": { en: "Turned away", zh: "号满未能就诊比例" },
  "measure.visitsPerDoctorDay": { en: "Visits per doctor-day", zh: "医师日均担负诊疗人次" },
  "measure.bedOccupancy": { en: "Bed occupancy", zh: "床位使用率" },
  "measure.oopPerVisit": { en: "Out of pocket per visit (yuan)", zh: "次均门诊自付（元）" },
  "measure.oopPerStay": { en: "Out of pocket per stay (yuan)", zh: "次均住院自付（元）" },
  "measure.fundPerCapita": { en: "Fund per resident-year (yuan)", zh: "人均医保基金支出（元/年）" },
  "measure.fundShare": { en: "Share of fund spending", zh: "医保基金支出占比" },
  "measure.oopPerCapita": { en: "Out of pocket per resident-year (yuan)", zh: "人均自付（元/年）" },
  "measure.referralOutRate": { en: "Referral-out rate", zh: "上转率" },
  "measure.retained": { en: "Episodes kept beyond capability", zh: "超出能力留治病例" },
  "measure.scheme": { en: "Insurance scheme", zh: "医保类型" },
  "measure.capableFirstContact": { en: "First contact able to treat", zh: "首诊机构有能力诊治" },
  "measure.doctorsPer1000": { en: "Doctors per 1,000 residents", zh: "每千居民医师数" },
  "measure.bedsPer1000": { en: "Beds per 1,000 residents", zh: "每千居民床位数" },

  // Contracts and chronic care (家庭医生签约服务).
  "contract.coverageAll": { en: "Contract coverage, all residents", zh: "家庭医生签约服务覆盖率（全人群）" },
  "contract.coverageUrban": {
    en: "Contract coverage, urban residents",
    zh: "家庭医生签约服务覆盖率（城市居民）",
  },
  "contract.coverageKey": { en: "Contract coverage, key populations", zh: "重点人群签约服务覆盖率" },
  "contract.coverageGroup": { en: "Contract coverage, {group}", zh: "签约服务覆盖率：{group}" },
  "contract.renewal": { en: "Contract renewal", zh: "续约率" },
  "contract.fees": { en: "Contract fees per resident-year (yuan)", zh: "人均签约服务费（元/年）" },
  "contract.firstContactHolders": {
    en: "Grassroots first contact, contract holders",
    zh: "签约居民基层首诊比例",
  },
  "contract.firstContactOthers": { en: "Grassroots first contact, others", zh: "未签约居民基层首诊比例" },
  "contract.twoWeekIllness": {
    en: "Two-week illness first seen at the grassroots",
    zh: "两周患病首选基层医疗卫生机构比例",
  },
  "contract.htnDm": {
    en: "Hypertension and diabetes under standardized management",
    zh: "高血压、糖尿病患者规范管理率",
  },
  "contract.htnDmUrban": { en: "… urban patients", zh: "……其中城市患者" },
  "contract.seriesAll": { en: "All residents", zh: "全人群" },
  "contract.seriesUrban": { en: "Urban residents", zh: "城市居民" },
  "contract.seriesKey": { en: "Key populations", zh: "重点人群" },
  "group.elderly": { en: "older people (65+)", zh: "老年人" },
  "group.pregnant": { en: "pregnant women", zh: "孕产妇" },
  "group.youngChildren": { en: "children under 7", zh: "0–6 岁儿童" },
  "group.hypertension": { en: "hypertension patients", zh: "高血压患者" },
  "group.diabetes": { en: "diabetes patients", zh: "糖尿病患者" },
  "group.tuberculosis": { en: "tuberculosis patients", zh: "结核病患者" },
  "group.severeMentalIllness": { en: "severe mental illness", zh: "严重精神障碍患者" },
  "group.disabled": { en: "people with disabilities", zh: "残疾人" },
  "group.poor": { en: "the poor", zh: "贫困人口" },
  "scheme.employee": { en: "Urban employees' insurance", zh: "城镇职工基本医疗保险" },
  "scheme.resident": { en: "Urban residents' insurance", zh: "城镇居民基本医疗保险" },
  "scheme.ncms": { en: "New rural cooperative scheme", zh: "新型农村合作医疗" },
  "scheme.uninsured": { en: "Uninsured", zh: "无医保" },
  "outcome.treatedOutpatient": { en: "Treated as an outpatient", zh: "门诊治疗" },
  "outcome.treatedInpatient": { en: "Treated as an inpatient", zh: "住院治疗" },
  "outcome.optedOut": { en: "Did not seek care", zh: "未就医" },

  // Two-way referral (双向转诊).
  "referral.upwardHops": { en: "Upward referrals (hops)", zh: "上转人次" },
  "referral.upwardPatients": { en: "Patients referred up", zh: "上转患者数" },
  "referral.downwardProposed": { en: "Downward referrals proposed at discharge", zh: "出院时建议下转" },
  "referral.downward": { en: "Downward referrals", zh: "下转人次" },
  "referral.downwardAcceptance": {
    en: "Share of proposed downward referrals accepted",
    zh: "建议下转的接受比例",
  },
  "referral.downwardToRehab": {
    en: "Downward referrals to rehabilitation and nursing facilities",
    zh: "下转至康复、护理机构",
  },
  "referral.downwardBlocked": {
    en: "Downward referrals failed for want of a step-down bed",
    zh: "因无接续床位未能下转",
  },
  "referral.stepDownStays": { en: "Step-down stays begun at home centres", zh: "基层接续住院" },
  "referral.familyBeds": { en: "Admissions cared for in family beds", zh: "家庭病床收治" },
  "referral.growth": { en: "Downward referral growth over the year before", zh: "下转人次较上年增长" },
  "referral.alliance": {
    en: "Referrals from alliance members kept in the alliance",
    zh: "医联体成员转诊留在医联体内的比例",
  },
  "referral.greenChannel": {
    en: "Emergencies taken first to the nearest hospital (no green channel)",
    zh: "急诊先送最近医院的比例（无绿色通道）",
  },
  "referral.redirected": {
    en: "Planned admissions sent back to the first-contact tier for want of a referral",
    zh: "因无转诊单转回首诊层级的择期住院",
  },

  // Charts.
  "chart.tierShare.title": { en: "Share of visits by tier", zh: "各级医疗机构诊疗人次占比" },
  "chart.tierShare.subtitle": {
    en: "Monthly outpatient and emergency visits, {replications}",
    zh: "每月门急诊人次，{replications}",
  },
  "chart.tierShare.simulated": {
    en: "Grassroots share (simulated)",
    zh: "基层医疗卫生机构诊疗量占比（模拟）",
  },
  "chart.tierShare.band": {
    en: "Grassroots share, 95% interval over replications",
    zh: "基层诊疗量占比的 95% 区间（重复间）",
  },
  "chart.tierShare.target": { en: "Grassroots-share target", zh: "基层诊疗量占比目标" },
  "chart.tierShare.targetLabel": {
    en: "Target {comparator} {value} ({source})",
    zh: "目标 {comparator} {value}（{source}）",
  },
  "chart.tierShare.axis": { en: "Share of visits (%)", zh: "诊疗人次占比（%）" },
  "chart.monthFormat": { en: "%b %Y", zh: "%Y-%m" },
  "chart.visits.title": { en: "Visits by tier, {year}", zh: "{year} 年各级医疗机构诊疗人次" },
  "chart.visits.subtitle": {
    en: "Outpatient and emergency visits, and admissions (counted apart); label: share of all visits",
    zh: "门急诊人次与住院人数（分开计数）；标注：占全部诊疗人次的比例",
  },
  "chart.visits.axis": {
    en: "Visits in {year} (count, {replications})",
    zh: "{year} 年人次（{replications}）",
  },
  "chart.firstContact.title": { en: "Where episodes first seek care, {year}", zh: "{year} 年各病种首诊流向" },
  "chart.firstContact.subtitle": {
    en: "Share of first contacts by tier, and of episodes not seeking care, per episode kind; {replications}",
    zh: "各病种在各层级首诊的比例及未就医比例；{replications}",
  },
  "chart.firstContact.axis": { en: "Share of episodes (%)", zh: "病例占比（%）" },
  "chart.firstContact.legend": { en: "First contact", zh: "首诊" },
  "chart.targets.title": {
    en: "Targets: simulated value (dot) vs target (tick)",
    zh: "目标：模拟值（圆点）与目标值（刻度）",
  },
  "chart.targets.short": { en: "Targets: simulated vs target", zh: "目标：模拟值与目标值" },
  "chart.targets.subtitle": {
    en: "Summary year {year}, {replications}",
    zh: "汇总年份 {year}，{replications}",
  },
  "chart.targets.axisPercent": { en: "Simulated value and target (%)", zh: "模拟值与目标值（%）" },
  "chart.targets.axis": { en: "Simulated value and target", zh: "模拟值与目标值" },
  "chart.targets.label": {
    en: "{value} (target {comparator} {target})",
    zh: "{value}（目标 {comparator} {target}）",
  },
  "chart.capacity.title": {
    en: "Bed occupancy, waits and patients turned away by tier, {year}",
    zh: "{year} 年各级医疗机构床位使用率、等待与号满未能就诊",
  },
  "chart.capacity.subtitle": {
    en: "Occupied bed-days ÷ bed-days available; days from arrival to visit; visits that found no slot ÷ visits; {replications}",
    zh: "实际占用床日数 ÷ 实际开放床日数；到达至就诊的天数；未能挂号的人次 ÷ 诊疗人次；{replications}",
  },
  "chart.capacity.occupancy": { en: "Bed occupancy (%)", zh: "床位使用率（%）" },
  "chart.capacity.wait": { en: "Mean outpatient wait (days)", zh: "门诊平均等待（天）" },
  "chart.capacity.turnedAway": { en: "Turned away (% of visits)", zh: "号满未能就诊（占诊疗人次 %）" },
  "chart.costs.title": {
    en: "Out of pocket and fund spending by tier, {year}",
    zh: "{year} 年各级医疗机构自付费用与医保基金支出",
  },
  "chart.costs.subtitle": {
    en: "What patients paid per visit and per stay, and what the fund paid per resident; {replications}",
    zh: "患者次均门诊、次均住院自付，以及人均医保基金支出；{replications}",
  },
  "chart.contracts.title": {
    en: "Family-doctor contract coverage, {year}",
    zh: "{year} 年家庭医生签约服务覆盖率",
  },
  "chart.contracts.subtitle": {
    en: "Residents holding a contract at the year's end ÷ residents, overall and by group; {replications}",
    zh: "年末签约居民 ÷ 居民数，全人群及各重点人群；{replications}",
  },
  "chart.contracts.axis": { en: "Share holding a contract (%)", zh: "签约比例（%）" },
  "chart.contractsByYear.title": {
    en: "Family-doctor contract coverage by year",
    zh: "家庭医生签约服务覆盖率（逐年）",
  },
  "chart.contractsByYear.subtitle": {
    en: "At each year's end; {replications}",
    zh: "各年年末；{replications}",
  },
  "chart.referralFlows.title": {
    en: "Referral flows between tiers, {year}",
    zh: "{year} 年各层级间转诊流向",
  },
  "chart.referralFlows.subtitle": {
    en: "Referrals in the year from each tier (rows) to each tier (columns); {replications}",
    zh: "全年由各层级（行）转至各层级（列）的转诊人次；{replications}",
  },
  "referral.flow.from": { en: "From", zh: "转出层级" },
  "referral.flow.to": { en: "To", zh: "转入层级" },
  "referral.flow.upward": { en: "Upward (hops)", zh: "上转（人次）" },
  "referral.flow.downwardMoves": { en: "Downward (patients moved)", zh: "下转（人次）" },
  "chart.referrals.title": { en: "Two-way referral, {year}", zh: "{year} 年双向转诊" },
  "chart.referrals.subtitle": {
    en: "Referrals up out of each tier ÷ episodes seen there; referrals up and down in the year; {replications}",
    zh: "各层级上转病例 ÷ 该层级接诊病例；全年上转与下转数；{replications}",
  },
  "chart.referrals.rateAxis": { en: "Referral-out rate (%)", zh: "上转率（%）" },
  "chart.referrals.countAxis": { en: "Referrals in the year (count)", zh: "全年转诊数" },
  "chart.referralsByYear.title": { en: "Referrals up and down by year", zh: "上转与下转（逐年）" },
  "chart.referralsByYear.subtitle": {
    en: "Counts in the simulated sample; {replications}",
    zh: "模拟样本中的数量；{replications}",
  },
  "chart.byYear.whiskers": { en: "whiskers: 95% interval over replications", zh: "须线：重复间 95% 区间" },
  "chart.byYear.rules": { en: "dotted rules: dated policy changes", zh: "虚线：政策变化生效日" },
  "chart.referralsByYear.axis": { en: "Referrals (count)", zh: "转诊数" },

  // The HTML report.
  "report.title": { en: "tiersim report: {name}", zh: "tiersim 报告：{name}" },
  "report.contents": { en: "Contents", zh: "目录" },
  "report.run": { en: "Run", zh: "运行概况" },
  "report.fact.scenario": { en: "Scenario", zh: "情景" },
  "report.fact.seed": { en: "Seed", zh: "随机种子" },
  "report.fact.population": { en: "Population", zh: "模拟人口" },
  "report.fact.years": { en: "Years simulated", zh: "模拟年数" },
  "report.fact.startYear": { en: "Start year", zh: "起始年份" },
  "report.fact.replications": { en: "Replications", zh: "重复次数" },
  "report.fact.summaryYear": { en: "Summary year", zh: "汇总年份" },
  "report.fact.summaryYearValue": {
    en: "{label} (year {year} of the run)",
    zh: "{label}（运行第 {year} 年）",
  },
  "report.fact.version": { en: "tiersim version", zh: "tiersim 版本" },
  "report.targets": { en: "Targets", zh: "目标" },
  "report.targets.count": { en: "{met} of {total} targets met.", zh: "{total} 项目标中 {met} 项达标。" },
  "report.targets.none": { en: "No targets are scored for this scenario.", zh: "本情景未设评分目标。" },
  "report.targets.target": { en: "Target", zh: "目标值" },
  "report.targets.comparator": { en: "Comparator", zh: "比较方式" },
  "report.timeline": { en: "Policy timeline", zh: "政策时间线" },
  "report.timeline.note": {
    en: "Dated changes of the scenario: each holds from its date on (a dotted rule on every chart over time).",
    zh: "情景中按日期生效的政策变化：自生效之日起持续有效（在各时间序列图中以虚线标出）。",
  },
  "report.timeline.date": { en: "Date", zh: "日期" },
  "report.timeline.change": { en: "Change", zh: "变化" },
  "report.timeline.fields": { en: "Fields", zh: "参数" },
  "report.timeline.month": { en: "Month of the run", zh: "运行月份序号" },
  "report.checks": { en: "Calibration checks", zh: "校准检验" },
  "report.checks.count": {
    en: "{passed} of {total} reported outcomes reproduced within their band.",
    zh: "{total} 项报告结果中 {passed} 项在容许区间内。",
  },
  "report.checks.none": { en: "No calibration checks for this scenario.", zh: "本情景无校准检验。" },
  "report.checks.reported": { en: "Reported outcome", zh: "报告结果" },
  "report.checks.reportedValue": { en: "Reported value", zh: "报告值" },
  "report.checks.band": { en: "Band", zh: "容许区间" },
  "report.checks.bandLow": { en: "Band, low", zh: "区间下限" },
  "report.checks.bandHigh": { en: "Band, high", zh: "区间上限" },
  "report.checks.within": { en: "Within", zh: "在区间内" },
  "report.checks.inside": { en: "within the band", zh: "在区间内" },
  "report.checks.outside": { en: "outside the band", zh: "在区间外" },
  "report.region": { en: "Region and supply", zh: "区域与资源配置" },
  "report.region.note": {
    en: "The real region the run stands for, and how many of its residents each simulated resident represents. Doctors and beds are the real region's, per 1,000 of its residents; visits per doctor-day and bed occupancy are computed against them. Village clinics have no beds.",
    zh: "本次运行所代表的实际区域，以及每个模拟居民代表的实际居民数。医师数与床位数为实际区域的每千居民数；医师日均担负诊疗人次与床位使用率均据此计算。村卫生室不设床位。",
  },
  "report.region.realPopulation": { en: "Real population", zh: "实际人口" },
  "report.region.simulated": { en: "Simulated residents", zh: "模拟居民数" },
  "report.region.scale": {
    en: "Residents each simulated resident stands for",
    zh: "每个模拟居民代表的实际居民数",
  },
  "report.region.gps": { en: "General practitioners per 10,000 residents", zh: "每万居民全科医生数" },
  "report.region.noGp": {
    en: "Township centres without a general practitioner",
    zh: "无全科医生的乡镇卫生院数",
  },
  "report.population": { en: "Synthetic population", zh: "合成人口" },
  "report.population.count": {
    en: "{within} of {total} counts of the synthetic population lie within 4 standard deviations of what its input shares imply.",
    zh: "合成人口的 {total} 项计数中，{within} 项与按输入比例推算的期望值相差在 4 个标准差以内。",
  },
  "report.population.none": { en: "No population checks.", zh: "无人口检验。" },
  "report.population.all": { en: "All population checks", zh: "全部人口检验" },
  "report.population.check": { en: "Check", zh: "检验项" },
  "report.population.generated": { en: "Generated", zh: "生成数" },
  "report.population.expected": { en: "Expected from the inputs", zh: "按输入推算的期望数" },
  "report.population.within": { en: "Within 4 SD", zh: "4 个标准差以内" },
  "report.summary": { en: "Summary, {year}", zh: "{year} 年汇总" },
  "report.summary.metric": { en: "Metric", zh: "指标" },
  "report.summary.spread": { en: "Spread over replications", zh: "重复间离散程度" },
  "report.summary.spreadText": { en: "sd {sd}; range {min} – {max}", zh: "标准差 {sd}；范围 {min} – {max}" },
  "report.summary.note": {
    en: "Means over {replications} replications of {year}. *95% interval*: the interval of that mean by Student's t over the replications (— with fewer than two).",
    zh: "{year} 年 {replications} 次重复的均值。*95% 区间*：按 Student t 分布计算的重复间均值区间（重复少于两次时为 —）。",
  },
  "report.visits": { en: "Visits by tier", zh: "各级医疗机构诊疗人次" },
  "report.firstContact": { en: "Where episodes first seek care", zh: "各病种首诊流向" },
  "report.firstContact.note": {
    en: "Where each kind of episode first sought care in {year}: the share of the year's first contacts made at each tier, and the share of episodes whose patient did not seek care at all (each row sums to 100%). *First contact able to treat*: the share of first contacts, episodes not seeking care aside, made at a facility able to treat the episode (its capability meets the episode's need).",
    zh: "{year} 年各病种的首诊去向：各层级首诊占当年首诊的比例，以及患者未就医的病例比例（每行合计 100%）。*首诊机构有能力诊治*：除未就医病例外，在有能力诊治该病例的机构（能力满足病情需要）首诊的比例。",
  },
  "report.firstContact.none": { en: "No first contacts were recorded.", zh: "未记录到首诊。" },
  "report.capacity": { en: "Occupancy and waits by tier", zh: "床位使用率与等待" },
  "report.capacity.note": {
    en: "How loaded each tier was in {year}. *Share of visits*: the tier's outpatient and emergency visits ÷ all visits. *Mean outpatient wait*: days from arriving at the facility to the visit. *Turned away*: patients who found no slot within their patience at the tier's facilities and went elsewhere, ÷ the tier's visits. *Visits per doctor-day* (医师日均担负诊疗人次): the tier's visits ÷ (the real region's doctors at that tier × working days). *Bed occupancy* (床位使用率): occupied bed-days ÷ bed-days available, for the tiers with beds; above 100% means more bed-days were used than the beds provide. Blank where a figure does not apply.",
    zh: "{year} 年各层级的负荷。*诊疗人次占比*：该层级门急诊人次 ÷ 全部诊疗人次。*门诊平均等待天数*：到达机构至就诊的天数。*号满未能就诊比例*：在该层级机构于耐心期限内挂不上号而转往他处的患者 ÷ 该层级诊疗人次。*医师日均担负诊疗人次*：该层级诊疗人次 ÷（实际区域该层级医师数 × 工作日数）。*床位使用率*（病床使用率）：实际占用总床日数 ÷ 实际开放总床日数，仅限设床位的层级；超过 100% 表示占用床日多于床位所能提供。不适用处留空。",
  },
  "report.costs": { en: "Out of pocket and fund spending by tier", zh: "自付费用与医保基金支出" },
  "report.costs.note": {
    en: "What care cost in {year}, and who paid. *Out of pocket*: what patients paid after reimbursement, deductibles and caps. *Fund per resident-year*: what the insurance fund paid at the tier ÷ residents. Patients paid {oopShare} of all that care cost; the fund spent {fundSpending} yuan in the region.",
    zh: "{year} 年的医疗费用及其负担。*自付*：报销、起付线与封顶线之后患者个人支付的部分。*人均医保基金支出*：医保基金在该层级的支出 ÷ 居民数。患者自付占全部医疗费用的 {oopShare}；全区域医保基金支出 {fundSpending} 元。",
  },
  "report.costs.schemes": {
    en: "By insurance scheme, per resident-year (all residents as denominator):",
    zh: "按医保类型，人均每年（以全部居民为分母）：",
  },
  "report.contracts": { en: "Family-doctor contracts and chronic care", zh: "家庭医生签约服务与慢病管理" },
  "report.contracts.note": {
    en: "Family-doctor contracts (stocks at the year's end) and chronic-disease management (at least four grassroots follow-ups in the year) in {year}.",
    zh: "{year} 年家庭医生签约服务（年末存量）与慢病管理（一年内至少四次基层随访）。",
  },
  "report.contracts.byYear": { en: "Contract coverage by year", zh: "签约服务覆盖率（逐年）" },
  "report.referrals": { en: "Two-way referral", zh: "双向转诊" },
  "report.referrals.note": {
    en: "Referrals between tiers in {year}. *Upward referrals* count each hop from a lower to a higher tier; *patients referred up* count each episode once. *Downward referrals* (下转) move a patient to the grassroots after a stay. *Referral-out rate*: episodes referred up out of the tier ÷ episodes seen there (each episode once per tier).",
    zh: "{year} 年各层级之间的转诊。*上转人次*按每次由下级转往上级计；*上转患者数*每个病例只计一次。*下转*指住院后将患者转回基层。*上转率*：由该层级上转的病例 ÷ 该层级接诊的病例（每个病例在每个层级只计一次）。",
  },
  "report.referrals.byYear": { en: "Referrals by year", zh: "转诊（逐年）" },
  "report.episodes": { en: "Episodes", zh: "病例" },
  "report.episodes.started": {
    en: "Episodes started: {started}. Shares are of episodes started.",
    zh: "发生病例 {started} 例；占比均以发生病例为分母。",
  },
  "report.episodes.outcome": { en: "Outcome", zh: "结局" },
  "report.charts": { en: "Charts", zh: "图表" },
  "report.definitions": { en: "Definitions", zh: "定义" },
  "report.definition.visits": { en: "Visits", zh: "诊疗人次" },
  "report.definition.visitsText": {
    en: "Outpatient and emergency visits (诊疗人次), counted at the tier where they happen: village clinic, township health centre, county hospital, tertiary hospital, or out of region. Inpatient admissions are counted apart.",
    zh: "门急诊人次，按发生的层级计：村卫生室、乡镇卫生院、县级医院、三级医院或区域外。住院人数另计。",
  },
  "report.definition.simulated": { en: "Simulated values", zh: "模拟值" },
  "report.definition.simulatedText": {
    en: "Means over {replications} replications of the summary year ({year}); the spread column gives their standard deviation and range.",
    zh: "汇总年份（{year}）{replications} 次重复的均值；离散程度一栏给出标准差与范围。",
  },
  "report.definition.interval": { en: "95% interval", zh: "95% 区间" },
  "report.definition.intervalText": {
    en: "The 95% interval of the mean over replications by Student's t: mean ± t × sd ÷ √n, with n − 1 degrees of freedom; shown as — with fewer than two replications. It says how precisely the replications pin the model's mean, not how uncertain the model's inputs are.",
    zh: "按 Student t 分布计算的重复间均值的 95% 区间：均值 ± t × 标准差 ÷ √n，自由度 n − 1；重复少于两次时显示为 —。它表示重复次数对模型均值的估计精度，而非模型输入的不确定性。",
  },
  "report.definition.met": { en: "Target met", zh: "目标达标" },
  "report.definition.metText": {
    en: "The simulated mean compared with the target by the target's comparator (≥ or ≤). Each scenario is scored against the targets of its own source.",
    zh: "以目标的比较方式（≥ 或 ≤）比较模拟均值与目标值。每个情景按其自身来源的目标评分。",
  },
  "report.footer": {
    en: "Generated by tiersim {version} from metrics.json; every figure is reproducible from the scenario and seed.",
    zh: "由 tiersim {version} 根据 metrics.json 生成；所有数字均可由情景文件与随机种子复现。",
  },

  // The terminal scorecard.
  "scorecard.run": {
    en: "seed {seed} · {replications} replications · population {population} · {years} · summary year {year}",
    zh: "随机种子 {seed} · 重复 {replications} 次 · 人口 {population} · {years} · 汇总年份 {year}",
  },
  "scorecard.bedOccupancy": { en: "Bed occupancy: {values}", zh: "床位使用率：{values}" },
  "scorecard.wait": { en: "Mean outpatient wait (days): {values}", zh: "门诊平均等待天数：{values}" },
  "scorecard.workload": { en: "Visits per doctor-day: {values}", zh: "医师日均担负诊疗人次：{values}" },
  "scorecard.oopPerVisit": {
    en: "Out of pocket per visit (yuan): {values}",
    zh: "次均门诊自付（元）：{values}",
  },
  "scorecard.fund": {
    en: "Fund per resident-year (yuan): {values} · out of pocket {oopShare} of costs",
    zh: "人均医保基金支出（元/年）：{values} · 自付占医疗费用 {oopShare}",
  },
  "scorecard.contracts": {
    en: "Contracts: {all} of residents, {key} of key populations · grassroots first contact {holders} holders, {others} others",
    zh: "家庭医生签约：居民 {all}，重点人群 {key} · 基层首诊：签约居民 {holders}，未签约居民 {others}",
  },
  "scorecard.firstContact": {
    en: "First contact by kind (share of episodes; able = at a facility that can treat it):",
    zh: "各病种首诊流向（占病例比例；有能力 = 在有能力诊治的机构首诊）：",
  },
  "scorecard.targets": { en: "Targets: {met} of {total} met", zh: "目标：{total} 项中 {met} 项达标" },
  "scorecard.simulated": { en: "simulated", zh: "模拟值" },
  "scorecard.target": { en: "target", zh: "目标值" },
  "scorecard.checks": {
    en: "Calibration checks: {passed} of {total} within their band",
    zh: "校准检验：{total} 项中 {passed} 项在区间内",
  },
  "scorecard.checkBand": { en: "in {band}", zh: "区间 {band}" },
  "scorecard.population": {
    en: "Population checks: {within} of {total} counts within 4 SD of their inputs",
    zh: "人口检验：{total} 项计数中 {within} 项与输入相差在 4 个标准差以内",
  },

  // The headline and supplementary metrics (headline-metrics.ts): label and definition.
  "metric.grassrootsShare": { en: "Grassroots share of visits", zh: "基层医疗卫生机构诊疗量占比" },
  "definition.grassrootsShare": {
    en: "Grassroots (village clinic + township health centre) visits ÷ all visits, where visits are outpatient and emergency visits (诊疗人次); admissions are counted apart.",
    zh: "基层医疗卫生机构（村卫生室 + 乡镇卫生院）诊疗人次 ÷ 全部诊疗人次；诊疗人次指门急诊人次，住院另计。",
  },
  "metric.hospitalShare": { en: "Hospital share of visits", zh: "医院诊疗量占比" },
  "definition.hospitalShare": {
    en: "Hospital (county + tertiary + out-of-region) visits ÷ all visits.",
    zh: "医院（县级医院 + 三级医院 + 区域外）诊疗人次 ÷ 全部诊疗人次。",
  },
  "metric.countyDomesticRate": { en: "County-domestic visit rate", zh: "县域内就诊率" },
  "definition.countyDomesticRate": {
    en: "Visits of rural-county residents inside their own county ÷ all their visits.",
    zh: "农村县居民在本县内的诊疗人次 ÷ 其全部诊疗人次。",
  },
  "metric.countyDomesticAdmissionRate": { en: "County-domestic admission rate", zh: "县域内住院率" },
  "definition.countyDomesticAdmissionRate": {
    en: "Admissions of rural-county residents inside their own county ÷ all their admissions.",
    zh: "农村县居民在本县内的住院人数 ÷ 其全部住院人数。",
  },
  "metric.countyHospitalReferralOutRate": { en: "County-hospital referral-out rate", zh: "县级医院转诊率" },
  "definition.countyHospitalReferralOutRate": {
    en: "Episodes that the county hospitals of rural counties referred out of the county (to the city or beyond) ÷ episodes those hospitals saw. The seeds set the target (≤ 10%) without a denominator; this is tiersim's.",
    zh: "农村县的县级医院转往县外（市级或更远）的病例 ÷ 这些医院接诊的病例。目标（≤ 10%）未规定分母，此分母为 tiersim 所定。",
  },
  "metric.visitsPerPersonYear": { en: "Visits per person-year", zh: "居民年人均诊疗人次" },
  "definition.visitsPerPersonYear": {
    en: "Outpatient and emergency visits per resident in the summary year.",
    zh: "汇总年份每位居民的门急诊人次。",
  },
  "metric.admissionsPer100": { en: "Admissions per 100 residents", zh: "每百居民住院人数" },
  "definition.admissionsPer100": {
    en: "Inpatient admissions per 100 residents in the summary year.",
    zh: "汇总年份每百名居民的住院人数。",
  },
  "metric.upwardReferrals": { en: "Upward referrals", zh: "上转人次" },
  "definition.upwardReferrals": {
    en: "Referrals from a lower to a higher tier issued in the summary year, counted per hop.",
    zh: "汇总年份由下级向上级开出的转诊，按每次转诊计。",
  },
  "metric.upwardReferralPatients": { en: "Patients referred up", zh: "上转患者数" },
  "definition.upwardReferralPatients": {
    en: "Episodes referred up at least once in the summary year (patients, not hops).",
    zh: "汇总年份至少上转一次的病例（按患者计，不按转诊次数）。",
  },
  "metric.referralOnlyVisitShare": {
    en: "Visits that only ended in a referral",
    zh: "仅以转诊结束的诊疗人次占比",
  },
  "definition.referralOnlyVisitShare": {
    en: "Visits at a facility that could not treat the episode and referred it, ÷ all visits.",
    zh: "在无能力诊治而转诊的机构发生的诊疗人次 ÷ 全部诊疗人次。",
  },
  "metric.downwardReferrals": { en: "Downward referrals", zh: "下转人次" },
  "definition.downwardReferrals": {
    en: "Patients moved down to their township or community centre after a stay, in the summary year.",
    zh: "汇总年份住院后下转回乡镇卫生院或社区卫生服务中心的患者。",
  },
  "metric.bedTransfers": { en: "Bed transfers", zh: "因无床转院" },
  "definition.bedTransfers": {
    en: "Admissions moved to another hospital for want of a bed, in the summary year.",
    zh: "汇总年份因无床位而转往其他医院的住院。",
  },
  "metric.deathsPer1000": { en: "Deaths per 1,000 residents", zh: "每千居民死亡数" },
  "definition.deathsPer1000": {
    en: "Deaths per 1,000 residents in the summary year (each death is replaced by a birth).",
    zh: "汇总年份每千名居民的死亡数（每例死亡由一例出生替补）。",
  },
  "metric.usualSourceReturnRate": { en: "Usual-source return rate", zh: "固定就医机构复诊率" },
  "definition.usualSourceReturnRate": {
    en: "Chronic follow-ups of residents with a usual facility that returned to that facility ÷ all such follow-ups.",
    zh: "有固定就医机构的居民的慢病随访中，回到该机构的随访 ÷ 全部此类随访。",
  },
} as const satisfies Record<string, Entry>;

export type LabelKey = keyof typeof LABELS;
export type LabelParams = Readonly<Record<string, string | number>>;

/** The names of the `{placeholders}` of a template, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}

function fill(template: string, params: LabelParams, encode: (text: string) => string): string {
  return template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`label placeholder {${name}} has no value`);
    return encode(String(value));
  });
}

/** A label in plain text, its placeholders filled; emphasis marks are dropped. */
export function t(lang: Lang, key: LabelKey, params: LabelParams = {}): string {
  return fill(LABELS[key][lang].replace(/\*([^*]+)\*/g, "$1"), params, (text) => text);
}

/** A label as HTML: escaped, `*text*` as `<em>`, placeholders filled with escaped values. */
export function tHtml(lang: Lang, key: LabelKey, params: LabelParams = {}): string {
  const template = escapeHtml(LABELS[key][lang]).replace(/\*([^*]+)\*/g, "<em>$1</em>");
  return fill(template, params, escapeHtml);
}

export function tierLabel(lang: Lang, tier: Tier): string {
  return t(lang, `tier.${tier}`);
}

/** A name from the model (contract group, scheme, outcome) in the reader's language, or as it is. */
export function modelName(lang: Lang, prefix: "group" | "scheme" | "outcome", name: string): string {
  const key = `${prefix}.${name}`;
  return Object.hasOwn(LABELS, key) ? t(lang, key as LabelKey) : name;
}

/** "mean over 4 replications" / "4 次重复的均值". */
export function replicationsNote(lang: Lang, replications: number): string {
  return t(lang, replications === 1 ? "common.replicationsOne" : "common.replicationsMany", {
    n: replications,
  });
}
