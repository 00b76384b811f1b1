"""The README's first snippet, cell by cell as it is written, in one fresh Jupyter kernel.

Each fenced block before "## Try it" becomes one notebook cell, unedited; the notebook runs
in a new IPython kernel (nbclient), so the comments on magic lines, the variables the cells
use and the OGM sharing the notebook's connection are checked as a newcomer meets them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.falkordb, pytest.mark.notebook]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_snippet_cells() -> list[str]:
    head = README.read_text(encoding="utf-8").split("## Try it", 1)[0]
    return [block.strip("\n") for block in re.findall(r"^```[a-z]*\n(.*?)^```", head, flags=re.MULTILINE | re.DOTALL)]


def test_readme_snippet_has_the_cells_a_newcomer_pastes():
    cells = readme_snippet_cells()
    assert cells[0].startswith("%load_ext runic")
    assert any(c.startswith("%%runic people <<") for c in cells)


def test_readme_snippet_runs_as_pasted_in_one_fresh_kernel(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in readme_snippet_cells()]
    client = NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first cell that fails

    outputs = {i: cell.outputs for i, cell in enumerate(nb.cells)}
    errors = [o for outs in outputs.values() for o in outs if o.output_type == "error"]
    assert errors == []
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) + str(o.get("data", {}).get("text/html", ""))
        for outs in outputs.values()
        for o in outs
    )
    assert "Person(" in text and "name='Ada'" in text  # the OGM block printed what it wrote
    cypher = next(i for i, c in enumerate(nb.cells) if c.source.startswith("%%runic people"))
    table = "".join(str(o.get("data", {}).get("text/html", "")) for o in nb.cells[cypher].outputs)
    assert "Ada" in table and "Alan" in table and "Kit" not in table  # $min_age = 30, same graph as the OGM
    describe = "".join(str(o.get("data", {}).get("text/plain", "")) for o in nb.cells[-1].outputs)
    assert "count" in describe and "2" in describe
