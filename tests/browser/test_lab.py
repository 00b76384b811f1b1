"""runic in a real JupyterLab: the extension, result tables, the graph view and the
schema-drift widget, each proven by what a person would see in headless Chromium."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

CELL_ERRORS = """() => {
  const model = window.jupyterapp.shell.currentWidget.content.model;
  const errors = [];
  for (const cell of model.cells) {
    if (cell.type !== 'code') continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push(`${out.ename}: ${out.evalue}`);
    }
  }
  return errors;
}"""


def open_notebook(page, lab, path: str, *, kernel: bool = True) -> None:
    page.goto(lab.notebook_url(path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached")
    if kernel:
        page.wait_for_function(KERNEL_IDLE)


def run_all(page) -> None:
    page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(KERNEL_IDLE)
    errors = page.evaluate(CELL_ERRORS)
    assert errors == [], f"cells raised: {errors}"


def cell(page, index: int):
    return page.locator(".jp-NotebookPanel:visible .jp-Cell").nth(index)


# -- the extension -------------------------------------------------------------------------


def test_extension_highlights_runic_cells_as_cypher(lab, page, shots, notebook_writer):
    notebook_writer(
        lab.root / "cypher-cells.ipynb",
        [
            "%%runic people <<\nMATCH (p:Person) WHERE p.age > $min_age\nRETURN p.name AS name, 'x' AS s LIMIT 5",
            "x = 1  # MATCH (n) RETURN n",
        ],
    )
    open_notebook(page, lab, "cypher-cells.ipynb", kernel=False)
    page.wait_for_function("() => document.body.dataset.runicLab === 'loaded'")
    runic_cell, python_cell = cell(page, 0), cell(page, 1)
    runic_cell.locator(".runic-cypher-keyword").first.wait_for()
    keywords = runic_cell.locator(".runic-cypher-keyword").all_inner_texts()
    assert {"MATCH", "WHERE", "RETURN", "LIMIT"} <= {k.upper() for k in keywords}
    assert runic_cell.locator(".runic-cypher-string").count() >= 1
    assert python_cell.locator("[class*='runic-cypher-']").count() == 0
    shots(page, "01-cypher-highlighting")

    # the language follows the first line as it is edited
    python_cell.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("%%runic\n")
    python_cell.locator(".runic-cypher-keyword").first.wait_for()
    shots(page, "02-cell-switched-to-cypher")
    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+End")
    page.keyboard.press("Delete")
    python_cell.locator("[class*='runic-cypher-']").first.wait_for(state="detached")
    # the other cell keeps its highlighting (the editor may redraw it first: wait for the fourth keyword)
    runic_cell.locator(".runic-cypher-keyword").nth(3).wait_for()


def test_extension_settings_turn_highlighting_off(lab, page, notebook_writer):
    settings_url = f"{lab.url}/lab/api/settings/runic-lab:plugin?token={lab.token}"
    page.goto(settings_url)
    body = page.locator("body").inner_text()
    assert '"cellMagics"' in body and '"highlightCypher"' in body

    def save(raw: str) -> None:
        reply = page.request.put(settings_url, data=json.dumps({"raw": raw}), headers={"Content-Type": "application/json"})
        assert reply.ok, reply.text()

    notebook_writer(lab.root / "settings-off.ipynb", ["%%runic\nMATCH (n) RETURN n", "%%cypher\nMATCH (n) RETURN n"])
    save('{"highlightCypher": false}')
    try:
        open_notebook(page, lab, "settings-off.ipynb", kernel=False)
        page.wait_for_function("() => document.body.dataset.runicLabHighlight === 'false'")
        cell(page, 0).locator(".cm-line").first.wait_for()
        assert page.locator("[class*='runic-cypher-']").count() == 0
        # another magic can be declared as Cypher too
        save('{"highlightCypher": true, "cellMagics": ["%%runic", "%%cypher"]}')
        open_notebook(page, lab, "settings-off.ipynb", kernel=False)
        cell(page, 1).locator(".runic-cypher-keyword").first.wait_for()
        cell(page, 0).locator(".runic-cypher-keyword").first.wait_for()
    finally:
        save("{}")


# -- notebooks -------------------------------------------------------------------------------


def test_quickstart_renders_a_result_table_with_its_footer(lab, page, shots):
    assert (lab.root / "notebooks/01-quickstart.ipynb").exists(), "notebooks/01-quickstart.ipynb is missing"
    open_notebook(page, lab, "notebooks/01-quickstart.ipynb")
    page.locator(".jp-Cell .runic-cypher-keyword").first.wait_for(state="attached")
    run_all(page)
    table = page.locator(".jp-OutputArea-output .runic-table").first
    table.wait_for()
    assert table.locator("tr").count() >= 2
    footer = page.locator(
        ".jp-OutputArea-output .runic-out:has(.runic-table) .runic-footer",
        has_text=re.compile(r"\d[\d,]* rows?|showing"),
    ).first
    footer.wait_for()
    assert footer.locator("xpath=preceding::table[contains(@class, 'runic-table')][1]").locator("tr").count() >= 2
    footer.scroll_into_view_if_needed()
    shots(page, "03-quickstart-table")


def test_exploring_notebook_runs_and_shows_results(lab, page, shots):
    assert (lab.root / "notebooks/03-exploring.ipynb").exists(), "notebooks/03-exploring.ipynb is missing"
    open_notebook(page, lab, "notebooks/03-exploring.ipynb")
    run_all(page)
    outputs = page.locator(".jp-OutputArea-output .runic-table, .jp-OutputArea-output table.dataframe")
    outputs.first.wait_for()
    assert outputs.count() >= 1
    shots(page, "04-exploring")


# the graph view's browser tests live in test_graph_view_browser.py


# -- schema drift ------------------------------------------------------------------------------


SCHEMA_CELLS = [
    (
        "from runic.migrate.schema import SchemaManager\n"
        "from runic.notebook.widgets import SchemaDriftWidget\n"
        "from runic.ogm.core.descriptors import Field\n"
        "from runic.ogm.core.models import Node\n"
        "from runic.ogm.driver import create_driver\n"
        "\n"
        "class Gadget(Node):\n"
        "    serial: str = Field(primary_key=True)\n"
        "    colour: str = Field(index=True)\n"
        "\n"
        "driver = create_driver()\n"
        "manager = SchemaManager(driver, models=[Gadget])\n"
        "widget = SchemaDriftWidget(manager)\n"
        "widget"
    ),
    "print(sorted(f'{s.label}.{s.field}' for s in manager.validate().missing) or 'nothing missing')",
]


def test_schema_drift_apply_button_changes_the_live_database(lab, page, shots, notebook_writer):
    notebook_writer(lab.root / "schema-drift.ipynb", SCHEMA_CELLS)
    open_notebook(page, lab, "schema-drift.ipynb")
    run_all(page)
    widget = page.locator(".runic-schema-drift").first
    widget.wait_for()
    widget.locator(".runic-sd-row.runic-sd-missing").first.wait_for()
    shots(page, "08-schema-drift-before")
    widget.locator("button", has_text="Apply missing").click()
    widget.locator(".runic-sd-outcome", has_text="created").wait_for()
    assert widget.locator(".runic-sd-row.runic-sd-missing").count() == 0
    shots(page, "09-schema-drift-applied")

    cell(page, 1).click()
    page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-cell')")
    page.wait_for_function(KERNEL_IDLE)
    assert "nothing missing" in cell(page, 1).locator(".jp-OutputArea-output").inner_text()
