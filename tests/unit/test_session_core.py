"""The session core plans flushes without I/O: order, batching, changed properties only,
checks before anything is sent, one object per identity."""

from __future__ import annotations

import gc

import pytest

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import EntityState
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.driver.result import GraphResult, NodeRecord
from runic.ogm.exceptions import DetachedEntityError, EntityNotFoundError, FieldValidationError
from runic.ogm.session._core import SessionCore
from runic.ogm.session._flush import STEPS

pytestmark = [pytest.mark.unit]


class CoreCity(Node):
    name: str = Field(default=None)


class CorePerson(Node):
    name: str = Field(default=None)
    age: int = Field(default=0)
    friends: list[CorePerson] = Relation("CORE_FRIEND", target="CorePerson")
    homes: list[CoreCity] = Relation("CORE_LIVES_IN", target="CoreCity")


class CoreEmployee(CorePerson):
    company: str = Field(default=None)


class CoreKnows(Edge):
    since: int = Field(default=None)


class _Owner:
    """Stands for the session that owns the core."""


def make_core(batch_size: int = 500) -> SessionCore:
    return SessionCore(_Owner(), FalkorDBDialect(), batch_size=batch_size)


def row_index(row) -> int:
    """A create row's index: the last item of a list row (FalkorDB), ``i`` of a map row."""
    return row[-1] if isinstance(row, list) else row["i"]


def created(statement, start_id: int = 0) -> GraphResult:
    rows = statement.params["rows"]
    return GraphResult(["i", "id"], [[row_index(row), start_id + n] for n, row in enumerate(rows)])


def echo_keys(statement) -> GraphResult:
    return GraphResult(["k"], [[row["k"]] for row in statement.params["rows"]])


def echo_index(statement) -> GraphResult:
    return GraphResult(["i"], [[row["i"]] for row in statement.params["rows"]])


def run(plan, answer=None) -> None:
    """Feed each statement a result as the database would answer it."""
    next_id = 0
    for statement in plan.statements:
        if " AS i, id(" in statement.cypher:  # a create: list rows end with their index
            result = created(statement, next_id)
            next_id += len(result.rows)
        elif "RETURN row.k" in statement.cypher:
            result = echo_keys(statement)
        elif "RETURN row.i" in statement.cypher or "RETURN DISTINCT row.i" in statement.cypher:
            result = echo_index(statement)
        else:
            result = GraphResult()
        statement.finish(result)


def persisted(core: SessionCore, *entities):
    for e in entities:
        core.add(e)
    run(core.plan_flush())
    return entities


def test_flush_writes_nodes_before_edges_and_deletes_last():
    core = make_core()
    old, gone = persisted(core, CorePerson(name="Old"), CorePerson(name="Gone"))
    old.name = "Renamed"
    core.delete(gone)
    a, b = CorePerson(name="A"), CorePerson(name="B")
    a.friends = [b]
    knows = CoreKnows(source=a, target=b, since=2020)
    core.add(knows)
    plan = core.plan_flush()
    steps = [s.step for s in plan.statements]
    assert steps == ["node creates", "node updates", "edge creates", "edge creates", "node deletes"]
    assert steps == sorted(steps, key=STEPS.index)
    assert "CREATE (n:CorePerson " in plan.statements[0].cypher
    assert "DETACH DELETE n" in plan.statements[-1].cypher


def test_pending_edge_adds_its_transient_endpoints():
    core = make_core()
    a, b = CorePerson(name="A"), CorePerson(name="B")
    core.add(CoreKnows(source=a, target=b))
    assert {id(e) for e in core.new} >= {id(a), id(b)}


def test_node_creates_are_grouped_by_label_set_and_keys():
    core = make_core()
    core.add(CorePerson(name="A", age=1))
    core.add(CorePerson(name="B", age=2))
    core.add(CorePerson(name=None, age=3))
    core.add(CoreEmployee(name="E", company="X"))
    creates = [s for s in core.plan_flush().statements if s.step == "node creates"]
    assert len(creates) == 3
    by_rows = sorted(s.rows for s in creates)
    assert by_rows == [1, 1, 2]
    employee = next(s for s in creates if "CoreEmployee" in s.cypher)
    assert ":CorePerson:CoreEmployee " in employee.cypher
    no_name = next(s for s in creates if s.rows == 1 and "CoreEmployee" not in s.cypher)
    assert " name:" not in no_name.cypher and "age:" in no_name.cypher


def test_creates_are_batched_by_batch_size():
    core = make_core(batch_size=100)
    for i in range(250):
        core.add(CorePerson(name=f"p{i}", age=i))
    creates = core.plan_flush().statements
    assert [s.rows for s in creates] == [100, 100, 50]
    assert all(s.cypher.startswith("UNWIND $rows AS row CREATE") for s in creates)
    assert len(creates[0].params["rows"]) == 100


