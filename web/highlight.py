"""Report text is untrusted: escape first, then insert <mark> around the matched spans."""

from __future__ import annotations

from markupsafe import Markup, escape


def mark(text: str, spans: list[list[int]]) -> Markup:
    """Given a snippet and its [start, end) spans, return safe HTML with each span in <mark>.

    >>> str(mark("<b>人员</b>不足", [[3, 5]]))
    '&lt;b&gt;<mark>人员</mark>&lt;/b&gt;不足'
    """
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)
