"""Small server-rendered SVG charts: no JavaScript library needed."""

from __future__ import annotations

from markupsafe import Markup, escape


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


def series_chart(label: str, years: list, values: list, width: int = 260, height: int = 90) -> Markup:
    """One figure over the years as an SVG bar chart: a bar and its value per year, a gap where the figure
    was not read (never drawn as 0)."""
    if not years:
        return Markup("")
    known = [v for v in values if v is not None]
    top = max([*known, 1])
    step = width / len(years)
    parts = []
    for i, (year, value) in enumerate(zip(years, values, strict=True)):
        x = i * step + 2
        w = max(step - 4, 1)
        if value is None:
            parts.append(f'<text class="missing" x="{x + w / 2:.1f}" y="{height - 18}" text-anchor="middle">—</text>')
        else:
            h = round((height - 34) * value / top, 1)
            shown = int(value) if value == int(value) else round(value, 2)
            parts.append(
                f'<rect x="{x:.1f}" y="{height - 16 - h}" width="{w:.1f}" height="{h}">'
                f"<title>{escape(year)}：{shown}</title></rect>"
                f'<text class="value" x="{x + w / 2:.1f}" y="{height - 19 - h}" text-anchor="middle">{shown}</text>'
            )
        parts.append(
            f'<text class="year" x="{x + w / 2:.1f}" y="{height - 3}" text-anchor="middle">{escape(year)}</text>'
        )
    return Markup(
        f'<svg class="series" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}">{"".join(parts)}</svg>'
    )