def test_update_sets_only_changed_properties():
    core = make_core()
    (p,) = persisted(core, CorePerson(name="Ada", age=36))
    assert core.plan_flush().statements == []
    p.age = 37
    (update,) = core.plan_flush().statements
    assert update.step == "node updates"
    assert "SET n.`age` = row.p0" in update.cypher
    assert "`name`" not in update.cypher
    assert update.params["rows"] == [{"k": p.id, "p0": 37}]


def test_restoring_the_old_value_writes_nothing():
    core = make_core()
    (p,) = persisted(core, CorePerson(name="Ada", age=36))
    p.age = 40
    p.age = 36
    assert core.plan_flush().statements == []


def test_setting_none_removes_the_property():
    core = make_core()
    (p,) = persisted(core, CorePerson(name="Ada", age=36))
    p.name = None
    (update,) = core.plan_flush().statements
    assert "n.`name` = NULL" in update.cypher


def test_update_of_a_vanished_node_names_its_key():
    core = make_core()
    (p,) = persisted(core, CorePerson(name="Ada"))
    p.name = "Other"
    (update,) = core.plan_flush().statements
    with pytest.raises(EntityNotFoundError) as err:
        update.finish(GraphResult(["k"], []))
    assert err.value.key == [p.id]
    assert p.id in str(err.value)


def test_flush_marks_created_entities_persistent_with_ids():
    core = make_core()
    p = CorePerson(name="Ada")
    core.add(p)
    assert p._runic_state.state is EntityState.PENDING
    run(core.plan_flush())
    state = p._runic_state
    assert state.state is EntityState.PERSISTENT
    assert state.element_id == 0
    assert state.committed["name"] == "Ada"
    assert core.new == []


def test_checks_run_before_any_statement_exists():
    core = make_core()
    core.add(CorePerson(name="ok"))
    bad = CoreKnows(source=CorePerson(name="x"))  # no target
    core.add(bad)
    with pytest.raises(FieldValidationError) as err:
        core.plan_flush()
    assert err.value.field == "target"
    assert err.value.rule == "required"


def test_transient_relation_target_without_cascade_is_refused():
    core = make_core()
    a = CorePerson(name="A")
    a.friends = [CorePerson(name="stranger")]
    core.add(a)
    with pytest.raises(DetachedEntityError) as err:
        core.plan_flush()
    assert "CorePerson.friends" in str(err.value)


def test_relation_diff_merges_new_targets_and_deletes_removed_ones():
    core = make_core()
    a, b, c = persisted(core, CorePerson(name="A"), CorePerson(name="B"), CorePerson(name="C"))
    a.friends.append(b)
    plan = core.plan_flush()
    (merge,) = plan.statements
    assert "MERGE" in merge.cypher or "CREATE (a)-" in merge.cypher
    run(plan)
    assert a._runic_state.committed_relations["friends"] == (b.id,)
    a.friends = [c]
    plan = core.plan_flush()
    assert [s.step for s in plan.statements] == ["edge creates", "edge deletes"]
    assert plan.statements[0].params["rows"][0]["t"] == c.id
    assert plan.statements[1].params["rows"][0]["t"] == b.id
    assert "DELETE r" in plan.statements[1].cypher


def test_identity_map_holds_one_object_per_key():
    core = make_core()
    record = NodeRecord(7, ("CorePerson",), {"id": "k1", "name": "Ada", "age": 3})
    first = core.hydrate(record)
    second = core.hydrate(NodeRecord(7, ("CorePerson",), {"id": "k1", "name": "Changed", "age": 3}))
    assert first is second
    assert first.name == "Ada"  # query results never overwrite a mapped entity


def test_expired_entity_is_refreshed_by_the_next_result():
    core = make_core()
    p = core.hydrate(NodeRecord(7, ("CorePerson",), {"id": "k1", "name": "Ada", "age": 3}))
    core.expire(p)
    core.hydrate(NodeRecord(7, ("CorePerson",), {"id": "k1", "name": "New", "age": 3}))
    assert p.name == "New"
    assert not p._runic_state.expired


def test_hydration_picks_the_most_specific_class():
    core = make_core()
    e = core.hydrate(NodeRecord(1, ("CorePerson", "CoreEmployee"), {"id": "e", "company": "X"}))
    assert type(e) is CoreEmployee
    assert e.company == "X"


def test_undeclared_properties_go_to_extra_properties():
    core = make_core()
    p = core.hydrate(NodeRecord(1, ("CorePerson",), {"id": "x", "name": "A", "legacy": 1}))
    assert p._runic_state.extra_properties == {"legacy": 1}


