"""Every ``driver.schema`` class declares the whole SchemaOps protocol, capabilities included."""

from __future__ import annotations

import inspect

import pytest

from runic.ogm.driver._bolt_schema import AsyncBoltSchema, BoltSchema
from runic.ogm.driver.age import AGESchema, AsyncAGESchema
from runic.ogm.driver.base import SchemaOps
from runic.ogm.driver.falkordb import AsyncFalkorDBSchema, FalkorDBSchema
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = pytest.mark.unit

MEMBERS = [name for name in vars(SchemaOps) if not name.startswith("_")]
SYNC = [FalkorDBSchema, BoltSchema, AGESchema]
ASYNC = [AsyncFalkorDBSchema, AsyncBoltSchema, AsyncAGESchema]
IO_MEMBERS = {"labels", "relationship_types", "property_keys", "list_indexes", "create_index", "drop_index", "inspect_indexes", "ensure_entity_types"}


def test_schema_protocol_declares_the_capabilities():
    assert {"supports", "unsupported_reason", "can_list", "inspect_indexes", "ensure_entity_types"} <= set(MEMBERS)


@pytest.mark.parametrize("cls", SYNC + ASYNC, ids=lambda c: c.__name__)
def test_every_schema_class_has_every_protocol_member(cls):
    missing = [name for name in MEMBERS if not callable(getattr(cls, name, None))]
    assert missing == []


@pytest.mark.parametrize("cls", ASYNC, ids=lambda c: c.__name__)
def test_async_schema_classes_run_their_flows_as_coroutines(cls):
    assert inspect.iscoroutinefunction(cls._run)


@pytest.mark.parametrize(("sync", "async_"), list(zip(SYNC, ASYNC, strict=True)), ids=lambda c: c.__name__)
def test_sync_and_async_schema_members_are_written_once(sync, async_):
    shared = [name for name in IO_MEMBERS - {"inspect_indexes", "ensure_entity_types"} if getattr(sync, name) is getattr(async_, name)]
    assert sorted(shared) == sorted(IO_MEMBERS - {"inspect_indexes", "ensure_entity_types"})


def test_age_schema_declares_that_it_holds_exact_indexes_only():
    schema = AGESchema.__new__(AGESchema)
    from runic.ogm.driver._age_schema import AGESchemaSteps

    class Core:
        graph_name = "g"

    schema._steps = AGESchemaSteps(Core())
    assert schema.supports(IndexSpec("P", "name")) is True
    assert schema.supports(IndexSpec("P", "bio", "fulltext")) is False
    assert "fulltext" in schema.unsupported_reason(IndexSpec("P", "bio", "fulltext"))
