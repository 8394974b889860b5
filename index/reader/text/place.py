"""Where an agency sits, read from its name: region, administrative level and kind of body.

Names are built from place names down the hierarchy, then the body:
资阳市·某县·南薰乡·人民政府, 上海市·科学技术委员会, 郑州·经济技术开发区·管委会. The
place parts are recognised by their suffixes (省, 自治区, 市, 州, 盟, 县, 区, 旗, 镇, 乡,
街道) and the four municipalities by name; development zones (开发区, 高新区, 实验区,
新区, 园区) are a level of their own. What is left after the places is the body:
the government itself (人民政府, 政府, 管委会, 办事处) or a department, sorted into
the usual kinds (教育, 公安, 财政 …) by its words. The places are looked up in the
gazetteer of China's divisions (gazetteer.py) first, so that 洪泽区 is known to lie
in 淮安市, 江苏省 whether or not the name says so; a name the gazetteer does not
settle (a place it lacks, or one shared by several divisions) is read by the
suffixes alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import chain, places
from .normalize import fold

LEVELS = ("省级", "市级", "县级", "乡级", "园区")
GOVERNMENT = "人民政府"
ZONE = "开发区、园区"
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_PROVINCE = re.compile(r"^(?:.{2,3}省|.{2,9}?自治区|北京市|上海市|天津市|重庆市)")
_CITY = re.compile(r"^(?:.{2,9}?自治州|.{1,4}?市|.{2,5}?地区|.{2,5}?盟)")
_COUNTY = re.compile(r"^(?:.{1,6}?自治县|.{1,4}?县|.{1,4}?区|.{1,4}?旗|.{2,4}?市(?=.))")
# words that end like a place but are not one (城市管理局 is a department, not the city 城市)
_NOT_PLACES = {"城市", "都市", "社区", "市区", "小区", "辖区", "景区", "片区", "街区", "库区", "矿区", "城区", "地区"}
_TOWNSHIP = re.compile(r"^(?:.{1,4}?镇|.{1,4}?乡|.{1,4}?街道(?:办事处)?)")
_ZONE = re.compile(
    r"^.{0,10}?(?:经济技术开发区|高新技术产业开发区|开发区|高新区|综合实验区|实验区|新区|产业园区|科技园区|工业园区|园区)"
)
_GOV = re.compile(r"^(?:人民政府|政府|管委会|管理委员会|办事处|街道办事处)?(?:办公室|办公厅)?$")
_BRACKETED = re.compile(r"[（(][^）)]*[)）]")
# kinds of department, by the words of their names (the first that matches)
KINDS = (
    ("发展改革", ("发展和改革", "发展改革", "发改")),
    ("教育", ("教育", "教体")),
    ("科技", ("科学技术", "科技")),
    ("工业和信息化", ("工业和信息化", "工信", "经济和信息化", "经信")),
    ("公安", ("公安",)),
    ("民政", ("民政",)),
    ("司法", ("司法", "法制")),
    ("财政", ("财政",)),
    ("人力资源社会保障", ("人力资源", "人社")),
    ("自然资源", ("自然资源", "国土", "规划")),
    ("生态环境", ("生态环境", "环境保护", "环保")),
    ("住房城乡建设", ("住房和城乡建设", "住建", "建设局", "城乡建设")),
    ("交通运输", ("交通",)),
    ("水利", ("水利", "水务")),
    ("农业农村", ("农业", "农村", "林业", "畜牧")),
    ("商务", ("商务", "招商")),
    ("文化旅游", ("文化", "旅游", "广电", "新闻出版", "体育")),
    ("卫生健康", ("卫生", "卫健", "健康")),
    ("退役军人事务", ("退役军人",)),
    ("应急管理", ("应急", "安全生产", "安监")),
    ("审计", ("审计",)),
    ("市场监管", ("市场监督", "市场监管", "工商", "质量技术监督")),
    ("统计", ("统计",)),
    ("医疗保障", ("医疗保障", "医保")),
    ("税务", ("税务", "地税", "国税")),
    ("人才", ("人才",)),
)
OTHER_KIND = "其他部门"


@dataclass(frozen=True)
class Place:
    region: str | None  # the province (from the gazetteer), else the first place named
    level: str | None  # 省级, 市级, 县级, 乡级 or 园区: the lowest place the body belongs to
    kind: str | None  # 人民政府, 开发区、园区, or a kind of department
    area: str | None = None  # every place, province down (江苏省淮安市洪泽区), for a region filter


def place_of(name: str | None) -> Place:
    """Given an agency's printed name, return its region, level and kind (None where the name does not say).

    >>> place_of("资阳市某县南薰乡人民政府")
    Place(region='四川省', level='乡级', kind='人民政府', area='四川省资阳市某县南薰乡')
    >>> place_of("上海市科学技术委员会")
    Place(region='上海市', level='省级', kind='科技', area='上海市')
    >>> place_of("郑州经济技术开发区管委会")
    Place(region='河南省', level='园区', kind='开发区、园区', area='河南省郑州经济技术开发区')
    >>> place_of("洪泽区人民政府")
    Place(region='江苏省', level='县级', kind='人民政府', area='江苏省淮安市洪泽区')
    """
    if not name:
        return Place(None, None, None)
    rest = _BRACKETED.sub("", fold(name)).replace(" ", "")
    parts: list[tuple[str, str]] = []  # (level, name)
    found = places(rest)
    region, known = None, 0  # known: how many levels the gazetteer settled
    if found is not None and found.division is not None:
        divisions = chain(found.division)
        region = divisions[0].name
        if not found.short:  # a place printed short names a zone, read below
            known = found.division.level
            level = {1: "省级", 2: "市级", 3: "县级"}[known]
            if level == "市级" and len(divisions) == 1:  # a municipality
                level = "省级"
            parts = [(level, found.full_name())]
            rest = rest[found.end :]
    for rank, (level, pattern) in enumerate(
        (("省级", _PROVINCE), ("市级", _CITY), ("县级", _COUNTY), ("乡级", _TOWNSHIP)), start=1
    ):
        if rank <= known:
            continue
        if _ZONE.match(rest):
            break
        m = pattern.match(rest)
        if m and m.group() not in _NOT_PLACES:
            parts.append((level, m.group()))
            rest = rest[m.end() :]
    zone = _ZONE.match(rest)
    if zone:
        place_name = zone.group()
        prefix = re.match(r"^(.{2,4}?)(?:经济技术|高新技术|综合|高新|产业|科技|工业|新区)", place_name)
        if prefix and not parts:
            parts.append(("市级", prefix.group(1)))
        parts.append(("园区", place_name))
        rest = rest[zone.end() :]
    # a zone's city read from the zone's own name (郑东 of 郑东新区) is not a place printed before it
    area = "".join(p for i, (_, p) in enumerate(parts) if i + 1 == len(parts) or not parts[i + 1][1].startswith(p))
    area = area or None
    if zone and found is not None and found.division is not None and found.short:
        area = found.full_name() + zone.group()[len(found.last) :]  # 河南省郑州 + 经济技术开发区
    region = region or (parts[0][1] if parts else None)
    level = parts[-1][0] if parts else None
    if level == "市级" and parts[-1][1] in _MUNICIPALITIES:
        level = "省级"
    # the body, its government words dropped: 人民政府法制办公室 is the government's legal office
    body = rest
    if level == "园区" and _GOV.match(body):
        kind = ZONE
    elif _GOV.match(body):
        kind = GOVERNMENT if parts else None
    else:
        dept = re.sub(r"^(?:人民政府|政府|管委会|管理委员会)", "", body)
        kind = next((k for k, words in KINDS if any(w in dept for w in words)), OTHER_KIND)
    return Place(region, level, kind, area)
