"""The benchmark's 40 queries, each in the class of hit rate it is meant to measure.

The classes follow how often a phrase is in the reports of a real corpus: rare
(< 1 % of reports), mid (1–20 %), 20–50 %, common (> 50 %), then boolean queries,
filtered ones and conditions on figures. `hit_class` measures a query's class on
the corpus at hand; the benchmark prints the distribution and names any query
whose measured class is not the one it stands for, so the set keeps its shape.
"""

from __future__ import annotations

from .synth import RARE_PHRASE, RARE_PHRASES

RARE, MID, HALF, COMMON = "rare <1%", "mid 1-20%", "20-50%", "common >50%"
BOOLEAN, FILTERED, FIGURES = "boolean", "filtered", "figures"
CLASSES = (RARE, MID, HALF, COMMON, BOOLEAN, FILTERED, FIGURES)

# (query, filters, the class it stands for)
QUERIES: list[tuple[str, dict, str]] = [
    (RARE_PHRASE, {}, RARE),
    *((phrase, {}, RARE) for phrase in RARE_PHRASES),
    ("数字人", {}, RARE),
    ("流动性大", {}, RARE),  # in no report: an empty answer, with a suggestion looked for
    ("更新不及时", {}, MID),
    ("人员编制", {}, MID),
    ("政策解读", {}, MID),
    ("以公开为常态", {}, MID),
    ("不公开为例外", {}, MID),
    ("主动公开意识有待", {}, MID),
    ("业务培训", {}, MID),
    ("档案", {}, MID),
    ("信息源", {}, HALF),
    ("政务新媒体", {}, HALF),
    ("保密审查", {}, HALF),
    ("依申请公开", {}, HALF),
    ("培训", {}, HALF),
    ("进一步加强", {}, HALF),
    ("公开目录", {}, HALF),
    ("考核", {}, COMMON),
    ("网站", {}, COMMON),
    ("信息公开", {}, COMMON),
    ("公开", {}, COMMON),
    ("政府", {}, COMMON),
    ("工作", {}, COMMON),
    ("人员 培训", {}, BOOLEAN),
    ("政务新媒体 更新", {}, BOOLEAN),
    ("更新不及时 OR 人员不足", {}, BOOLEAN),
    ("公开 -保密", {}, BOOLEAN),
    ("政策解读 信息公开 网站", {}, BOOLEAN),
    ("公开", {"sections": ["narrative"]}, FILTERED),
    ("培训", {"sections": ["narrative"], "year": "2021-2023"}, FILTERED),
    ("信息公开", {"template": "2019"}, FILTERED),
    ("考核", {"agency": "郑州", "year": "2022"}, FILTERED),
    ("政务新媒体", {"where": ["applications.new.total>=10"]}, FIGURES),
    ("公开", {"where": ["review.total>=1"]}, FIGURES),
    ("依申请公开", {"where": ["applications.granted.total>=5", "applications.new.total<=50"]}, FIGURES),
    ("培训", {"where": ["art20.normative.issued>=20"], "sections": ["narrative"]}, FIGURES),
]


def hit_class(reports: int, total: int, text: str, options: dict) -> str:
    """The class a query measures on this corpus: by its filters or operators, else by the share of
    reports it hits."""
    if options.get("where"):
        return FIGURES
    if options:
        return FILTERED
    if " OR " in text or " -" in text or " " in text.strip():
        return BOOLEAN
    share = reports / max(total, 1)
    return RARE if share < 0.01 else MID if share < 0.2 else HALF if share <= 0.5 else COMMON
