"""The report's own words checked against its tables (rules T1–T6, docs/report-format.md §3 X3).

Narratives restate figures the tables hold: 共受理政府信息公开申请859件,
未收到…政府信息公开申请, 行政复议7件，诉讼9件，均获维持, 主动公开规章13件.
Each statement is read only where its wording is unambiguous, and a clause that
narrows its scope (其中, 代表…, 各部门, 网上申请, 纠错 …) is not read at all: a
statement about part of the work is not a statement about the table. A finding
names both places (the sentence, by its offsets in the body, and the cell) and
both numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..report import SECTION_NAMES, Finding, Report, number_text
from ..text.normalize import fold

# Possessive: what follows a count (\s* and a measure word) never starts with a digit, so giving digits
# back never makes a match; without backtracking, digits in tables cost one pass instead of many.
_N = r"(?P<n>\d{1,7}+)"
_PIECE = r"[件个份条起宗]"
_INFO = r"(?:政府)?\s*(?:信息)?\s*(?:公开)?\s*(?:的)?\s*"
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n（(]")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
# words that narrow a clause to part of the work (a channel, a unit, a subset, an outcome)
_NARROWED = re.compile(
    r"其中|代表|部门|单位|乡镇|街道|本级|所属|下属|系统内|分别|网上|当面|信函|传真|电子邮件|邮寄|窗口|现场|电话|"
    r"举报|投诉|咨询|纠错|纠正|败诉|胜诉|撤销|确认违法|同比|较上年|上年度|去年|比上年|增长|下降|减少|增加|约|余|多"
)

_RECEIVED = (
    re.compile(
        rf"(?:收到|受理|新收|接收|接到)\s*(?:了)?\s*(?:各类)?\s*{_INFO}(?:申请|请求)\s*(?:共|合计|总计|累计)?\s*计?\s*{_N}\s*{_PIECE}"
    ),
    re.compile(rf"(?:收到|受理|新收|接收|接到)\s*(?:了)?\s*{_N}\s*{_PIECE}\s*{_INFO}申请"),
)
_NONE_RECEIVED = re.compile(
    r"(?:未|没有)\s*(?:收到|受理|接到|接收|发生)\s*[^。；，,]{0,30}?(?:政府信息公开|信息公开|依申请公开)(?:的)?\s*(?:申请|件)"
)
_ANSWERED = re.compile(rf"(?:答复|办结)\s*(?:了)?\s*{_INFO}申请\s*(?:共|合计|总计)?\s*计?\s*{_N}\s*{_PIECE}")
_REVIEW = (
    # (?:行政复议|复议), not (?:行政)?复议: the same matches, and a first character regex can look for
    re.compile(rf"(?:行政复议|复议)(?:案件|申请|案)?\s*(?:数量|数)?\s*(?:为|共|有|共计|合计)?\s*{_N}\s*{_PIECE}"),
    # a count before its kind: nothing between them may be another count or a list's next item (复议 2 件、诉讼)
    re.compile(rf"{_N}\s*{_PIECE}\s*(?:涉及|关于|因)?[^。；，,、\d]{{0,20}}?(?:行政)?复议"),
)
_SUIT = (
    re.compile(rf"(?:行政诉讼|诉讼)(?:案件|案)?\s*(?:数量|数)?\s*(?:为|共|有|共计|合计)?\s*{_N}\s*{_PIECE}"),
    re.compile(rf"{_N}\s*{_PIECE}\s*(?:涉及|关于|因)?[^。；，,、\d复]{{0,20}}?(?:行政)?诉讼"),
)
_NONE_REVIEW = re.compile(r"(?:未|没有)\s*(?:发生|收到|接到|出现|产生|有)[^。；，,]{0,30}?(?:复议|诉讼)")
_ALL_UPHELD = re.compile(r"(?:均|全部|皆)\s*(?:获|被|予以|得到)?\s*维持")
_DOCUMENTS = re.compile(
    rf"(?:公开|发布|制发|印发|出台|制定)\s*(?:了)?\s*(?P<what>(?:政府)?规章|(?:行政)?规范性文件)\s*{_N}\s*件"
    rf"(?:\s*[，,、和及]\s*(?P<what2>(?:政府)?规章|(?:行政)?规范性文件)\s*(?P<n2>\d{{1,7}})\s*件)?"
)


@dataclass(frozen=True)
class Statement:
    start: int
    end: int
    quote: str
    section: str


def check_text(report: Report) -> list[Finding]:
    """Given a parsed report with figures, return the findings where its text disagrees with its tables."""
    f = report.figures
    if not f:
        return []
    body = fold(report.body)
    out: list[Finding] = []
    a = "applications"

    new, carried = f.get(f"{a}.new.total"), f.get(f"{a}.carried_over.total")
    for st, n in _numbers(report, body, _RECEIVED):
        if new is not None and n != new and (carried is None or n != new + carried):
            out.append(_finding("T1", st, f"{a}.new.total", new, n, f"表三“本年新收”总计为 {_fmt(new)}"))
    for st in _statements(report, body, _NONE_RECEIVED, narrowing=re.compile(r"复议|诉讼|收费|" + _NARROWED.pattern)):
        if new:
            out.append(_finding("T2", st, f"{a}.new.total", new, 0, f"表三“本年新收”总计为 {_fmt(new)}"))
    answered, forward = f.get(f"{a}.total.total"), f.get(f"{a}.carried_forward.total")
    for st, n in _numbers(report, body, (_ANSWERED,)):
        if answered is not None and n != answered and (forward is None or n != answered + forward):
            out.append(_finding("T3", st, f"{a}.total.total", answered, n, f"表三“（七）总计”为 {_fmt(answered)}"))
    out += _review_counts(report, body)
    out += _upheld(report, body)
    out += _documents(report, body)
    return out


def _review_counts(report: Report, body: str) -> list[Finding]:
    f = report.figures
    review = f.get("review.total")
    suits = [f.get("litigation_direct.total"), f.get("litigation_after_review.total")]
    suit = None if None in suits else sum(suits)
    out = []
    for st, n in _numbers(report, body, _REVIEW, narrowing=re.compile(r"诉讼|维持|" + _NARROWED.pattern)):
        if review is not None and n != review:
            out.append(_finding("T4", st, "review.total", review, n, f"表四“行政复议”总计为 {_fmt(review)}"))
    for st, n in _numbers(report, body, _SUIT, narrowing=re.compile(r"复议后|维持|" + _NARROWED.pattern)):
        if suit is not None and n != suit:
            out.append(
                _finding("T4", st, "litigation_direct.total", suit, n, f"表四“行政诉讼”两组总计之和为 {_fmt(suit)}")
            )
    for st in _statements(report, body, _NONE_REVIEW):
        if "复议" in st.quote and review:
            out.append(_finding("T4", st, "review.total", review, 0, f"表四“行政复议”总计为 {_fmt(review)}"))
        if "诉讼" in st.quote and suit:
            out.append(
                _finding("T4", st, "litigation_direct.total", suit, 0, f"表四“行政诉讼”两组总计之和为 {_fmt(suit)}")
            )
    return out


def _upheld(report: Report, body: str) -> list[Finding]:
    """Sentences saying the reviews or suits were all upheld, against table 四's 结果维持."""
    f = report.figures
    out = []
    for m in _ALL_UPHELD.finditer(body):
        start, end = _sentence(body, m.start())
        sentence = body[start:end]
        groups = []
        if "复议" in sentence:
            groups.append(("review", "行政复议"))
        if "诉讼" in sentence:
            groups += [("litigation_direct", "未经复议直接起诉"), ("litigation_after_review", "复议后起诉")]
        for g, name in groups:
            upheld, total, pending = f.get(f"{g}.upheld"), f.get(f"{g}.total"), f.get(f"{g}.pending")
            if upheld is not None and total and upheld != total:
                st = Statement(start, end, report.body[start:end].strip(), _section_of(report, start))
                says = f"表四“{name}”总计 {_fmt(total)} 件，结果维持 {_fmt(upheld)} 件"
                if pending:  # cases still open: "all upheld" may mean the ones decided
                    says += f"，另有 {_fmt(pending)} 件尚未审结"
                    if upheld + pending == total:
                        says += "（已审结的均获维持，仅供核对）"
                out.append(_finding("T5", st, f"{g}.upheld", total, upheld, says))
    return out


