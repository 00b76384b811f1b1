"""What a person sees in JupyterLab (headless Chromium): committed notebooks open clean
when untrusted, result tables read like data (strings unquoted and left-aligned, column
types, honest footers), ``%runic`` line magics are highlighted, the drift widget shows a
read error in place, and ``%runic plot`` draws a chart."""

from __future__ import annotations

import json

import pytest
from test_lab import KERNEL_IDLE, cell, open_notebook, run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMMITTED = ["01-quickstart.ipynb", "02-queries.ipynb", "03-exploring.ipynb", "04-backends.ipynb", "05-schema-drift.ipynb"]


@pytest.fixture
def every_cell_rendered(lab, page):
    """Notebooks render every cell (no windowing), so the whole page can be checked."""
    url = f"{lab.url}/lab/api/settings/@jupyterlab/notebook-extension:tracker?token={lab.token}"

    def save(raw: str) -> None:
        reply = page.request.put(url, data=json.dumps({"raw": raw}), headers={"Content-Type": "application/json"})
        assert reply.ok, reply.text()

    save('{"windowingMode": "none"}')
    yield
    save("{}")


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_notebook_opens_clean_when_untrusted(lab, page, shots, name, every_cell_rendered):
    open_notebook(page, lab, f"notebooks/{name}", kernel=False)
    page.locator(".jp-NotebookPanel:visible .jp-Cell").last.wait_for()
    count = (
        "() => { const panel = window.jupyterapp.shell.currentWidget;"
        " const model = panel && panel.content && panel.content.model; if (!model) return 0;"
        " return Array.from(model.cells).filter(c => c.type === 'code').reduce((n, c) => n + c.outputs.length, 0); }"
    )
    page.wait_for_function(f"() => ({count})() > 0")
    saved_outputs = page.evaluate(count)
    rendered = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output")
    rendered.first.wait_for()
    assert rendered.count() >= saved_outputs
    text = page.locator(".jp-NotebookPanel:visible").inner_text()
    assert "Error displaying widget" not in text and "model not found" not in text
    if name == "05-schema-drift.ipynb":
        page.locator(".runic-schema-drift-static .runic-sd-table").first.wait_for()
    shots(page, f"20-untrusted-{name.split('.')[0]}")


TABLE_CELLS = [
    "%load_ext runic\n%runic connect   # an embedded FalkorDB",
    "%%runic everyone << --no-limit   # all rows fetched, 1,000 shown\nUNWIND range(1, 1500) AS i RETURN 'Cosette' AS name, i AS n",
    "%%runic\nUNWIND range(1, 1500) AS i RETURN i AS n",
]


def test_result_table_reads_like_data_with_an_honest_footer(lab, page, shots, notebook_writer):
    notebook_writer(lab.root / "tables.ipynb", TABLE_CELLS)
    open_notebook(page, lab, "tables.ipynb")
    run_all(page)
    everyone = cell(page, 1).locator(".runic-table").first
    everyone.wait_for()
    name_cell = everyone.locator("tbody tr").first.locator("td").first
    assert name_cell.inner_text() == "Cosette"  # not 'Cosette'
    assert name_cell.evaluate("td => getComputedStyle(td).textAlign") in ("left", "start")
    number_cell = everyone.locator("tbody tr").first.locator("td").nth(1)
    assert number_cell.evaluate("td => getComputedStyle(td).textAlign") in ("right", "end")
    header = everyone.locator("thead").inner_text()
    assert "string" in header and "int" in header
    footer = cell(page, 1).locator(".runic-footer").first.inner_text()
    assert "showing 1,000 of 1,500 rows" in footer
    assert everyone.locator("tbody tr").count() == 1000
    unknown = cell(page, 2).locator(".runic-footer").first.inner_text()
    assert "showing 1,000 rows" in unknown and "not counted" in unknown and " of " not in unknown
    shots(page, "21-table-look")


