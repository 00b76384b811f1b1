"""IndexManager and SchemaManager take a migration adapter as well as a driver or a raw graph handle."""

from __future__ import annotations

import pytest

from runic.migrate import IndexManager, SchemaManager, create_adapter
from runic.ogm import Node
from runic.ogm.core.descriptors import Field
from runic.ogm.schema.index_manager import IndexSpec


class StShelf(Node):
    __label__ = "StShelf"
    code: str = Field(primary_key=True)
    room: str = Field(default=None, index=True)


def test_index_manager_over_an_adapter(driver):
    adapter = create_adapter(driver)
    manager = IndexManager(adapter)
    assert manager.driver is driver
    spec = IndexSpec("StShelf", "room")
    assert manager.apply([spec]) == [spec]
    assert manager.apply([spec]) == []
    assert manager.diff([spec]) == []


def test_schema_manager_over_an_adapter_validates_and_syncs(driver):
    adapter = create_adapter(driver)
    manager = SchemaManager(adapter, [StShelf], scope="models")
    assert {(s.field, s.unique) for s in manager.validate().missing} == {("code", True), ("room", False)}
    manager.sync()
    assert manager.validate().is_valid


@pytest.mark.integration
@pytest.mark.falkordb
def test_index_manager_over_a_raw_falkordb_graph_handle(falkordb_driver):
    manager = IndexManager(falkordb_driver.graph)
    spec = IndexSpec("StShelf", "room")
    assert manager.apply([spec]) == [spec]
    assert spec in IndexManager(create_adapter(falkordb_driver)).live()
