"""SchemaDriftWidget driven from Python against every live backend: buttons are clicked
as a person would, and the live database is checked after each action."""

from __future__ import annotations

import json

import pytest

from runic.migrate.schema import SchemaManager
from runic.notebook.widgets import SchemaDriftWidget
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration]

COLOUR = IndexSpec("DriftGadget", "colour")
SERIAL = IndexSpec("DriftGadget", "serial", unique=True)
EXTRA = IndexSpec("DriftPerson", "email")


@pytest.fixture(scope="module")
def gadget_model():
    from runic.ogm.core.descriptors import Field
    from runic.ogm.core.models import Node

    class DriftGadget(Node):
        serial: str = Field(primary_key=True, unique=True)
        colour: str = Field(index=True)

    return DriftGadget


@pytest.fixture
def drifted(driver, gadget_model):
    """Colour index present, serial constraint missing, an undeclared index on DriftPerson."""
    driver.execute("CREATE (:DriftGadget {serial: 'g1', colour: 'red'})")
    driver.execute("CREATE (:DriftPerson {email: 'a@b'})")
    driver.schema.create_index(COLOUR)
    driver.schema.create_index(EXTRA)
    return SchemaManager(driver, models=[gadget_model])


def live(manager) -> set[IndexSpec]:
    return set(manager.driver.schema.list_indexes())


def statuses(widget) -> list[tuple[str, str]]:
    return [(status, spec.describe()) for status, spec in widget.result.rows()]


def test_rows_show_ok_missing_and_extra(drifted):
    widget = SchemaDriftWidget(drifted)
    assert statuses(widget) == [
        ("ok", "DriftGadget.colour exact"),
        ("missing", "DriftGadget.serial exact unique"),
        ("extra", "DriftPerson.email exact"),
    ]
    assert not widget.apply_button.disabled and not widget.drop_button.disabled
    html = widget._table.value
    assert html.count('class="runic-sd-row') == 3
    assert "runic-sd-missing" in html and "runic-sd-extra" in html and "runic-sd-ok" in html


def test_apply_missing_button_creates_the_declared_indexes(drifted):
    widget = SchemaDriftWidget(drifted)
    assert SERIAL not in live(drifted)
    widget.apply_button.click()
    assert SERIAL in live(drifted)
    assert widget.outcome.startswith("created 1 index(es)")
    assert "DriftGadget.serial exact unique" in widget.outcome
    assert widget.result.missing == []
    assert widget.apply_button.disabled
    assert widget.progress.layout.display == "none" and widget.progress.bar_style == "success"
    assert EXTRA in live(drifted), "apply must not drop anything"


def test_drop_extra_asks_first_and_cancel_changes_nothing(drifted):
    widget = SchemaDriftWidget(drifted)
    widget.drop_button.click()
    assert widget._confirm_box.layout.display == "flex"
    assert "DriftPerson.email" in widget._confirm_text.value
    assert widget.apply_button.disabled and widget.drop_button.disabled
    assert EXTRA in live(drifted)
    widget.cancel_button.click()
    assert widget._confirm_box.layout.display == "none"
    assert EXTRA in live(drifted)
    assert widget.outcome == "drop cancelled; nothing changed"


def test_confirmed_drop_removes_only_the_extra_indexes(drifted):
    widget = SchemaDriftWidget(drifted)
    widget.drop_button.click()
    widget.confirm_button.click()
    now = live(drifted)
    assert EXTRA not in now
    assert COLOUR in now
    assert widget.result.extra == []
    assert widget.outcome.startswith("dropped 1 index(es)")


def test_export_writes_json_and_offers_a_download(drifted, tmp_path):
    widget = SchemaDriftWidget(drifted, export_dir=tmp_path)
    widget.export_button.click()
    path = widget.exported_path
    assert path is not None and path.parent == tmp_path and path.suffix == ".json"
    data = json.loads(path.read_text())
    assert data == drifted.export()
    assert [s["field"] for s in data["missing"]] == ["serial"]
    assert (
        'download="' in widget._link.value and "data:application/json;base64," in widget._link.value
    )
    assert str(path) in widget.outcome


def test_refresh_sees_changes_made_elsewhere(drifted):
    widget = SchemaDriftWidget(drifted)
    drifted.driver.schema.drop_index(EXTRA)
    assert EXTRA in widget.result.extra
    widget.refresh_button.click()
    assert widget.result.extra == []
    assert widget.outcome.startswith("refreshed: schema not valid: 1 missing, 0 extra")


def test_static_fallback_is_the_table_without_buttons(drifted, backend):
    widget = SchemaDriftWidget(drifted)
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    html = data["text/html"]
    assert html.count('class="runic-sd-row') == 3
    assert "<button" not in html
    assert f"{backend}: schema not valid: 1 missing, 1 extra" in html
    assert (
        data["text/plain"] == f"<SchemaDriftWidget {backend}: schema not valid: 1 missing, 1 extra>"
    )


def second_driver(request, backend, driver):
    """Another driver on the graph of ``driver``, for the test to close under the widget."""
    if backend == "falkordb":
        from runic.ogm.driver.falkordb import create_falkordb_driver

        server = request.getfixturevalue("embedded_falkordb")
        return create_falkordb_driver(graph=driver.graph_name, embedded=server)
    if backend == "arcadedb":
        from runic.ogm.driver.arcadedb import create_arcadedb_driver

        server = request.getfixturevalue("arcadedb_server")
        return create_arcadedb_driver(
            server.host,
            server.bolt_port,
            request.getfixturevalue("arcadedb_database"),
            server.username,
            server.password,
            http_port=server.http_port,
        )
    if backend == "age":
        from runic.ogm.driver.age import create_age_driver

        server = request.getfixturevalue("age_server")
        return create_age_driver(**server.connect_kwargs(), graph=driver.graph_name)
    raise AssertionError(f"no second driver for backend {backend!r}")


def test_a_failing_action_shows_the_error_and_keeps_the_widget_usable(
    request, backend, drifted, gadget_model
):
    other = second_driver(request, backend, drifted.driver)
    manager = SchemaManager(other, models=[gadget_model])
    widget = SchemaDriftWidget(manager)
    other.close()
    widget.apply_button.click()
    assert "failed" in widget.outcome or "could not" in widget.outcome
    assert "runic-sd-error" in widget._outcome.value
    assert not widget.refresh_button.disabled


def test_fulltext_and_vector_rows_follow_what_the_backend_holds(driver, backend):
    from _schema_backends import SPEC_OF_KIND, supports

    declared = [SPEC_OF_KIND["fulltext"], SPEC_OF_KIND["vector"]]
    widget = SchemaDriftWidget(SchemaManager(driver, models=declared))
    expected = ["missing" if supports(backend, s) else "unsupported" for s in declared]
    assert [status for status, _ in widget.result.rows()] == sorted(
        expected, key=lambda status: status != "missing"
    )
    if "unsupported" in expected:
        assert "runic-sd-unsupported" in widget._table.value
    if "missing" not in expected:
        assert widget.apply_button.disabled
        assert live(widget.manager) == set()
        return
    widget.apply_button.click()
    assert widget.outcome.startswith("created")
    held = {s for s in declared if supports(backend, s)}
    assert held == {s for s in declared if any(s.matches(found) for found in live(widget.manager))}
    assert widget.result.missing == [] and widget.result.extra == []