def test_unmodified_persistent_entities_are_held_weakly():
    core = make_core()
    core.hydrate(NodeRecord(1, ("CorePerson",), {"id": "w", "name": "A"}))
    gc.collect()
    assert len(core.identity) == 0


def test_pending_and_deleted_entities_are_held_strongly():
    core = make_core()
    core.add(CorePerson(name="kept"))
    gc.collect()
    assert len(core.new) == 1
    assert len(core.identity) == 1


def test_delete_of_pending_entity_sends_nothing():
    core = make_core()
    p = CorePerson(name="A")
    core.add(p)
    core.delete(p)
    assert p._runic_state.state is EntityState.TRANSIENT
    assert core.plan_flush().statements == []


def test_delete_of_transient_entity_raises():
    core = make_core()
    with pytest.raises(DetachedEntityError):
        core.delete(CorePerson(name="never added"))


def test_rollback_returns_pending_to_transient_and_deleted_to_persistent():
    core = make_core()
    (old,) = persisted(core, CorePerson(name="Old"))
    new = CorePerson(name="New")
    core.add(new)
    core.delete(old)
    core.after_rollback(undone=False)
    assert new._runic_state.state is EntityState.TRANSIENT
    assert old._runic_state.state is EntityState.PERSISTENT
    assert old._runic_state.expired


def test_rollback_drops_unflushed_edits():
    core = make_core()
    (p,) = persisted(core, CorePerson(name="Ada"))
    p.name = "Edited"
    core.after_rollback(undone=False)
    assert p.name == "Ada"
    assert core.plan_flush().statements == []


def test_add_of_detached_entity_whose_key_is_taken_suggests_merge():
    core = make_core()
    p = core.hydrate(NodeRecord(1, ("CorePerson",), {"id": "same", "name": "A"}))
    other_core = make_core()
    twin = other_core.hydrate(NodeRecord(1, ("CorePerson",), {"id": "same", "name": "A"}))
    other_core.expunge(twin)
    with pytest.raises(DetachedEntityError) as err:
        core.add(twin)
    assert "merge" in str(err.value)
    assert p is core.lookup(CorePerson, "same")


def test_preview_lists_cypher_and_params_without_io():
    core = make_core()
    core.add(CorePerson(name="Ada"))
    ((cypher, params),) = core.plan_flush().preview()
    assert cypher.startswith("UNWIND $rows AS row CREATE")
    assert "Ada" in params["rows"][0]  # FalkorDB: a list row [p0, …, i]


class CoreTagged(Node):
    tags: list = Field(default=None)


class CoreGenerated(Node):
    id: str = Field(primary_key=True, generated=True)
    name: str = Field(default=None)


def test_add_all_refuses_a_second_new_object_with_the_same_key():
    core = make_core()
    first, second = CorePerson(name="Ada"), CorePerson(name="Bob")
    second.id = first.id
    with pytest.raises(DetachedEntityError, match="already holds"):
        core.add_all([first, second])
    assert second._runic_state.state is EntityState.TRANSIENT
    assert core.new == [first]


def test_add_all_stages_like_add_one_by_one():
    core = make_core()
    people = [CorePerson(name=f"P{i}") for i in range(5)]
    added = core.add_all(people)
    assert added == people and core.new == people
    assert all(p._runic_state.state is EntityState.PENDING for p in people)
    assert all(core.lookup(CorePerson, p.id) is p for p in people)


def test_flush_in_several_batches_makes_every_new_node_persistent_with_its_own_id():
    core = make_core(batch_size=2)
    people = [CorePerson(name=f"P{i}") for i in range(5)]
    core.add_all(people)
    plan = core.plan_flush()
    assert len(plan.statements) == 3
    run(plan)
    assert [p._runic_state.element_id for p in people] == [0, 1, 2, 3, 4]
    assert all(p._runic_state.state is EntityState.PERSISTENT for p in people)
    assert core.new == [] and core.dirty() == []


def test_a_created_entity_with_a_list_value_is_dirty_after_an_in_place_edit():
    core = make_core()
    tagged = CoreTagged(tags=["a"])
    core.add(tagged)
    run(core.plan_flush())
    assert core.dirty() == []
    tagged.tags.append("b")  # no assignment: only the snapshot copy can tell
    assert core.dirty() == [tagged]


def test_a_database_generated_key_is_shown_on_the_entity_and_keys_the_identity_map():
    core = make_core()
    node = CoreGenerated(name="n")
    core.add_all([node])
    assert node.id is None and core.lookup(CoreGenerated, 0) is None
    run(core.plan_flush())
    assert node.id == 0 and core.lookup(CoreGenerated, 0) is node
