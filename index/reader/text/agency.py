"""The agency of a report without a title line, and one name per agency for grouping.

Without a title, the agency is read only where a report states it: a metadata
table (`发布单位：…`, `名称：…`), the signature at the end, or the body's own
words (`本报告由…办公室编制`, `请与…办公室联系`, the overview opening with the agency as
its subject: `2024年，平潭综合实验区坚持…`). Where none says it, it stays
unknown. Names are printed many ways (平潭综合实验区, 平潭综合实验区管委会,
平潭综合实验区（管委会）); `agency_key` gives them one key, the printed name is
kept for display.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import places
from .normalize import fold

_NAME = r"[\u4e00-\u9fff（）()]"
_ORG_END = (
    r"(?:人民政府|政府|管委会|管理委员会|委员会|办公室|办公厅|局|厅|委|办|署|院|中心|镇|乡|街道办事处|街道|"
    r"管理处|管理局|公司|集团|大学|学院|分局|支队|大队)"
)
_LABELS = (
    r"(?:文件)?名\s*称|标\s*题|发布单位|发布机构|发布机关|发文机关|发文单位|公开单位|公开主体|信息来源单位"
    r"|(?:信息)?来\s*源"
)
_METADATA = re.compile(
    rf"(?:{_LABELS})\s*[:：|]\s*\|?\s*"
    rf"(?P<name>{_NAME}{{2,30}}?{_ORG_END}?)\s*(?:\||$|\s)",
    re.MULTILINE,
)
_NUMERAL = r"[\d〇○零一二三四五六七八九十]"
_DATE = rf"(?:\d{{4}}|{_NUMERAL}{{4}})\s*年\s*{_NUMERAL}{{1,2}}\s*月(?:\s*{_NUMERAL}{{1,3}}\s*日)?"
_SIGNATURE = re.compile(rf"(?P<name>{_NAME}{{2,30}}{_ORG_END})\s*(?:{_DATE})?\s*$")
_COMPILED_BY = re.compile(rf"本报告由(?P<name>{_NAME}{{3,40}}?)(?:根据|依据|按照|负责|编制|汇总|牵头)")
_CONTACT = re.compile(rf"请与(?P<name>{_NAME}{{3,40}}?)(?:联系|咨询)")
# the opening sentence publishing the report: 现公布东莞市教育局2023年政府信息公开工作年度报告; 现将…年度报告公布如下
_OPENING = re.compile(
    rf"(?:现予?公布|现将|现发布|特发布|向社会公布)(?P<name>{_NAME}{{3,40}}?{_ORG_END})\s*"
    rf"(?:\d{{4}}|{_NUMERAL}{{4}})\s*年度?\s*(?:政府)?信息公开"
)
# the overview's opening sentence naming the agency as its subject: 2024年，平潭综合实验区坚持以…
_SUBJECT = re.compile(
    rf"(?:^|[。\n]|年(?:度|以来)?[，,]?)\s*(?P<name>{_NAME}{{2,25}}?(?:{_ORG_END}|实验区|开发区|新区|园区|[区县市州盟旗]))"
    r"(?:坚持|认真贯彻|认真落实|深入贯彻|全面贯彻|高度重视|始终|紧紧围绕|严格按照|紧扣)"
)
# where an agency's own name stops and its office, or its disclosure group, begins
_SUBUNIT = re.compile(r"办公室|办公厅|政府信息公开|信息公开|政务公开|领导小组|保密|综合科|秘书科|党政办")
_NOT_NAME = re.compile(r"^(?:我|本|该|其|各|区|县|市|乡|镇)|概述|情况|部分|公开|报告")
_SIGNATURE_LINES = 4  # a signature is among the last few lines


def find_agency(text: str) -> tuple[str, str] | None:
    """Given a report's text (without a title naming the agency), return (agency, where it was read) or None.

    >>> find_agency("……\\n\\n遂溪县建新镇人民政府\\n2018年12月31日\\n")
    ('遂溪县建新镇人民政府', 'signature')
    >>> find_agency("如对本报告有疑问，请与平潭县人民政府办公室联系。")
    ('平潭县人民政府', 'body')
    >>> find_agency("本报告由概述、主动公开政府信息情况等五部分组成。") is None
    True
    >>> find_agency("一、总体情况\\n2024年，平潭综合实验区坚持以习近平新时代中国特色社会主义思想为指导")
    ('平潭综合实验区', 'body')
    >>> find_agency("根據《條例》規定，現公布東莞市教育局2023年政府信息公開工作年度報告。")
    ('東莞市教育局', 'body')
    """
    folded = fold(text)
    m = _METADATA.search(folded[:1500])
    if m and _plausible(m.group("name")):
        return _printed(text, m, "name"), "metadata"
    ends = [m.start() for m in re.finditer("\n", folded.rstrip())]
    for start in reversed([0, *[e + 1 for e in ends]][-_SIGNATURE_LINES:]):
        end = folded.find("\n", start)
        line = folded[start : end if end >= 0 else len(folded)]
        m = _SIGNATURE.search(line)
        if m and _plausible(m.group("name").strip()) and len(line.strip()) <= len(m.group(0).strip()) + 40:
            name = m.group("name").strip()
            at = start + line.index(name, m.start("name"))
            return text[at : at + len(name)], "signature"  # as printed
    for regex in (_COMPILED_BY, _CONTACT, _OPENING, _SUBJECT):
        m = regex.search(folded[:3000])
        if m:
            name = _SUBUNIT.split(m.group("name"), maxsplit=1)[0].strip("（(，, ")
            if _plausible(name):
                at = folded.index(name, m.start("name"))
                return text[at : at + len(name)], "body"  # as printed (folding keeps every character's place)
    return None


# a page's metadata label run into the name it labels: 名称\t沭阳县…, 发布机构：…, 来源：…
_LABEL_PREFIX = re.compile(rf"^\s*(?:{_LABELS})\s*[:：|\t]?\s*")


def as_in_body(name: str, body: str) -> str | None:
    """Given the agency a title names and the text after the title, return the name the text prints instead
    when the title's is one character off (an OCR misreading: 洪泽 read as 法泽): the title's name is
    printed nowhere in the text, the other is, and only the other's places are known to the gazetteer as
    far. None when the title's name stands.

    >>> as_in_body("淮安市法泽区人民政府", "本报告由淮安市洪泽区人民政府办公室编制")
    '淮安市洪泽区人民政府'
    >>> as_in_body("淮安市洪泽区人民政府", "本报告由淮安市洪泽区人民政府办公室编制") is None
    True
    """
    if len(name) < 4 or name in body:
        return None
    # the name with one character other (not a space): an alternative per position
    one_off = "|".join(
        f"{re.escape(name[:i])}[^\\s{re.escape(name[i])}]{re.escape(name[i + 1 :])}" for i in range(len(name))
    )
    seen = {m.group() for m in re.finditer(one_off, body)}
    known = _settled(name)
    better = [other for other in seen if _settled(other) > known]
    return better[0] if len(better) == 1 else None


def _settled(name: str) -> int:
    """How many characters of a name's places the gazetteer settles."""
    found = places(fold(name))
    return found.end if found is not None and found.division is not None else 0


