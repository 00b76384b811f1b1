"""Execute a notebook in place and keep only static outputs, as committed notebooks need.

Widget views (``application/vnd.jupyter.widget-view+json``) and the notebook's widget state
are dropped, so the notebook opens clean without a kernel or when untrusted: what remains
are the static fallbacks the widgets put next to their views (the graph view's SVG picture,
text). Used for notebooks/06-graph-view.ipynb:

    .venv/bin/python .ci/execute-notebook.py notebooks/06-graph-view.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    for name in argv:
        path = Path(name)
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            store_widget_state=False,
            record_timing=False,
        )
        client.execute()
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                output.get("data", {}).pop(WIDGET_VIEW, None)
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, path)
        print(f"executed {path} (static outputs only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
