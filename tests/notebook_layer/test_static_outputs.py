"""Committed notebooks hold static outputs only, and a progress bar run in a kernel leaves
one plain text line, so a saved notebook opens clean when untrusted (no widget views whose
models are gone: "Error displaying widget: model not found")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
OURS = ["01-quickstart.ipynb", "02-queries.ipynb", "03-exploring.ipynb", "04-backends.ipynb", "05-schema-drift.ipynb", "07-migrations.ipynb"]


@pytest.mark.unit
@pytest.mark.parametrize("name", OURS)
def test_committed_notebook_has_no_widget_views_or_widget_state(name):
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"]
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            assert WIDGET_VIEW not in data, f"{name}: a widget view in the output of {''.join(cell['source'])[:60]!r}"
            assert "application/javascript" not in data


@pytest.mark.unit
def test_static_outputs_tool_keeps_the_fallback_and_drops_the_view(tmp_path):
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("static_outputs", Path(__file__).resolve().parents[2] / ".ci" / "static-outputs.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("w")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "x"}, "text/html": "<b>static</b>"}),
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "y"}}),
    ]
    nb.cells = [cell]
    nb.metadata["widgets"] = {"state": {}}
    assert tool.static_only(nb) == 2
    assert [dict(o["data"]) for o in nb.cells[0].outputs] == [{"text/html": "<b>static</b>"}]
    assert "widgets" not in nb.metadata


@pytest.mark.integration
@pytest.mark.notebook
def test_progress_bar_in_a_kernel_leaves_one_plain_text_line(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import time\nfrom runic.progress import progress_bar\n"
        "with progress_bar(3, 'copying rows', unit='rows', show=True, mininterval=0) as bar:\n"
        "    for _ in range(3):\n        time.sleep(0.05)\n        bar.update(1)\n"
    )]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert len(outputs) == 1
    data = outputs[0]["data"]
    assert list(data) == ["text/plain"]
    assert data["text/plain"].startswith("copying rows: 100%") and "3/3" in data["text/plain"]