def _documents(report: Report, body: str) -> list[Finding]:
    f = report.figures
    out = []
    for m in _DOCUMENTS.finditer(body):
        start = _clause(body, m.start(), m.end())[0]
        if _NARROWED.search(body[start : m.start()]):
            continue
        for what, n in ((m.group("what"), m.group("n")), (m.group("what2"), m.group("n2"))):
            if not what:
                continue
            item = "regulations" if "规章" in what else "normative"
            values = {k: v for k, v in f.items() if k.startswith(f"art20.{item}.")}
            if values and int(n) not in values.values():
                st = Statement(start, m.end(), report.body[start : m.end()].strip(), _section_of(report, start))
                shown = "、".join(_fmt(v) for v in values.values())
                name = "规章" if item == "regulations" else "行政规范性文件"
                out.append(_finding("T6", st, next(iter(values)), None, int(n), f"表二“{name}”行为 {shown}"))
    return out


# A run of digits followed by a measure word: where a statement that starts with its count can start.
_COUNT_RUN = re.compile(rf"\d++(?=\s*{_PIECE})")


# The last body's count runs: every regex that starts with a count reads the same ones.
_last_runs: tuple[str, list[tuple[int, int]]] = ("", [])


def _count_runs(body: str) -> list[tuple[int, int]]:
    global _last_runs
    if body is not _last_runs[0]:
        _last_runs = (body, [m.span() for m in _COUNT_RUN.finditer(body)])
    return _last_runs[1]


