"""Small server-rendered SVG charts: no JavaScript library needed."""

from __future__ import annotations

from markupsafe import Markup, escape


def year_bars(counts: dict[int, int], years: list[int], width: int = 240, height: int = 48) -> Markup:
    """Given counts per year and the years to show, return an inline SVG bar chart with titles."""
    if not years:
        return Markup("")
    top = max([counts.get(y, 0) for y in years] + [1])
    step = width / len(years)
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = round((height - 12) * n / top, 1)
        x = round(i * step + 1, 1)
        bars.append(
            f'<rect x="{x}" y="{height - 12 - h}" width="{max(step - 2, 1):.1f}" height="{h}">'
            f"<title>{escape(year)}: {n}</title></rect>"
        )
    labels = (
        f'<text x="0" y="{height - 1}">{escape(years[0])}</text>'
        f'<text x="{width}" y="{height - 1}" text-anchor="end">{escape(years[-1])}</text>'
    )
    return Markup(
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        f"{''.join(bars)}{labels}</svg>"
    )
