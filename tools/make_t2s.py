"""Regenerate index/reader/text/t2s.txt from OpenCC's TSCharacters table.

Usage: pip install opencc-python-reimplemented && python tools/make_t2s.py

Keeps one-to-one mappings between CJK ideographs only, so that converting a
text never changes its length and character offsets stay valid.
"""

import pathlib
import unicodedata

import opencc

SOURCE = pathlib.Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
TARGET = pathlib.Path(__file__).resolve().parents[1] / "index" / "reader" / "text" / "t2s.txt"


def is_ideograph(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.name(ch, "").startswith("CJK")


def main() -> None:
    pairs = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        if is_ideograph(trad) and is_ideograph(simp) and trad != simp:
            pairs.append(f"{trad}{simp}")
    header = "# traditional→simplified, one pair per line; from OpenCC TSCharacters (Apache-2.0)\n"
    TARGET.write_text(header + "\n".join(pairs) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs → {TARGET}")


if __name__ == "__main__":
    main()
