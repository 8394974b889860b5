"""Synthetic reports that look like the real ones, deterministic by seed.

Narrative sections recombine real sentences of corpus/ and corpus/dev (with agencies, numbers
and some words varied so that term statistics spread like a real corpus);
tables are rendered in the national format, tab-separated as Word exports them,
with random figures that satisfy the format's arithmetic. One phrase that no
real report uses (RARE_PHRASE) is planted in about 0.5 % of reports, and a few more
(RARE_PHRASES) in 0.1–0.8 %, each in the part of a report it belongs to, so a
benchmark can measure rare queries as a real corpus has them. The sentences come
from every bundled report and, when present, ../shared/corpus-dev (the same file
twice counts once).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.reader.parse import parse_file
from index.reader.tables.layout import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    ART20_ROWS,
    OUTCOME_KEYS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
)

RARE_PHRASE = "政务公开数字人"
RARE_SHARE = 0.005
# Other phrases no bundled report uses: (share of reports, section, the sentence planted there).
RARE_PHRASES = {
    "区块链存证": (0.002, "overview", "探索运用区块链存证技术固定依申请公开办理过程。"),
    "适老化改造": (0.008, "improvements", "推进政府网站和政务新媒体适老化改造，方便老年人获取政府信息。"),
    "数据跨境": (0.001, "other", "本年度未发生涉及数据跨境传输的政府信息公开事项。"),
}
ROOT = Path(__file__).resolve().parents[1]
SHARED_DEV = ROOT.parent / "shared" / "corpus-dev"

# The official row labels of table 三, as the format prints them (level-2 / level-3 columns).
T3_LABELS = {
    "new": ("一、本年新收政府信息公开申请数量", "", ""),
    "carried_over": ("二、上年结转政府信息公开申请数量", "", ""),
    "granted": ("三、本年度办理结果", "（一）予以公开", ""),
    "partly_granted": ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    "denied.state_secret": ("", "（三）不予公开", "1.属于国家秘密"),
    "denied.prohibited": ("", "", "2.其他法律行政法规禁止公开"),
    "denied.security": ("", "", "3.危及“三安全一稳定”"),
    "denied.third_party": ("", "", "4.保护第三方合法权益"),
    "denied.internal": ("", "", "5.属于三类内部事务信息"),
    "denied.process": ("", "", "6.属于四类过程性信息"),
    "denied.enforcement_file": ("", "", "7.属于行政执法案卷"),
    "denied.inquiry": ("", "", "8.属于行政查询事项"),
    "unable.not_held": ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unable.needs_creation": ("", "", "2.没有现成信息需要另行制作"),
    "unable.unclear": ("", "", "3.补正后申请内容仍不明确"),
    "not_processed.complaint": ("", "（五）不予处理", "1.信访举报投诉类申请"),
    "not_processed.repeated": ("", "", "2.重复申请"),
    "not_processed.publication": ("", "", "3.要求提供公开出版物"),
    "not_processed.excessive": ("", "", "4.无正当理由大量反复申请"),
    "not_processed.confirmation": ("", "", "5.要求行政机关确认或重新出具已获取信息"),
    "other": ("", "（六）其他处理", ""),
    "other.no_correction": (
        "",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    "other.unpaid_fee": ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other.other": ("", "", "3.其他"),
    "total": ("", "（七）总计", ""),
    "carried_forward": ("四、结转下年度继续办理", "", ""),
}
T3_HEADER = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\t\t\t\t\t\t\n"
    "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t"
)
T4_HEADER = (
    "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n"
    "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计"
)
T2_CAPTIONS = {
    "2021": {
        "规章": ("第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"),
        "行政许可": ("第二十条第（五）项", "信息内容\t本年处理决定数量\t\t"),
        "行政处罚": ("第二十条第（六）项", "信息内容\t本年处理决定数量\t\t"),
        "行政事业性收费": ("第二十条第（八）项", "信息内容\t本年收费金额（单位：万元）\t\t"),
    },
    "2019": {
        "规章": ("第二十条第（一）项", "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量"),
        "行政许可": ("第二十条第（五）项", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量"),
        "行政处罚": ("第二十条第（六）项", "信息内容\t上一年项目数量\t本年增/减\t处理决定数量"),
        "行政事业性收费": ("第二十条第（八）项", "信息内容\t上一年项目数量\t本年增/减\t"),
        "政府集中采购": ("第二十条第（九）项", "信息内容\t采购项目数量\t采购总金额（单位：万元）\t"),
    },
}
T2_LABELS = {"(?:行政)?规范性文件": {"2021": "行政规范性文件", "2019": "规范性文件"}}

PLACES = [
    "郑州",
    "开封",
    "洛阳",
    "平顶山",
    "安阳",
    "新乡",
    "焦作",
    "濮阳",
    "许昌",
    "漯河",
    "三门峡",
    "南阳",
    "商丘",
    "信阳",
    "周口",
    "驻马店",
    "福州",
    "厦门",
    "泉州",
    "漳州",
    "莆田",
    "南平",
    "三明",
    "龙岩",
    "宁德",
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
    "长沙",
    "株洲",
    "湘潭",
    "衡阳",
    "邵阳",
    "岳阳",
    "常德",
    "张家界",
    "益阳",
    "郴州",
    "永州",
    "怀化",
    "娄底",
    "成都",
    "自贡",
    "泸州",
    "德阳",
    "绵阳",
    "广元",
    "遂宁",
    "内江",
    "乐山",
    "南充",
    "眉山",
    "宜宾",
    "广安",
    "达州",
    "雅安",
    "巴中",
    "资阳",
]
LEVELS = ["市", "县", "区"]
DEPARTMENTS = [
    "人民政府",
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "税务局",
    "管委会",
    "街道办事处",
    "镇人民政府",
    "乡人民政府",
]
# Words swapped into recombined sentences so bigram statistics spread as in a real corpus.
VARIANTS = [
    "档案",
    "统计",
    "预算",
    "招标",
    "扶贫",
    "养老",
    "医保",
    "教育",
    "交通",
    "环保",
    "农业",
    "林业",
    "水利",
    "住房",
    "就业",
    "社保",
    "税收",
    "审批",
    "监管",
    "执法",
    "应急",
    "消防",
    "食品",
    "药品",
    "医疗",
    "文化",
    "旅游",
    "体育",
    "科技",
    "人才",
    "金融",
    "商务",
    "外贸",
    "口岸",
    "海关",
    "气象",
    "地震",
    "测绘",
    "国土",
    "规划",
    "城管",
    "环卫",
    "供水",
    "供电",
    "燃气",
    "公交",
    "地铁",
    "港口",
    "机场",
    "铁路",
    "邮政",
    "通信",
    "广播",
    "电视",
    "出版",
    "宗教",
    "民族",
    "侨务",
    "外事",
    "信访",
    "公证",
    "调解",
    "仲裁",
    "法援",
    "戒毒",
    "禁毒",
    "反诈",
    "安全生产",
    "防汛",
    "抗旱",
    "森林防火",
    "乡村振兴",
    "营商环境",
    "数字政府",
    "一网通办",
    "政务服务",
]


def _cells(values: list[float | int]) -> str:
    return "\t".join(str(v) for v in values)


def render_table3(figures: dict, template: str) -> str:
    """Given figures of table 三, return the table as a tab-separated block like a Word export."""
    lines = [T3_HEADER]
    for row in APPLICATION_ROWS[template]:
        values = [figures[f"applications.{row.key}.{c}"] for c in (*APPLICANT_COLUMNS, "total")]
        l1, l2, l3 = T3_LABELS[row.key]
        if template == "2019" and row.key == "other":
            l2 = "（六）其他处理"
        lines.append(f"{l1}\t{l2}\t{l3}\t{_cells(values)}")
    return "\n".join(lines)


def render_table4(figures: dict) -> str:
    values = [figures[f"{g}.{c}"] for g in REVIEW_GROUPS for c in REVIEW_COLUMNS]
    return T4_HEADER + "\n" + _cells(values)


def render_table2(figures: dict, template: str) -> str:
    captions = T2_CAPTIONS[template]
    lines = []
    for row in ART20_ROWS[template]:
        label = T2_LABELS.get(row.label, {}).get(template, row.label)
        if label in captions:
            lines.extend(captions[label])
        values = [figures[k] for k in row.keys]
        lines.append(f"{label}\t{_cells(values)}" + "\t" * (3 - len(values)))
    return "\n".join(lines)


def _small(rng: random.Random, zero: float = 0.7, scale: int = 6) -> int:
    """A count as reports print them: mostly zero, sometimes a few, rarely many."""
    if rng.random() < zero:
        return 0
    return int(rng.paretovariate(1.3) * scale) - scale + 1


def random_figures(rng: random.Random, template: str) -> dict:
    """Return figures for tables 二, 三 and 四 that satisfy E1, I1, I2 and I4."""
    f: dict = {}
    a = "applications"
    for col in APPLICANT_COLUMNS:
        busy = col == "natural_person" or rng.random() < 0.3
        outcomes = {r: (_small(rng, 0.6 if busy else 0.9)) for r in OUTCOME_KEYS[template]}
        for r, v in outcomes.items():
            f[f"{a}.{r}.{col}"] = v
        total = sum(outcomes.values())
        forward = _small(rng, 0.8, 2)
        carried = min(_small(rng, 0.8, 2), total + forward)
        f[f"{a}.total.{col}"] = total
        f[f"{a}.carried_forward.{col}"] = forward
        f[f"{a}.carried_over.{col}"] = carried
        f[f"{a}.new.{col}"] = total + forward - carried
    for row in APPLICATION_ROWS[template]:
        f[f"{a}.{row.key}.total"] = sum(f[f"{a}.{row.key}.{c}"] for c in APPLICANT_COLUMNS)
    for g in REVIEW_GROUPS:
        parts = [_small(rng, 0.8, 2) for _ in range(4)]
        for c, v in zip(REVIEW_COLUMNS, [*parts, sum(parts)], strict=True):
            f[f"{g}.{c}"] = v
    for row in ART20_ROWS[template]:
        for key in row.keys:
            if row.amount and key == row.keys[-1]:
                f[key] = round(rng.uniform(0, 5000), 4) if rng.random() < 0.5 else 0
            elif key.endswith(".change"):
                f[key] = rng.randint(-50, 50)
            elif key.endswith(".in_force"):  # usually at least what was issued this year
                f[key] = f[key.replace("in_force", "issued")] + _small(rng, 0.3, 40)
            else:
                f[key] = _small(rng, 0.4, 40)
    return f


def _sentences(text: str) -> list[str]:
    lines = text.split("\n")[1:]  # the heading line
    out = []
    for line in lines:
        out.extend(s.strip() + "。" for s in re.split(r"[。；]", line) if len(s.strip()) >= 8 and "\t" not in s)
    return out


@dataclass
class SyntheticReport:
    name: str
    text: str
    agency: str
    year: int
    template: str
    figures: dict
    rare: bool
    planted: tuple[str, ...] = ()  # the RARE_PHRASES this report holds


class SyntheticCorpus:
    """Reports recombined from the sentences of the real reports in `source`, deterministic by seed."""

    def __init__(self, seed: int = 0, source: Path = ROOT / "corpus", extra: Path | None = SHARED_DEV):
        self.seed = seed
        self.pools: dict[str, list[str]] = {"overview": [], "problems": [], "improvements": [], "other": []}
        paths = sorted(source.rglob("*.txt"))  # the seeds and the development reports in corpus/dev
        if extra is not None and extra.is_dir():
            paths += sorted(extra.rglob("*.txt"))
        seen: set[str] = set()
        for path in paths:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            report = parse_file(path)
            for name, pool in self.pools.items():
                pool.extend(_sentences(report.section(name)))
        for name, pool in self.pools.items():
            if not pool:
                raise ValueError(f"no {name} sentences in {source}")

    def _vary(self, rng: random.Random, sentence: str, agency: str) -> str:
        sentence = re.sub(r"\d+", lambda m: str(rng.randint(1, 3000)) if len(m.group()) < 4 else m.group(), sentence)
        sentence = re.sub(r"(?:我局|我区|园区|市科委|我县|我乡)", agency[:6], sentence, count=1)
        if rng.random() < 0.5:
            words = re.findall(r"[\u4e00-\u9fff]{2}", sentence)
            if words:
                sentence = sentence.replace(rng.choice(words), rng.choice(VARIANTS), 1)
        return sentence

    def _paragraphs(self, rng: random.Random, pool: str, agency: str, low: int, high: int) -> str:
        chosen = rng.sample(self.pools[pool], min(len(self.pools[pool]), rng.randint(low, high)))
        sentences = [self._vary(rng, s, agency) for s in chosen]
        paras, i = [], 0
        while i < len(sentences):
            step = rng.randint(1, 4)
            paras.append("".join(sentences[i : i + step]))
            i += step
        return "\n\n".join(paras)

    def report(self, i: int) -> SyntheticReport:
        """Return the i-th synthetic report (the same for the same seed and i)."""
        rng = random.Random(f"{self.seed}:{i}")
        year = rng.choice([2019, 2020, 2021, 2021, 2022, 2022, 2023, 2023, 2024, 2024])
        template = "2021" if year >= 2021 else "2019"
        agency = f"{rng.choice(PLACES)}{rng.choice(LEVELS)}{rng.choice(DEPARTMENTS)}"
        figures = random_figures(rng, template)
        rare = rng.random() < RARE_SHARE
        problems = self._paragraphs(rng, "problems", agency, 2, 6)
        if rare:
            problems += f"\n\n{RARE_PHRASE}等新技术应用尚处于探索阶段。"
        overview = self._paragraphs(rng, "overview", agency, 6, 16)
        improvements = "下一步，" + self._paragraphs(rng, "improvements", agency, 2, 6)
        other = self._paragraphs(rng, "other", agency, 1, 2)
        planted = []
        chance = random.Random(f"{self.seed}:{i}:rare")  # apart from `rng`: every other choice stays as it was
        for phrase, (share, section, sentence) in RARE_PHRASES.items():
            if chance.random() < share:
                planted.append(phrase)
                if section == "overview":
                    overview += "\n\n" + sentence
                elif section == "improvements":
                    improvements += sentence
                else:
                    other += "\n\n" + sentence
        text = "\n\n".join(
            [
                f"{agency}{year}年政府信息公开工作年度报告",
                "一、总体情况",
                overview,
                "二、主动公开政府信息情况",
                render_table2(figures, template),
                "三、收到和处理政府信息公开申请情况",
                render_table3(figures, template),
                "四、政府信息公开行政复议、行政诉讼情况",
                render_table4(figures),
                "五、存在的主要问题及改进情况",
                problems,
                improvements,
                "六、其他需要报告的事项",
                other,
            ]
        )
        return SyntheticReport(f"{i:06d}-{year}.txt", text, agency, year, template, figures, rare, tuple(planted))

    def reports(self, n: int) -> Iterator[SyntheticReport]:
        return (self.report(i) for i in range(n))

    def write(self, n: int, folder: Path) -> list[SyntheticReport]:
        """Write n reports into folder (spread over subfolders of 1,000) and return them."""
        written = []
        for rep in self.reports(n):
            sub = folder / rep.name[:3]
            sub.mkdir(parents=True, exist_ok=True)
            (sub / rep.name).write_text(rep.text, encoding="utf-8")
            written.append(rep)
        return written
