"""Small server-rendered SVG charts: no JavaScript library needed."""

from __future__ import annotations

from markupsafe import Markup, escape

from index.reader.report import number_text


def year_bars(counts: dict[int, int], years: list[int], held: set[int] | None = None, height: int = 64) -> Markup:
    """Given counts per year and the years to show, return an inline SVG bar chart: each year labelled, a bar
    and its value where reports mention it, 0 where the index has reports of that year that do not, and a
    gap (—) for a year the index holds no report of (`held`: the years it has; all when not given)."""
    if not years:
        return Markup("")
    top = max([counts.get(y, 0) for y in years] + [1])
    step = max(16.0, min(30.0, 240 / len(years)))
    width = round(step * len(years) + 2)
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        x = round(i * step + 1, 1)
        w = max(step - 2, 1)
        cx = x + w / 2
        if held is not None and year not in held:
            bars.append(
                f'<text class="missing" x="{cx:.1f}" y="{height - 16}" text-anchor="middle">'
                f"<title>{escape(year)} 年：没有这一年的报告</title>—</text>"
            )
        else:
            h = round((height - 28) * n / top, 1)
            bars.append(
                f'<rect x="{x}" y="{height - 14 - h}" width="{w:.1f}" height="{h}">'
                f"<title>{escape(year)} 年：{n} 份</title></rect>"
                f'<text class="value" x="{cx:.1f}" y="{height - 16 - h}" text-anchor="middle">{n}</text>'
            )
        bars.append(f'<text class="year" x="{cx:.1f}" y="{height - 3}" text-anchor="middle">’{year % 100:02d}</text>')
    return Markup(
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(years[0])}—{escape(years[-1])} 年">{"".join(bars)}</svg>'
    )


GAP_MARKS = {
    "blank": ("空白", "报告在此未填数字（空白），不是 0"),
    "unread": ("—", "该年报告中未读出此数字，不是 0"),
    "old_format": ("旧格式", "该年报告用 2019 年以前的旧格式，没有这一项（统计口径不同），不是 0"),
    "new_format": ("新格式", "该年报告用 2019 年起的格式，没有这一项（统计口径不同），不是 0"),
}


def series_chart(label: str, years: list, values: list, states: list | None = None, height: int = 110) -> Markup:
    """One figure over the years as an SVG bar chart: every year from the first to the last, a bar and its
    value where the figure was printed, a labelled gap where it was printed blank (空白), not read (—), or
    the agency has no report that year (无报告): never drawn as 0. Fifteen years and more stay readable:
    each year gets room for its label and value: a long series makes a wider chart, never smaller text."""
    known_years = [y for y in years if y is not None]
    if not known_years:
        return Markup("")
    states = states or ["printed" if v is not None else "unread" for v in values]
    by_year: dict[int, tuple] = {}
    for year, value, state in zip(years, values, states, strict=True):
        if year is not None and year not in by_year:
            by_year[year] = (value, state)
    axis = list(range(min(known_years), max(known_years) + 1))
    # room for every label: a long series takes a wider chart (its figure spans the row), never smaller text
    step = max(36.0, 260 / len(axis))
    width = round(step * len(axis) + 4)
    numbers = [v for v, s in by_year.values() if s == "printed" and v is not None]
    top = max([*numbers, 1])
    parts = []
    for i, year in enumerate(axis):
        x = i * step + 2
        w = step - 4
        cx = x + w / 2
        value, state = by_year.get(year, (None, "none"))
        if state == "printed" and value is not None:
            h = round((height - 44) * value / top, 1)
            shown = escape(number_text(value))
            parts.append(
                f'<rect x="{x:.1f}" y="{height - 26 - h}" width="{w:.1f}" height="{h}">'
                f"<title>{escape(year)} 年：{shown}</title></rect>"
                f'<text class="value" x="{cx:.1f}" y="{height - 29 - h}" text-anchor="middle">{shown}</text>'
            )
        else:
            mark, hint = GAP_MARKS.get(state, ("无报告", "该机关这一年没有报告"))
            parts.append(
                f'<text class="missing" x="{cx:.1f}" y="{height - 30}" text-anchor="middle">'
                f"<title>{escape(year)} 年：{hint}</title>{mark}</text>"
            )
        parts.append(f'<text class="year" x="{cx:.1f}" y="{height - 10}" text-anchor="middle">{escape(year)}</text>')
    return Markup(
        f'<svg class="series" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}，{axis[0]}—{axis[-1]} 年">{"".join(parts)}</svg>'
    )
