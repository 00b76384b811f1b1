"""Bulk hydration gives exactly what the general path gives: same values, snapshot, key,
state and identity; custom mappers keep control; weak tables forget dead entities."""

from __future__ import annotations

import gc

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.core.state import STATE_ATTR, EntityState
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.driver.result import NodeRecord
from runic.ogm.mapper import Mapper
from runic.ogm.session._core import SessionCore
from runic.ogm.session._identity import IdentityMap, WeakIndex

pytestmark = [pytest.mark.unit]


class FastPerson(Node):
    code: str = Field(primary_key=True)
    name: str = Field(default=None)
    age: int = Field(default=0)
    tags: list[str] = Field(default=None)


class FastCounter(Node):
    n: int = Field(default=0)


class _Owner:
    """Stands for the session that owns the core."""


def make_core(mapper: Mapper | None = None) -> SessionCore:
    return SessionCore(_Owner(), FalkorDBDialect(), mapper)


def _state_fields(entity):
    state = entity.__dict__[STATE_ATTR]
    return (
        state.state,
        state.key,
        state.element_id,
        state.committed,
        state.committed_relations,
        state.expired,
        state.loaded_relations,
        state.extra_properties,
        state.entity_ref() is entity,
    )


def general_path(record: NodeRecord, model: type):
    mapper = Mapper()
    entity = mapper.new_instance(model, record.id)
    mapper.populate(entity, record.properties)
    return entity


@pytest.mark.parametrize(
    "properties",
    [
        {"code": "a", "name": "Ann", "age": 3, "tags": None},
        {"code": "a", "name": "Ann", "age": 3, "tags": ["x", "y"]},
        {"code": "a", "age": 3},
        {"age": 3, "code": "a", "name": "Ann", "tags": None},
        {"code": "a", "name": "Ann", "age": 3, "tags": None, "legacy": 1},
    ],
    ids=["exact", "list-value", "missing", "reordered", "extra"],
)
def test_build_persistent_matches_new_instance_then_populate(properties):
    mapper = Mapper()
    record = NodeRecord(7, ("FastPerson",), properties)
    fast = mapper.build_persistent(FastPerson, mapper.plan(FastPerson), record.id, dict(properties))
    slow = general_path(record, FastPerson)
    assert list(fast.__dict__.items())[1:] == list(slow.__dict__.items())[1:]
    assert list(fast.__dict__) == list(slow.__dict__)
    assert _state_fields(fast)[:-1] == _state_fields(slow)[:-1]
    assert _state_fields(fast)[-1] is True
    assert fast._runic_state.state is EntityState.PERSISTENT


def test_snapshot_of_a_hydrated_list_is_not_the_entity_list():
    core = make_core()
    p = core.hydrate(
        NodeRecord(1, ("FastPerson",), {"code": "a", "name": "A", "age": 1, "tags": ["x"]}),
        FastPerson,
    )
    p.tags.append("y")
    assert p._runic_state.committed["tags"] == ["x"]
    assert core.is_modified(p)


def test_hydrate_returns_the_mapped_entity_for_a_repeated_key():
    core = make_core()
    first = core.hydrate(
        NodeRecord(1, ("FastPerson",), {"code": "a", "name": "A", "age": 1, "tags": None}),
        FastPerson,
    )
    again = core.hydrate(
        NodeRecord(1, ("FastPerson",), {"code": "a", "name": "B", "age": 2, "tags": None}),
        FastPerson,
    )
    assert again is first
    assert again.name == "A"
    assert first._runic_state.session is core.owner
    assert first._runic_state.key == "a"


def test_hydrate_of_a_node_without_declared_key_matches_the_general_path():
    fast_core, slow_core = make_core(), make_core()
    record = NodeRecord(42, ("FastCounter",), {"id": "c1", "n": 5})
    fast = fast_core.hydrate(record)
    slow = slow_core._hydrate(record, None, edge=False)
    assert _state_fields(fast)[:-1] == _state_fields(slow)[:-1]
    assert fast_core.lookup(FastCounter, "c1") is fast
    assert fast.n == 5


def test_hydrate_accepts_labels_given_as_a_list():
    core = make_core()
    c = core.hydrate(NodeRecord(43, ["FastCounter"], {"n": 1}))  # type: ignore[arg-type]
    assert isinstance(c, FastCounter) and c.n == 1


def test_a_custom_mapper_populate_is_still_called():
    seen = []

    class CountingMapper(Mapper):
        def populate(self, entity, properties):
            seen.append(dict(properties))
            super().populate(entity, properties)

    core = make_core(CountingMapper())
    c = core.hydrate(NodeRecord(44, ("FastCounter",), {"n": 9}))
    assert seen == [{"n": 9}]
    assert c.n == 9


def test_identity_map_forgets_dead_entities_and_sweeps_them_out():
    identity = IdentityMap()
    kept = [FastCounter(n=i) for i in range(10)]
    for i in range(3000):
        identity.add(("k", i), FastCounter(n=i))
    for i, entity in enumerate(kept):
        identity.add(("kept", i), entity)
    gc.collect()
    assert len(identity) == 10
    assert identity.get(("k", 5)) is None
    assert identity.entities() == kept
    assert len(identity._refs) < 3000  # swept while growing


def test_identity_map_remove_only_drops_the_given_entity():
    identity = IdentityMap()
    a, b = FastCounter(n=1), FastCounter(n=2)
    identity.add("k", a)
    identity.remove("k", b)
    assert identity.get("k") is a
    identity.remove("k", a)
    assert "k" not in identity


def test_weak_index_reads_like_a_weak_value_dictionary():
    index = WeakIndex()
    a = FastCounter(n=1)
    index[1] = a
    index[2] = FastCounter(n=2)
    gc.collect()
    assert index.get(1) is a and index[1] is a
    assert index.get(2) is None and 2 not in index
    with pytest.raises(KeyError):
        index[2]
    assert len(index) == 1
    index.clear()
    assert index.get(1) is None