def _matches(regex: re.Pattern, body: str) -> Iterator[re.Match]:
    """regex.finditer(body); for a regex that starts with a count (_N, then a measure word), the same
    matches found from the runs of digits before a measure word instead of trying every position.

    Such a match starts inside one of those runs, at most 7 digits before its end (the count is
    possessive), and what follows the digits is the same from every start in the run: so the first
    start that can match is the only one to try, or the end of the previous match if later.
    """
    if not regex.pattern.startswith(_N):
        yield from regex.finditer(body)
        return
    end = 0
    for run_start, run_end in _count_runs(body):
        start = max(run_start, run_end - 7, end)
        if start >= run_end:
            continue
        m = regex.match(body, start)
        if m:
            yield m
            end = m.end()


def _numbers(report: Report, body: str, patterns, narrowing: re.Pattern = _NARROWED) -> Iterator[tuple[Statement, int]]:
    for regex in patterns:
        for m in _matches(regex, body):
            start, end = _clause(body, m.start(), m.end())
            if narrowing.search(body[start:end]) or _in_table(body, m.start()):
                continue
            yield Statement(start, end, report.body[start:end].strip(), _section_of(report, start)), int(m.group("n"))


def _statements(report: Report, body: str, regex: re.Pattern, narrowing: re.Pattern = _NARROWED) -> Iterator[Statement]:
    for m in regex.finditer(body):
        start, end = _clause(body, m.start(), m.end())
        if narrowing.search(body[start:end]) or _in_table(body, m.start()):
            continue
        yield Statement(start, end, report.body[start:end].strip(), _section_of(report, start))


def _clause(body: str, start: int, end: int) -> tuple[int, int]:
    """Given a match, return the clause around it: from the last clause mark before to the next after."""
    s = start
    while s > 0 and not _CLAUSE_END.match(body, s - 1):
        s -= 1
    m = _CLAUSE_END.search(body, end)
    return s, m.start() if m else len(body)


def _sentence(body: str, pos: int) -> tuple[int, int]:
    s = pos
    while s > 0 and not _SENTENCE_END.match(body, s - 1):
        s -= 1
    m = _SENTENCE_END.search(body, pos)
    return s, m.start() if m else len(body)


def _in_table(body: str, pos: int) -> bool:
    """Whether a position is on a table's line (a tab or pipe row), not in the narrative."""
    start = body.rfind("\n", 0, pos) + 1
    end = body.find("\n", pos)
    line = body[start : end if end >= 0 else len(body)]
    return "\t" in line or line.count("|") >= 2


def _section_of(report: Report, pos: int) -> str:
    for name, spans in report.spans.items():
        if any(a <= pos < b for a, b in spans):
            return name
    return "overview"


def _finding(rule: str, st: Statement, key: str, table: float | None, text: float, table_says: str) -> Finding:
    quote = st.quote if len(st.quote) <= 80 else st.quote[:78] + "…"
    message = f"正文（{SECTION_NAMES.get(st.section, st.section)}）称“{quote}”，而{table_says}"
    return Finding(rule, "warning", message, key, table, text, (st.start, st.end))


def _fmt(value: float) -> str:
    return number_text(value)
