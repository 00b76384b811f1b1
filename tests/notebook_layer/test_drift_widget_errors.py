"""The schema drift widget when the live schema cannot be read: the error is shown in
place, no declared index is called "missing", and Apply / Drop stay off — on every backend."""

from __future__ import annotations

import pytest

from runic.migrate.schema import SchemaManager
from runic.notebook.widgets import SchemaDriftWidget

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def widget_model():
    from runic.ogm.core.descriptors import Field
    from runic.ogm.core.models import Node

    class ErrGadget(Node):
        serial: str = Field(primary_key=True, unique=True)
        colour: str = Field(index=True)

    return ErrGadget


def test_unreadable_schema_is_shown_in_place_and_never_called_missing(driver, widget_model):
    driver.execute("CREATE (:ErrGadget {serial: 'g1', colour: 'red'})")
    widget = SchemaDriftWidget(SchemaManager(driver, models=[widget_model]))
    assert not widget.apply_button.disabled  # the indexes really are missing while readable
    driver.close()

    widget.refresh_button.click()

    statuses = {status for status, _ in __import__("runic.notebook.widgets.schema_drift", fromlist=["drift_rows"]).drift_rows(widget.result)} if widget.result is not None else set()
    assert "missing" not in statuses
    shown = widget._summary.value + widget._table.value + widget._outcome.value
    assert "could not" in shown and "runic-sd-errors" in shown
    assert ">missing<" not in widget._table.value
    assert widget.apply_button.disabled and widget.drop_button.disabled
    assert widget.apply_missing() == [] and "could not be read" in widget.outcome
    static = widget.to_html()
    assert "missing" not in static.split("runic-sd-table")[-1] and ("could not" in static or "runic-sd-error" in static)


def test_readable_schema_still_lists_missing_indexes(driver, widget_model):
    driver.execute("CREATE (:ErrGadget {serial: 'g1', colour: 'red'})")
    widget = SchemaDriftWidget(SchemaManager(driver, models=[widget_model]))
    assert {status for status, _ in widget.result.rows()} == {"missing"}
    assert "runic-sd-errors" not in widget._table.value
