"""Ruled tables on a scanned page, cut into cells before OCR.

Read as running text, a ruled table loses its cells: numbers run together, blank cells vanish, a rule is
read as 1 or l. Here the page image's ruling lines are found (long runs of dark pixels across and down),
each row band between two horizontal rules is cut at the vertical rules that cross it, and every cell is
read on its own: the cells of a page are stacked into one tall image (each on its own line, white between)
so that one tesseract run reads them all, and each word goes back to the cell whose band it lies in. A
cell with no ink is a blank cell. The rest of the page (the tables whited out) is read as text, and the
page comes back as lines top to bottom, a table row as its cells joined by tabs.
"""

from __future__ import annotations

import re
import subprocess
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from ..tables.cells import UNREAD, is_blank

DARK = 160  # grey level below which a pixel is ink
RULE_SHARE = 0.12  # a horizontal rule runs at least this share of the page's width without a break
CROSS_SHARE = 0.9  # a vertical rule darkens at least this share of a row band's height
MIN_BAND = 18  # pixels: a band thinner than this is the thickness of a double rule, not a row
MIN_CELL = 12  # pixels: a cell narrower than this is the gap of a double rule
INK = 25  # dark pixels inside a cell below which it is blank (specks, the ends of rules)
INSET = 5  # pixels cut off each side of a cell: the rules around it
GAP = 36  # white pixels between stacked cells
_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "S": "5", "，": "", ",": ""})


