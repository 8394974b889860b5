"""Small server-rendered SVG charts: no JavaScript library needed."""

from __future__ import annotations

from markupsafe import Markup, escape

from index.reader.report import number_text


def year_bars(counts: dict[int, int], years: list[int], width: int = 240, height: int = 60) -> Markup:
    """Given counts per year and the years to show, return an inline SVG bar chart, each bar with its value."""
    if not years:
        return Markup("")
    top = max([counts.get(y, 0) for y in years] + [1])
    step = width / len(years)
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = round((height - 24) * n / top, 1)
        x = round(i * step + 1, 1)
        bars.append(
            f'<rect x="{x}" y="{height - 12 - h}" width="{max(step - 2, 1):.1f}" height="{h}">'
            f"<title>{escape(year)}: {n}</title></rect>"
        )
        if n:
            bars.append(
                f'<text class="value" x="{x + max(step - 2, 1) / 2:.1f}" y="{height - 14 - h}" '
                f'text-anchor="middle">{n}</text>'
            )
    labels = (
        f'<text x="0" y="{height - 1}">{escape(years[0])}</text>'
        f'<text x="{width}" y="{height - 1}" text-anchor="end">{escape(years[-1])}</text>'
    )
    return Markup(
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        f"{''.join(bars)}{labels}</svg>"
    )


GAP_MARKS = {"blank": ("空白", "报告在此未填数字（空白），不是 0"), "unread": ("—", "该年报告中未读出此数字，不是 0")}


def series_chart(label: str, years: list, values: list, states: list | None = None, height: int = 110) -> Markup:
    """One figure over the years as an SVG bar chart: every year from the first to the last, a bar and its
    value where the figure was printed, a labelled gap where it was printed blank (空白), not read (—), or
    the agency has no report that year (无报告): never drawn as 0. Fifteen years and more stay readable:
    the chart widens, and year labels are shortened (’19) and turned when the bars are narrow."""
    known_years = [y for y in years if y is not None]
    if not known_years:
        return Markup("")
    states = states or ["printed" if v is not None else "unread" for v in values]
    by_year: dict[int, tuple] = {}
    for year, value, state in zip(years, values, states, strict=True):
        if year is not None and year not in by_year:
            by_year[year] = (value, state)
    axis = list(range(min(known_years), max(known_years) + 1))
    step = max(22.0, min(48.0, 260 / len(axis)))
    width = round(step * len(axis) + 4)
    numbers = [v for v, s in by_year.values() if s == "printed" and v is not None]
    top = max([*numbers, 1])
    narrow = step < 34
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
        text = f"’{year % 100:02d}" if narrow else str(year)
        parts.append(f'<text class="year" x="{cx:.1f}" y="{height - 10}" text-anchor="middle">{escape(text)}</text>')
    return Markup(
        f'<svg class="series" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}，{axis[0]}—{axis[-1]} 年">{"".join(parts)}</svg>'
    )