def test_runic_line_magics_are_highlighted_in_python_cells(lab, page, shots, notebook_writer):
    notebook_writer(
        lab.root / "line-magics.ipynb",
        ["x = 1\n%runic connect --alias main   # comment\nrows = %runic MATCH (n) WHERE n.name = 'a' RETURN n LIMIT $x"],
    )
    open_notebook(page, lab, "line-magics.ipynb", kernel=False)
    page.wait_for_function("() => document.body.dataset.runicLab === 'loaded'")
    first = cell(page, 0)
    first.locator(".runic-magic-name").first.wait_for()
    assert first.locator(".runic-magic-name").count() == 2
    assert first.locator(".runic-magic-subcommand").all_inner_texts() == ["connect"]
    assert "--alias" in first.locator(".runic-magic-option").all_inner_texts()
    keywords = {k.upper() for k in first.locator(".runic-line-magic.runic-cypher-keyword").all_inner_texts()}
    assert {"MATCH", "WHERE", "RETURN", "LIMIT"} <= keywords
    assert first.locator(".runic-line-magic.runic-cypher-string").all_inner_texts() == ["'a'"]
    assert first.locator(".runic-line-magic.runic-cypher-param").all_inner_texts() == ["$x"]
    assert first.locator(".runic-line-magic.runic-cypher-comment").all_inner_texts() == ["# comment"]
    shots(page, "22-line-magic-highlighting")


DRIFT_CELLS = [
    (
        "from runic.migrate.schema import SchemaManager\n"
        "from runic.notebook.widgets import SchemaDriftWidget\n"
        "from runic.ogm.core.descriptors import Field\n"
        "from runic.ogm.core.models import Node\n"
        "from runic.ogm.driver import create_driver\n"
        "\n"
        "class BrokenGadget(Node):\n"
        "    serial: str = Field(primary_key=True)\n"
        "    colour: str = Field(index=True)\n"
        "\n"
        "driver = create_driver()\n"
        "widget = SchemaDriftWidget(SchemaManager(driver, models=[BrokenGadget]))\n"
        "widget"
    ),
    "driver.close()",
]


def test_drift_widget_shows_a_read_error_in_place_and_keeps_apply_off(lab, page, shots, notebook_writer):
    notebook_writer(lab.root / "drift-error.ipynb", DRIFT_CELLS)
    open_notebook(page, lab, "drift-error.ipynb")
    run_all(page)
    widget = page.locator(".runic-schema-drift").first
    widget.locator(".runic-sd-row.runic-sd-missing").first.wait_for()
    widget.locator("button", has_text="Refresh").click()
    errors = widget.locator(".runic-sd-errors")
    errors.first.wait_for()
    assert "closed" in errors.first.inner_text()
    assert widget.locator(".runic-sd-row.runic-sd-missing").count() == 0
    assert widget.locator("button", has_text="Apply missing").is_disabled()
    assert widget.locator("button", has_text="Drop extra").is_disabled()
    shots(page, "23-drift-widget-read-error")


PLOT_CELLS = [
    "%matplotlib inline\n%load_ext runic\n%runic connect",
    "%runic UNWIND range(1, 200) AS i CREATE (:PlotPoint {v: i % 37, kind: CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END})",
    "%runic plot histogram v --label PlotPoint --bins 8",
    "%%runic pts <<\nMATCH (p:PlotPoint) RETURN p.v AS v ORDER BY v LIMIT 20",
    "pts.plot(y='v');",
]


def test_plots_appear_from_the_database_and_from_a_result(lab, page, shots, notebook_writer):
    notebook_writer(lab.root / "plots.ipynb", PLOT_CELLS)
    open_notebook(page, lab, "plots.ipynb")
    run_all(page)
    for index in (2, 4):
        image = cell(page, index).locator(".jp-OutputArea-output img").first
        image.wait_for()
        assert image.evaluate("img => img.naturalWidth") > 100
    page.wait_for_function(KERNEL_IDLE)
    shots(page, "24-plots")
