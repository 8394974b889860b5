"""Every rule a finding can name, with its Chinese name and what it checks (shown on the audit page)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..report import SECTION_NAMES
from ..tables.layout import figure_label


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    explanation: str
    family: str  # "arithmetic", "text", "years", "office" (the report's own problems) or "reading"
    source: str = ""  # where the rule is written (format notice, 条例 article)

    @property
    def group(self) -> str:
        """报告本身的问题 ("report") or 未能可靠读取 ("reading")."""
        return "reading" if self.family == "reading" else "report"


# Findings in two families, kept apart on every page and export: what the report itself got wrong, and
# where the reader could not be sure of the table (never the agency's error).
FAMILIES = {"report": "报告本身的问题", "reading": "未能可靠读取"}


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "E1",
            "表三结转平衡",
            "表三每一列：本年新收 + 上年结转 = 本年度办理结果总计 + 结转下年度继续办理（格式表头注明的勾稽关系）。",
            "arithmetic",
        ),
        Rule(
            "I1",
            "表三行合计",
            "表三每一行：自然人与五类法人或其他组织之和 = 总计。",
            "arithmetic",
        ),
        Rule(
            "I2",
            "表三办理结果合计",
            "表三每一列：（一）至（六）各项办理结果之和 = （七）总计；2021 年格式的（六）为其三个子项之和。",
            "arithmetic",
        ),
        Rule(
            "I4",
            "表四合计",
            "表四行政复议、未经复议直接起诉、复议后起诉三组：维持 + 纠正 + 其他 + 尚未审结 = 总计。",
            "arithmetic",
        ),
        Rule(
            "I5",
            "非负整数",
            "表三、表四的件数应为非负整数。",
            "arithmetic",
        ),
        Rule(
            "S1",
            "现行有效件数（软性）",
            "行政规范性文件现行有效件数一般不少于本年制发件数（同年制发又废止时可例外）。",
            "arithmetic",
        ),
        Rule(
            "B1",
            "表格留空",
            "表格中有单元格未填数字（印为空白或“-”“/”等）：涉及这些单元格的勾稽关系无法核对，"
            "一张表合为一条提示，不按计算错误计。",
            "arithmetic",
        ),
        Rule(
            "T1",
            "正文申请数与表三不符",
            "正文所述收到（受理）的政府信息公开申请件数，应等于表三“本年新收”总计（或加“上年结转”）。",
            "text",
        ),
        Rule(
            "T2",
            "正文称未收到申请",
            "正文称未收到政府信息公开申请，表三“本年新收”总计应为 0。",
            "text",
        ),
        Rule(
            "T3",
            "正文办结数与表三不符",
            "正文所述答复（办结）的申请件数，应等于表三“（七）总计”的总计。",
            "text",
        ),
        Rule(
            "T4",
            "正文复议诉讼数与表四不符",
            "正文所述行政复议、行政诉讼件数（含“未发生”），应等于表四相应的总计。",
            "text",
        ),
        Rule(
            "T5",
            "正文称均获维持",
            "正文称复议、诉讼均获维持，表四相应各组的“结果维持”应等于其总计。",
            "text",
        ),
        Rule(
            "T6",
            "正文规章、规范性文件数与表二不符",
            "正文所述公开（制发）的规章、规范性文件件数，应与表二该行的某一栏相符。",
            "text",
        ),
        Rule(
            "X1",
            "跨年度结转不一致",
            "本年表三“上年结转”应等于上一年度报告表三“结转下年度继续办理”（同一机关、相邻年度）。",
            "years",
        ),
        Rule(
            "X2",
            "跨年度现行有效件数（软性）",
            "本年规章、规范性文件现行有效件数，约等于上一年度现行有效件数 + 本年制发 − 本年废止。",
            "years",
        ),
        Rule(
            "X3",
            "存在问题年年雷同",
            "第五部分“存在的主要问题及改进情况”与上一年度报告相同的句子占一半以上（至少 3 句）。",
            "years",
            "国办公开办函〔2021〕30号 一（五）：不得出现敷衍了事甚至年年雷同现象",
        ),
        Rule(
            "P1",
            "六个部分及编号",
            "报告应按格式分为六个部分，依次编为一至六：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            "行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
            "office",
            "国办公开办函〔2021〕30号 附件；条例第五十条",
        ),
        Rule(
            "P2",
            "格式与年度不符",
            "2021 年度起的报告应使用 2021 年格式，2019、2020 年度的报告使用 2019 年格式。",
            "office",
            "国办公开办函〔2021〕30号；国办公开办函〔2019〕60号",
        ),
        Rule(
            "P3",
            "总体情况篇幅",
            "2021 年格式要求第一部分“总体情况”篇幅原则上不超过一千字（超出一成以上才提示）。",
            "office",
            "国办公开办函〔2021〕30号 一（一）",
        ),
        Rule(
            "P4",
            "存在问题及改进情况空泛",
            "第五部分应写出具体问题和改进措施；为空、只写“无”或不足 40 字的给出提示。",
            "office",
            "国办公开办函〔2021〕30号 一（五）",
        ),
        Rule(
            "P5",
            "未说明信息处理费",
            "2021 年格式要求第六部分说明收取信息处理费的情况（收取了多少，或未收取）。",
            "office",
            "国办公开办函〔2021〕30号 一（六）；《政府信息公开信息处理费管理办法》",
        ),
        Rule(
            "P6",
            "“其他处理”占比偏高",
            "表三“（六）其他处理”占办理结果总计 20% 以上（总计不少于 10 件）时提示说明原因；"
            "格式未给阈值，20% 是本工具的默认值，审核台可另设（--other-share）。",
            "office",
            "国办公开办函〔2019〕60号 一（三）",
        ),
        Rule(
            "P7",
            "正文年度与报告年度不符",
            "正文写明的统计期限或“本机关某年度报告”的年份与报告年度不同，可能沿用了往年的报告。",
            "office",
            "条例第四十九条",
        ),
        Rule(
            "R1",
            "逐级汇总不符",
            "名单注明汇总所属单位的政府，其报告的申请、复议、诉讼总数不应少于所属单位同年报告之和；并列出未发布报告的所属单位。",
            "office",
            "国办公开办函〔2021〕30号 二（二）：县级以上地方人民政府年度报告应当逐级汇总相关情况和数据",
        ),
        Rule(
            "R2",
            "发布晚于期限",
            "网页或语料清单载明的发布日期晚于期限：政府部门、乡镇 1月31日，县级政府 2月20日，"
            "地市级 3月10日，省级 3月31日。",
            "office",
            "条例第四十九条；国办公开办函〔2021〕30号 二（一）（二）",
        ),
        Rule(
            "layout",
            "表格版式",
            "表格的印法与格式不同（标签与数字分开、行标签有误等），有关数字按格式推断读取。",
            "reading",
        ),
        Rule(
            "glued",
            "数字粘连",
            "网页抓取时单元格边框丢失、数字连在一起，按格式的勾稽关系拆分；无法唯一拆分的未读出。",
            "reading",
        ),
        Rule(
            "U1",
            "读数存疑",
            "表格版式不确定（有“表格版式”“数字粘连”“表格不完整”提示），而按读出的数字有三处以上勾稽关系不成立："
            "更可能是读取有误，一张表合为一条提示，不作为报告的计算错误。",
            "reading",
        ),
        Rule(
            "named",
            "机关名称按正文",
            "标题中的机关名称与正文中的写法相差一字，且只有正文的写法是已知地名（多为扫描件识别错字）：按正文读取。",
            "reading",
        ),
        Rule(
            "unreadable",
            "单元格无法辨认",
            "单元格里印的不是一个数字（如“约13”“3288台”），或扫描件上的字无法辨认：该单元格未读出，不作推断。",
            "reading",
        ),
        Rule(
            "incomplete",
            "表格不完整",
            "表格缺行或某行单元格不足（如页面截断）：未印出的单元格未读出，不以 0 补齐。",
            "reading",
        ),
    )
}


def rule_name(code: str) -> str:
    """Given a rule code, return its Chinese name (the code itself when unknown)."""
    rule = RULES.get(code)
    return rule.name if rule else code


def family_of(code: str) -> str:
    """Given a rule code, return its family: "report" (报告本身的问题) or "reading" (未能可靠读取)."""
    rule = RULES.get(code)
    return rule.group if rule else "report"


_PLACES = {"structure": "报告结构", "published": "发布时间", "units": "所属单位", "agency": "机关名称"}


def location_label(location: str) -> str:
    """Where a finding is, in Chinese: a figure's label, a part of the report, or the report's structure."""
    if location in _PLACES:
        return _PLACES[location]
    label = figure_label(location)  # a cell, a row, or a table (applications is 表三, not the part)
    return SECTION_NAMES.get(location, label) if label == location else label


def describe(finding) -> dict:
    """A finding as pages and exports show it: its fields, its rule's Chinese name, its family, and the
    Chinese label of where it is (never a field key)."""
    family = family_of(finding.rule)
    return asdict(finding) | {
        "rule_name": rule_name(finding.rule),
        "family": family,
        "family_name": FAMILIES[family],
        "label": location_label(finding.location) if finding.location else None,
    }
