"""Every rule a finding can name, with its Chinese name and what it checks (shown on the audit page)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    explanation: str
    family: str  # "arithmetic", "text" or "reading"


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
