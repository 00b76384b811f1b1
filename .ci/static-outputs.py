"""Keep only static outputs in committed notebooks, so they open clean when untrusted.

    python .ci/static-outputs.py [--execute] notebooks/05-schema-drift.ipynb ...

--execute runs the notebook first (a fresh kernel, the notebook's folder as working
directory). Then, in every output, a widget view is dropped in favour of its static
fallback (text/html, image/svg+xml, text/plain), and the notebook's saved widget state
is removed: without a kernel no widget can be shown, and a view whose model is gone
shows "Error displaying widget: model not found".
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_only(nb: nbformat.NotebookNode) -> int:
    """Strip widget views and widget state in place; returns how many views went."""
    dropped = 0
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                dropped += 1
                if not data:
                    continue
            kept.append(out)
        if cell.cell_type == "code":
            cell.outputs = kept
    nb.metadata.pop("widgets", None)
    return dropped


def main(argv: list[str]) -> int:
    execute = "--execute" in argv
    paths = [Path(a) for a in argv if a != "--execute"]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if execute:
            from nbclient import NotebookClient

            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        dropped = static_only(nb)
        nbformat.write(nb, path)
        print(f"{path}: {'executed, ' if execute else ''}{dropped} widget view(s) replaced by their static fallback")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