@dataclass(frozen=True)
class Row:
    top: int
    bottom: int
    cells: list[tuple[int, int]]  # (left, right) of each cell


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The [start, end) runs of True in a 1-d mask."""
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def horizontal_rules(dark: np.ndarray) -> list[tuple[int, int, int]]:
    """The horizontal rules of a page: (y, left, right) of each, top to bottom."""
    width = dark.shape[1]
    span = max(40, int(width * RULE_SHARE))
    sums = np.cumsum(dark, axis=1, dtype=np.int32)
    windows = sums[:, span:] - sums[:, :-span]
    ruled = windows.max(axis=1) >= span - 2  # a run of `span` dark pixels (two specks of wear forgiven)
    out = []
    for start, end in _runs(ruled):
        band = dark[start:end].any(axis=0)
        xs = np.flatnonzero(band)
        out.append(((start + end) // 2, int(xs.min()), int(xs.max())))
    return out


def table_rows(dark: np.ndarray) -> list[Row]:
    """The rows of the page's ruled tables: each band between two horizontal rules crossed by two vertical
    rules or more, with the cells between them."""
    rules = horizontal_rules(dark)
    rows = []
    for (y0, l0, r0), (y1, l1, r1) in pairwise(rules):
        if y1 - y0 < MIN_BAND:
            continue
        left, right = max(l0, l1), min(r0, r1)
        if right - left < MIN_CELL * 3:
            continue
        band = dark[y0 + 3 : y1 - 2, left - 2 : right + 3]
        crossed = band.mean(axis=0) >= CROSS_SHARE
        walls = [(a + b) // 2 + left - 2 for a, b in _runs(crossed)]
        if len(walls) < 2:
            continue  # text between two tables, or a box that is not a table
        cells = [(a, b) for a, b in pairwise(walls) if b - a >= MIN_CELL]
        if cells:
            rows.append(Row(y0, y1, cells))
    return rows


def _tsv_words(
    image_path: Path, psm: str, timeout: int, options: tuple[str, ...] = ("-l", "chi_sim")
) -> list[tuple[int, int, int, int, str]]:
    """tesseract's words on an image: (top, left, height, line id, text)."""
    result = subprocess.run(
        ["tesseract", str(image_path), "-", *options, "--psm", psm, "tsv"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise OSError(result.stderr.strip()[:200])
    words = []
    for line in result.stdout.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        block, par, ln = parts[2], parts[3], parts[4]
        left, top, height = int(parts[6]), int(parts[7]), int(parts[9])
        words.append((top, left, height, hash((block, par, ln)), parts[11].strip()))
    return words


def _in_order(words: list[tuple[int, int, int, str]]) -> list[str]:
    """Words (top, bottom, left, text) in reading order: lines by where the words stand (a bracket or a
    digit sits a little higher than the characters beside it, and tesseract may give it a line of its own),
    top to bottom, each left to right."""
    lines: list[list[tuple[int, int, int, str]]] = []
    for word in sorted(words):
        middle = (word[0] + word[1]) // 2
        if lines and middle <= max(w[1] for w in lines[-1]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [w[3] for line in lines for w in sorted(line, key=lambda w: w[2])]


def _join(words: list[str]) -> str:
    out = ""
    for word in words:
        if out and not (_cjk(out[-1]) and _cjk(word[0])):
            out += " "
        out += word
    return out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "，。、；：（）“”"


def _is_number_or_blank(text: str) -> bool:
    return text == "" or is_blank(text) or re.fullmatch(r"-?\d+(?:\.\d+)?", text) is not None


def _cell_text(text: str) -> str:
    """A cell's words as one cell: a number read with letters for digits (O for 0, l for 1) mended; a lone
    stroke (a 1 read as ], |, 丨) is a 1. Ink that reads as neither words nor a number is UNREAD: the cell
    keeps its place, and no number is made up for it."""
    squeezed = text.replace(" ", "")
    if squeezed in ("]", "[", "|", "丨", "l", "I", "!", "】", "【"):
        return "1"
    if not squeezed or not any(_cjk(ch) for ch in squeezed):
        mended = squeezed.translate(_DIGITS)
        number = re.fullmatch(r"-?\d+(?:\.\d+)?", mended)
        return mended if number or (squeezed and is_blank(squeezed)) else UNREAD  # ink, and nothing read: unread
    mended = squeezed.translate(_DIGITS)
    if re.fullmatch(r"-?\d+(?:\.\d+)?", mended) and sum(c.isdigit() for c in squeezed) >= len(squeezed) / 2:
        return mended
    return text


# the second reading of the numbers: digits only, so that a digit read as a character is seen, and two
# readings that disagree leave the cell unread
_DIGITS_ONLY = ("-l", "eng", "-c", "tessedit_char_whitelist=0123456789.-")


def _read_stacked(image, boxes: dict, tmp: Path, name: str, timeout: int, options=("-l", "chi_sim")) -> dict:
    """Each box of the image read by one tesseract run over the boxes stacked one under another: {key: words}."""
    from PIL import Image

    if not boxes:
        return {}
    crops, spans, y = [], [], GAP
    for key, box in boxes.items():
        crop = image.crop(box)
        crops.append((crop, y))
        spans.append((y, y + crop.height, key))
        y += crop.height + GAP
    strip = Image.new("L", (max(c.width for c, _ in crops) + 2 * GAP, y), 255)
    for crop, top in crops:
        strip.paste(crop.convert("L"), (GAP, top))
    path = tmp / f"{name}.png"
    strip.save(path)
    starts = [top for top, _, _ in spans]
    found: dict = {}
    for top, left, height, _, word in _tsv_words(path, "6", timeout, options):
        i = bisect_right(starts, top + height // 2) - 1
        if i >= 0 and top + height // 2 < spans[i][1] + GAP // 2:
            found.setdefault(spans[i][2], []).append((top, top + height, left, word))
    return {key: _join(_in_order(found.get(key, []))) for _, _, key in spans}


def read_page(image, tmp: Path, index: int, timeout: int) -> str | None:
    """A page image's text with its ruled tables read cell by cell, or None when it has no ruled table."""
    grey = np.asarray(image.convert("L"))
    dark = grey < DARK
    rows = table_rows(dark)
    if not rows:
        return None
    boxes, texts = {}, {}
    for r, row in enumerate(rows):
        for c, (left, right) in enumerate(row.cells):
            box = (left + INSET, row.top + INSET, right - INSET + 1, row.bottom - INSET + 1)
            if box[2] - box[0] < 4 or box[3] - box[1] < 4 or dark[box[1] : box[3], box[0] : box[2]].sum() < INK:
                texts[r, c] = ""  # no ink: a blank cell
            else:
                boxes[r, c] = box
    read = _read_stacked(image, boxes, tmp, f"{index}-cells", timeout)
    texts |= {key: _cell_text(words) for key, words in read.items()}
    table = []
    for r, row in enumerate(rows):
        cells = [texts[r, c] for c in range(len(row.cells))]
        # the label columns end at the last cell of words (two characters or more); after it, the numbers: a
        # cell there that reads as neither a number nor a blank mark (由 for a 1) is unread, never a label;
        # ink unread among the label columns is a piece of a merged label, not a cell
        words = [c for c, text in enumerate(cells) if sum(_cjk(ch) for ch in text) >= 2]
        last = words[-1] if words else -1
        cells = [
            ("" if text == UNREAD else text)
            if c <= last
            else (text if text == UNREAD or _is_number_or_blank(text) else UNREAD)
            for c, text in enumerate(cells)
        ]
        table.append(cells)
    # the numbers read again, digits only: where the two readings differ the cell is unread (a number is
    # never taken from one doubtful reading); a cell the first saw as ink alone takes a clean second reading
    numbers = {(r, c): boxes[r, c] for r, cells in enumerate(table) for c, text in enumerate(cells)
               if (r, c) in boxes and (text == UNREAD or re.fullmatch(r"-?\d+(?:\.\d+)?", text))}  # fmt: skip
    again = _read_stacked(image, numbers, tmp, f"{index}-digits", timeout, _DIGITS_ONLY)
    for (r, c), words in again.items():
        second = words.replace(" ", "")
        if not re.fullmatch(r"-?\d+(?:\.\d+)?", second):
            second = UNREAD
        first = table[r][c]
        table[r][c] = second if first == UNREAD else (first if first == second else UNREAD)
    # the rest of the page, the tables whited out
    rest = image.convert("L").copy()
    for row in rows:
        rest.paste(255, (row.cells[0][0] - 3, row.top - 3, row.cells[-1][1] + 4, row.bottom + 4))
    path = tmp / f"{index}-rest.png"
    rest.save(path)
    lines: dict[int, list[tuple[int, int, int, str]]] = {}
    for top, left, height, line, word in _tsv_words(path, "6", timeout):
        lines.setdefault(line, []).append((top, top + height, left, word))
    items = [(min(w[0] for w in ws), _join(_in_order(ws))) for ws in lines.values()]
    items += [(row.top, "\t".join(cells)) for row, cells in zip(rows, table, strict=True)]
    return "\n".join(text for _, text in sorted(items, key=lambda x: x[0]))
