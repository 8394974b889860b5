"""How the parser's time grows with its input: a report whose table 三 repeats its rows N times.

    python -m bench.scaling [--sizes 2000,4000,8000,16000,32000]

Prints seconds per size and the ratio to the smallest, against a baseline run in the same
process: near-linear means doubling the rows about doubles the time (a quadratic step would
quadruple it). Not part of the tests, which never depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import random
import time

from index.reader.parse import parse_text

from .synth import ROOT


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2000,4000,8000,16000,32000", help="table lines per report")
    args = ap.parse_args(argv)
    seed = next((ROOT / "corpus").glob("2021-*.txt")).read_text(encoding="utf-8")
    rows = [line for line in seed.split("\n") if line.count("\t") >= 6]
    rng = random.Random(1)
    base = None
    for n in map(int, args.sizes.split(",")):
        body = seed.replace("一、本年新收", "\n".join(rng.choice(rows) for _ in range(n)) + "\n一、本年新收", 1)
        start = time.perf_counter()
        parse_text(body)
        seconds = time.perf_counter() - start
        base = base or (n, seconds)
        ratio = f"×{seconds / base[1]:6.1f} for ×{n / base[0]:.0f} lines"
        print(f"{n:>7} lines {len(body):>10,} chars {seconds:8.3f} s  {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
