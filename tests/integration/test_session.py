"""Session on every backend: CRUD, identity map, dirty tracking, flush order,
rollback, lazy loading, save()/delete(), relations, polymorphism, get/get_one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from _session_models import (
    Mood,
    SxAllTypes,
    SxCity,
    SxEmployee,
    SxKnows,
    SxPerson,
    SxReserved,
    SxReservedLink,
)

from runic.ogm.core.state import EntityState
from runic.ogm.core.types import GeoLocation, Vector
from runic.ogm.exceptions import (
    DetachedEntityError,
    EntityNotFoundError,
    LazyLoadError,
    ReadOnlyError,
    SessionError,
)
from runic.ogm.session import Session

pytestmark = [pytest.mark.integration]


class Recording:
    """Forwards to a real driver and remembers the Cypher it was sent."""

    def __init__(self, driver):
        self._driver = driver
        self.sent: list[str] = []

    def __getattr__(self, name):
        return getattr(self._driver, name)

    def execute(self, query, params=None, **kwargs):
        self.sent.append(query)
        return self._driver.execute(query, params, **kwargs)

    def execute_pipelined(self, statements, on_result):
        statements = list(statements)
        self.sent.extend(query for query, _ in statements)
        return self._driver.execute_pipelined(statements, on_result)


def count(driver, pattern="(n)") -> int:
    return driver.execute(f"MATCH {pattern} RETURN count(*)").value()


def test_crud_round_trip_of_every_field_type(driver):
    when = datetime(2024, 5, 17, 8, 30, 15, tzinfo=UTC)
    original = SxAllTypes(
        text="héllo 'quoted' `tick`",
        count=42,
        ratio=0.25,
        flag=True,
        when=when,
        mood=Mood.GRUMPY,
        embedding=Vector([0.5, -1.0, 2.0]),
        place=GeoLocation(latitude=52.52, longitude=13.405),
        tags=["a", "b"],
    )
    with Session(driver) as session:
        session.add(original)
    with Session(driver) as session:
        loaded = session.get_one(SxAllTypes, original.id)
        assert loaded is not original
        assert loaded.text == original.text
        assert loaded.count == 42 and isinstance(loaded.count, int)
        assert loaded.ratio == 0.25
        assert loaded.flag is True
        assert loaded.when == when
        assert loaded.mood is Mood.GRUMPY
        assert list(loaded.embedding) == pytest.approx([0.5, -1.0, 2.0])
        assert (loaded.place.latitude, loaded.place.longitude) == pytest.approx((52.52, 13.405))
        assert loaded.tags == ["a", "b"]
        loaded.count = 43
        loaded.tags = ["c"]
    with Session(driver) as session:
        again = session.get_one(SxAllTypes, original.id)
        assert (again.count, again.tags) == (43, ["c"])
        session.delete(again)
    assert count(driver) == 0


def test_identity_map_gives_one_object_per_entity(driver):
    with Session(driver) as session:
        ada = SxPerson(name="Ada")
        session.add(ada)
        session.flush()
        assert session.get(SxPerson, ada.id) is ada
    with Session(driver) as session:
        first = session.get(SxPerson, ada.id)
        second = session.get(SxPerson, ada.id)
        by_query = session.query(SxPerson).where(SxPerson.name == "Ada").one()
        assert first is second is by_query


def test_dirty_tracking_writes_only_changed_properties(driver):
    with Session(driver) as session:
        ada = SxPerson(name="Ada", age=36)
        session.add(ada)
    recording = Recording(driver)
    with Session(recording) as session:
        loaded = session.get(SxPerson, ada.id)
        driver.execute("MATCH (n:SxPerson) SET n.name = 'changed elsewhere'")
        loaded.age = 37
        session.flush()
        updates = [q for q in recording.sent if " SET " in q]
        assert len(updates) == 1 and "`age`" in updates[0] and "`name`" not in updates[0]
        recording.sent.clear()
        loaded.age = 37
        session.flush()
        assert recording.sent == []
    row = driver.execute("MATCH (n:SxPerson) RETURN n.name, n.age").rows[0]
    assert row == ["changed elsewhere", 37]


def test_flush_order_nodes_before_edges_deletes_last(driver):
    with Session(driver) as session:
        old = SxPerson(name="Old")
        session.add(old)
    recording = Recording(driver)
    with Session(recording) as session:
        doomed = session.get(SxPerson, old.id)
        a, b = SxPerson(name="A"), SxPerson(name="B")
        a.friends = [b]
        session.add(SxKnows(source=a, target=b, since=1999))
        session.delete(doomed)
        session.flush()
    kinds = []
    for q in recording.sent:
        if "CREATE (n" in q:
            kinds.append("node")
        elif "-[" in q and ("MERGE" in q or "CREATE (a)" in q):
            kinds.append("edge")
        elif "DETACH DELETE" in q:
            kinds.append("delete")
    assert kinds.index("delete") == len(kinds) - 1
    assert max(i for i, k in enumerate(kinds) if k == "node") < min(i for i, k in enumerate(kinds) if k == "edge")
    assert count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
    assert driver.execute("MATCH ()-[r:SXKNOWS]->() RETURN r.since").value() == 1999
    assert count(driver, "(n:SxPerson)") == 2


def test_rollback_discards_uncommitted_writes_where_the_backend_has_transactions(driver):
    with Session(driver) as session:
        kept = SxPerson(name="kept")
        session.add(kept)
    session = Session(driver)
    flushed = SxPerson(name="flushed")
    session.add(flushed)
    session.flush()
    loaded_kept = session.get(SxPerson, kept.id)
    loaded_kept.name = "edited"
    session.flush()
    staged = SxPerson(name="staged")
    session.add(staged)
    session.delete(loaded_kept)
    session.rollback()
    assert staged._runic_state.state is EntityState.TRANSIENT
    assert loaded_kept._runic_state.state is EntityState.PERSISTENT
    assert loaded_kept._runic_state.expired
    assert loaded_kept.name == ("kept" if driver.dialect.transactional else "edited")
    undone = EntityState.TRANSIENT if driver.dialect.transactional else EntityState.PERSISTENT
    assert flushed._runic_state.state is undone
    session.close()
    with Session(driver) as fresh:
        names = sorted(p.name for p in fresh.query(SxPerson).all())
    if driver.dialect.transactional:
        assert names == ["kept"]  # the flushed create and the flushed edit were undone
    else:
        # FalkorDB has no transactions: what flush() sent stays, only staged work is dropped
        assert names == ["edited", "flushed"]


def test_rollback_then_flush_sends_nothing_more(driver):
    session = Session(driver)
    flushed = SxPerson(name="flushed")
    session.add(flushed)
    session.flush()
    flushed.name = "edited"
    session.rollback()
    session.flush()
    session.commit()
    session.close()
    expected = 0 if driver.dialect.transactional else 1
    assert count(driver, "(n:SxPerson)") == expected
    if expected:
        assert driver.execute("MATCH (n:SxPerson) RETURN n.name").value() == "flushed"


def test_lazy_load_then_lazy_load_error_after_close(driver):
    with Session(driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        a.friends = [b]
        session.add(a)
        session.add(b)
    session = Session(driver)
    loaded = session.get(SxPerson, a.id)
    assert "friends" not in loaded.__dict__
    assert [f.name for f in loaded.friends] == ["B"]
    assert session.get(SxPerson, a.id) is loaded
    unloaded = session.get(SxPerson, b.id)
    session.close()
    with pytest.raises(LazyLoadError) as err:
        _ = unloaded.friends
    assert err.value.relation == "friends"
    with pytest.raises(SessionError):
        session.get(SxPerson, a.id)


def test_node_save_and_delete_inside_with_session_and_detached_outside(driver):
    ada = SxPerson(name="Ada")
    with pytest.raises(DetachedEntityError):
        ada.save()
    with Session(driver):
        ada.save()
        assert count(driver, "(n:SxPerson)") == 1
        ada.delete()
        assert count(driver, "(n:SxPerson)") == 0
    with pytest.raises(DetachedEntityError):
        SxPerson(name="never").delete()


def test_relate_and_unrelate(driver):
    with Session(driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        session.add_all([a, b])
        session.relate(a, "friends", b)
        session.relate(a, SxPerson.friends, b)  # idempotent MERGE
        assert count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
        assert [f.name for f in a.friends] == ["B"]
        session.unrelate(a, "friends", b)
        assert count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 0
        assert a.friends == []
        with pytest.raises(TypeError, match="frends|friends"):
            session.relate(a, "frends", b)


def test_relation_list_add_and_remove_at_flush(driver):
    with Session(driver) as session:
        a, b, c = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="C")
        session.add_all([a, b, c])
    with Session(driver) as session:
        a2 = session.get(SxPerson, a.id)
        a2.friends.append(session.get(SxPerson, b.id))
        session.flush()
        assert count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
        a2.friends = [session.get(SxPerson, c.id)]
        session.flush()
        names = driver.execute("MATCH (:SxPerson)-[:SX_FRIEND]->(t) RETURN t.name").values()
        assert names == ["C"]


def test_polymorphic_hydration(driver):
    with Session(driver) as session:
        session.add_all([SxPerson(name="P"), SxEmployee(name="E", company="Acme")])
    with Session(driver) as session:
        people = session.query(SxPerson).order_by(SxPerson.name).all()
        assert [type(p) for p in people] == [SxEmployee, SxPerson]
        assert people[0].company == "Acme"
        assert session.query(SxEmployee).count() == 1


def test_get_of_missing_returns_none_and_get_one_raises(driver):
    with Session(driver) as session:
        assert session.get(SxPerson, "no-such-key") is None
        with pytest.raises(EntityNotFoundError) as err:
            session.get_one(SxPerson, "no-such-key")
        assert err.value.key == "no-such-key"
        assert "get(" in str(err.value)
        city = SxCity(name="Berlin")
        session.add(city)
        session.flush()
        session.delete(city)
        assert session.get(SxCity, city.id) is None


def test_bulk_save_merges_rows_on_the_key(driver):
    rows = [{"name": f"p{i}", "age": i} for i in range(25)]
    progress = []
    with Session(driver) as session:
        written = session.bulk_save(SxPerson, rows, key="name", batch_size=10, progress=lambda done, total: progress.append(done))
        assert written == 25 and progress == [10, 20, 25]
        session.bulk_save(SxPerson, [{"name": "p3", "age": 99}], key="name")
    assert count(driver, "(n:SxPerson)") == 25
    assert driver.execute("MATCH (n:SxPerson {name: 'p3'}) RETURN n.age").value() == 99


def test_rollback_restores_flushed_deletes_and_relations_where_the_backend_has_transactions(driver):
    with Session(driver) as session:
        a, b, gone = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="Gone")
        session.add_all([a, b, gone])
    session = Session(driver)
    session.relate(session.get(SxPerson, a.id), "friends", session.get(SxPerson, b.id))
    doomed = session.get(SxPerson, gone.id)
    session.delete(doomed)
    session.flush()
    session.rollback()
    assert doomed._runic_state.state is EntityState.PERSISTENT or not driver.dialect.transactional
    session.close()
    with Session(driver) as fresh:
        names = sorted(p.name for p in fresh.query(SxPerson).all())
    edges = count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)")
    if driver.dialect.transactional:
        assert (names, edges) == (["A", "B", "Gone"], 0)
    else:
        assert (names, edges) == (["A", "B"], 1)


def test_commit_keeps_writes_and_the_session_stays_usable(driver):
    session = Session(driver)
    ada = SxPerson(name="Ada", age=1)
    session.add(ada)
    session.commit()
    ada.age = 2
    session.commit()
    ada.age = 3
    session.flush()
    session.rollback()
    session.close()
    with Session(driver) as fresh:
        assert fresh.get_one(SxPerson, ada.id).age == (2 if driver.dialect.transactional else 3)


def test_a_second_session_on_a_driver_with_an_open_transaction_is_refused(driver):
    first = Session(driver)
    first.add(SxPerson(name="first"))
    first.flush()
    second = Session(driver)
    try:
        if driver.dialect.transactional:
            with pytest.raises(SessionError) as err:
                second.query(SxPerson).count()
            assert "held by another session" in str(err.value) and err.value.hint
            first.commit()
        assert second.query(SxPerson).count() == 1
    finally:
        second.close()
        first.close()


def test_an_error_inside_with_session_rolls_back_what_was_flushed(driver):
    with pytest.raises(RuntimeError, match="boom"), Session(driver) as session:
        session.add(SxPerson(name="doomed"))
        session.flush()
        raise RuntimeError("boom")
    assert count(driver, "(n:SxPerson)") == (0 if driver.dialect.transactional else 1)


def test_relation_edits_on_identity_mapped_entities_are_tracked(driver):
    with Session(driver) as session:
        a, b, c = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="C")
        a.friends = [b, c]
        session.add_all([a, b, c])
    with Session(driver) as session:
        loaded = session.get(SxPerson, a.id)
        assert sorted(f.name for f in loaded.friends) == ["B", "C"]
        assert all(f is session.get(SxPerson, f.id) for f in loaded.friends)
        loaded.friends = [f for f in loaded.friends if f.name == "C"]
        loaded.age = 7
    with Session(driver) as session:
        again = session.get(SxPerson, a.id)
        assert [f.name for f in again.friends] == ["C"] and again.age == 7


def test_bulk_save_on_a_non_primary_key_writes_every_property_and_a_primary_key(driver):
    with Session(driver) as session:
        session.bulk_save(SxPerson, [{"name": f"p{i}", "age": i} for i in range(12)], key="name", batch_size=5)
        session.bulk_save(SxPerson, [{"name": "p1", "age": 100}], key="name")
    rows = driver.execute("MATCH (n:SxPerson) RETURN n.name, n.age, n.id").rows
    assert sorted((name, age) for name, age, _ in rows) == sorted([(f"p{i}", 100 if i == 1 else i) for i in range(12)])
    ids = [key for _, _, key in rows]
    assert None not in ids and len(set(ids)) == 12
    with Session(driver) as session:
        assert session.get_one(SxPerson, ids[0]).id == ids[0]


def test_bulk_save_of_edges_links_rows_by_source_and_target_keys(driver):
    with Session(driver) as session:
        people = [SxPerson(name=f"p{i}") for i in range(4)]
        session.add_all(people)
    rows = [{"source": people[i].id, "target": people[i + 1].id, "since": 2000 + i} for i in range(3)]
    with Session(driver) as session:
        assert session.bulk_save(SxKnows, rows, batch_size=2) == 3
    found = driver.execute("MATCH (a:SxPerson)-[r:SXKNOWS]->(b:SxPerson) RETURN a.name, b.name, r.since ORDER BY r.since").rows
    assert found == [["p0", "p1", 2000], ["p1", "p2", 2001], ["p2", "p3", 2002]]


def test_bulk_save_of_a_subclass_hydrates_as_the_subclass(driver):
    with Session(driver) as session:
        session.bulk_save(SxEmployee, [{"name": "E1", "company": "Acme"}, {"name": "E2", "company": "Initech"}], key="name")
    with Session(driver) as session:
        people = session.query(SxPerson).order_by(SxPerson.name).all()
        assert [(type(p), p.company) for p in people] == [(SxEmployee, "Acme"), (SxEmployee, "Initech")]
        assert session.query(SxEmployee).count() == 2


def test_keyword_property_names_are_written_read_and_filtered(driver):
    with Session(driver) as session:
        first = SxReserved(order=1, end="e1", limit=3, match="m1")
        second = SxReserved(order=2, end="e2", limit=4, match="m2")
        first.next = [second]
        session.add_all([first, second])
        session.add(SxReservedLink(source=first, target=second, order=9, end="link"))
    with Session(driver) as session:
        loaded = session.get(SxReserved, first.id, fetch=["next"])
        assert (loaded.order, loaded.end, loaded.limit, loaded.match) == (1, "e1", 3, "m1")
        assert [n.order for n in loaded.next] == [2]
        loaded.order, loaded.end, loaded.limit = 10, None, 11
    with Session(driver) as session:
        found = session.query(SxReserved).where(SxReserved.order >= 2).order_by(SxReserved.order).all()
        assert [(r.order, r.end, r.limit) for r in found] == [(2, "e2", 4), (10, None, 11)]
        link = session.query(SxReservedLink).where(SxReservedLink.order == 9).all()
        assert [(r.order, r.end) for r in link] == [(9, "link")]
        link[0].end = "edited"
    with Session(driver) as session:
        assert session.bulk_save(SxReserved, [{"match": "m2", "order": 20, "end": "bulk"}, {"match": "m3", "order": 30}], key="match") == 2
        assert session.bulk_save(SxReservedLink, [{"source": second.id, "target": first.id, "order": 5, "end": "back"}]) == 1
        rows = sorted((r.match, r.order, r.end) for r in session.query(SxReserved).all())
        assert rows == [("m1", 10, None), ("m2", 20, "bulk"), ("m3", 30, None)]
        links = sorted((r.order, r.end) for r in session.query(SxReservedLink).all())
        assert links == [(5, "back"), (9, "edited")]
        session.delete(session.get(SxReserved, first.id))
    assert count(driver, "(n:SxReserved)") == 2


def test_merge_refresh_expire_and_expunge(driver):
    with Session(driver) as session:
        ada, bob = SxPerson(name="Ada", age=36), SxPerson(name="Bob")
        ada.friends = [bob]
        session.add_all([ada, bob])
    with Session(driver) as session:
        detached = SxPerson(name="Ada (merged)", age=37)
        detached.id = ada.id
        merged = session.merge(detached)
        assert merged is session.get(SxPerson, ada.id) and merged is not detached
        assert (merged.name, merged.age) == ("Ada (merged)", 37)
    assert driver.execute("MATCH (n:SxPerson) WHERE n.age = 37 RETURN n.name").value() == "Ada (merged)"
    with Session(driver) as session:
        loaded = session.get(SxPerson, ada.id)
        driver.execute("MATCH (n:SxPerson) WHERE n.age = 37 SET n.nickname = 'A'")
        assert loaded.nickname is None
        session.expire(loaded)
        session.refresh(loaded, fetch=["friends"])
        assert loaded.nickname == "A" and [f.name for f in loaded.friends] == ["Bob"]
        loaded.age = 99
        session.refresh(loaded)
        assert loaded.age == 37 and loaded not in session.dirty
        session.expunge(loaded)
        loaded.age = 50
        assert session.get(SxPerson, ada.id) is not loaded
    assert driver.execute("MATCH (n:SxPerson) WHERE n.name = 'Ada (merged)' RETURN n.age").value() == 37


def test_load_relationship_and_rows_with_edges(driver):
    with Session(driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        session.add_all([a, b])
        session.add(SxKnows(source=a, target=b, since=1999))
        oslo = SxCity(name="Oslo")
        session.add(oslo)
        a.lives_in = [oslo]
    with Session(driver) as session:
        loaded = session.get(SxPerson, a.id)
        assert [c.name for c in session.load_relationship(loaded, "lives_in")] == ["Oslo"]
        knows = session.query(SxKnows).all()
        assert [(k.since, k.source.name, k.target.name) for k in knows] == [(1999, "A", "B")]
        assert knows[0].source is loaded
        assert session.count(session.query(SxPerson)) == 2


def test_readonly_session_refuses_writes_and_keeps_nothing(driver):
    with Session(driver) as session:
        session.add(SxPerson(name="Ada"))
    with Session(driver, readonly=True) as session:
        ada = session.query(SxPerson).one()
        ada.name = "changed"
        with pytest.raises(ReadOnlyError) as flush_err:
            session.flush()
        assert flush_err.value.hint
        with pytest.raises(ReadOnlyError):
            session.execute("CREATE (:SxPerson {name: 'sneaky'})")
        session.rollback()
    assert sorted(driver.execute("MATCH (n:SxPerson) RETURN n.name").rows) == [["Ada"]]


def test_autoflush_sends_staged_work_before_a_query(driver):
    with Session(driver, autoflush=True) as session:
        session.add(SxPerson(name="Ada"))
        assert session.query(SxPerson).count() == 1
        session.rollback()
    assert count(driver, "(n:SxPerson)") == (0 if driver.dialect.transactional else 1)