def strip_label(name: str) -> str:
    """Given a name as read, return it without a metadata label glued before it.

    >>> strip_label("名称\t沭阳县发展和改革局"), strip_label("发布机构：平潭县人民政府"), strip_label("名城区")
    ('沭阳县发展和改革局', '平潭县人民政府', '名城区')
    """
    m = _LABEL_PREFIX.match(name)  # no agency's name starts with one of these words
    return name[m.end() :] if m and len(name) - m.end() >= 2 else name


def _printed(text: str, m: re.Match, group: str) -> str:
    return text[m.start(group) : m.end(group)].strip()


def _plausible(name: str) -> bool:
    return len(name) >= 3 and not _NOT_NAME.search(name) and re.search(_ORG_END + "$|[区县市州盟旗]$", name) is not None


_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_GOVERNMENT = re.compile(r"(?<=[区县市州盟旗镇乡])(?:人民政府|政府|管委会|管理委员会)$")


@lru_cache(maxsize=1 << 16)  # read sides ask for the key of every distinct name, again and again
def agency_key(name: str | None) -> str | None:
    """Given an agency's printed name, return the key that groups its variants.

    A bracketed aside is dropped, and so is the form of a place's own government
    (人民政府, 管委会): the place is the agency. Departments keep their names. The
    places a name starts with are written in full where the gazetteer settles them
    (gazetteer.py), so a county's name with or without its city is one agency; a
    place name several divisions share (鼓楼区) is kept as printed.

    >>> [agency_key(n) for n in ("平潭综合实验区", "平潭综合实验区管委会", "平潭综合实验区（管委会）")]
    ['福建省福州市平潭综合实验区', '福建省福州市平潭综合实验区', '福建省福州市平潭综合实验区']
    >>> agency_key("平潭县人民政府"), agency_key("金水区工业和信息化局")
    ('福建省福州市平潭县', '河南省郑州市金水区工业和信息化局')
    >>> agency_key("洪泽区人民政府") == agency_key("淮安市洪泽区人民政府") == "江苏省淮安市洪泽区"
    True
    """
    if not name:
        return None
    key = re.sub(r"\s+", "", _BRACKETED.sub("", fold(name))) or re.sub(r"\s+", "", fold(name))
    found = places(key)
    if found is not None and found.division is not None:  # its places in full: 洪泽区 is 江苏省淮安市洪泽区
        key = found.full_name() + key[found.end :]
    return _GOVERNMENT.sub("", key) or key
