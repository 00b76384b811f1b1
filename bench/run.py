"""Run every benchmark in one go and print their ratios side by side.

Each ``bench/bench_*.py`` prints its own lines; this runner executes them in turn in
fresh interpreters so one benchmark's memory does not colour the next.

``--quick`` runs the benchmarks that have a quick mode in it; ``--sizes 10000,100000``
sets the row counts of the growth table (``bench_bulk``: 10k, 100k and 1M by default).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


#: benchmarks that take ``--quick`` / ``--sizes``
QUICK = {"bench_bulk", "bench_notebook"}
SIZED = {"bench_bulk"}


def main(argv: list[str]) -> int:
    available = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if any(arg in ("-h", "--help") for arg in argv):
        print(f"usage: run.py [--quick] [--sizes N,N,...] [BENCH ...]\n\n{__doc__.strip()}\n\nbenchmarks: {', '.join(available)}")
        return 0
    argv = list(argv)
    quick = "--quick" in argv
    if quick:
        argv.remove("--quick")
    sizes = None
    if "--sizes" in argv:
        at = argv.index("--sizes")
        if at + 1 >= len(argv):
            print("--sizes needs a value, e.g. --sizes 10000,100000")
            return 2
        sizes = argv[at + 1]
        del argv[at : at + 2]
    unknown = [a for a in argv if a.removesuffix(".py") not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)} — choose from {', '.join(available)}")
        return 2
    names = argv or available
    failed = []
    for name in names:
        script = HERE / f"{name}.py" if not name.endswith(".py") else HERE / name
        print(f"== {script.stem}", flush=True)
        extra = (["--quick"] if quick and script.stem in QUICK else []) + (["--sizes", sizes] if sizes and script.stem in SIZED else [])
        code = subprocess.call([sys.executable, str(script), *extra])
        if code:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
