"""Run every benchmark in one go and print their ratios side by side.

Each ``bench/bench_*.py`` prints its own lines; this runner executes them in turn in
fresh interpreters so one benchmark's memory does not colour the next.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    available = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if any(arg in ("-h", "--help") for arg in argv):
        print(f"usage: run.py [BENCH ...]\n\n{__doc__.strip()}\n\nbenchmarks: {', '.join(available)}")
        return 0
    unknown = [a for a in argv if a.removesuffix(".py") not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)} — choose from {', '.join(available)}")
        return 2
    names = argv or available
    failed = []
    for name in names:
        script = HERE / f"{name}.py" if not name.endswith(".py") else HERE / name
        print(f"== {script.stem}", flush=True)
        code = subprocess.call([sys.executable, str(script)])
        if code:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
