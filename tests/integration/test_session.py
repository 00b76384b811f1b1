"""Session against the embedded FalkorDB: CRUD, identity map, dirty tracking, flush order,
rollback, lazy loading, save()/delete(), relations, polymorphism, get/get_one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from _session_models import Mood, SxAllTypes, SxCity, SxEmployee, SxKnows, SxPerson

from runic.ogm.core.state import EntityState
from runic.ogm.core.types import GeoLocation, Vector
from runic.ogm.exceptions import DetachedEntityError, EntityNotFoundError, LazyLoadError, SessionError
from runic.ogm.session import Session

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


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


def count(driver, pattern="(n)") -> int:
    return driver.execute(f"MATCH {pattern} RETURN count(*)").value()


def test_crud_round_trip_of_every_field_type(falkordb_driver):
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
    with Session(falkordb_driver) as session:
        session.add(original)
    with Session(falkordb_driver) as session:
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
    with Session(falkordb_driver) as session:
        again = session.get_one(SxAllTypes, original.id)
        assert (again.count, again.tags) == (43, ["c"])
        session.delete(again)
    assert count(falkordb_driver) == 0


def test_identity_map_gives_one_object_per_entity(falkordb_driver):
    with Session(falkordb_driver) as session:
        ada = SxPerson(name="Ada")
        session.add(ada)
        session.flush()
        assert session.get(SxPerson, ada.id) is ada
    with Session(falkordb_driver) as session:
        first = session.get(SxPerson, ada.id)
        second = session.get(SxPerson, ada.id)
        by_query = session.query(SxPerson).where(SxPerson.name == "Ada").one()
        assert first is second is by_query


def test_dirty_tracking_writes_only_changed_properties(falkordb_driver):
    with Session(falkordb_driver) as session:
        ada = SxPerson(name="Ada", age=36)
        session.add(ada)
    recording = Recording(falkordb_driver)
    with Session(recording) as session:
        loaded = session.get(SxPerson, ada.id)
        falkordb_driver.execute("MATCH (n:SxPerson) SET n.name = 'changed elsewhere'")
        loaded.age = 37
        session.flush()
        updates = [q for q in recording.sent if " SET " in q]
        assert len(updates) == 1 and "`age`" in updates[0] and "`name`" not in updates[0]
        recording.sent.clear()
        loaded.age = 37
        session.flush()
        assert recording.sent == []
    row = falkordb_driver.execute("MATCH (n:SxPerson) RETURN n.name, n.age").rows[0]
    assert row == ["changed elsewhere", 37]


def test_flush_order_nodes_before_edges_deletes_last(falkordb_driver):
    with Session(falkordb_driver) as session:
        old = SxPerson(name="Old")
        session.add(old)
    recording = Recording(falkordb_driver)
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
    assert count(falkordb_driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
    assert falkordb_driver.execute("MATCH ()-[r:SXKNOWS]->() RETURN r.since").value() == 1999
    assert count(falkordb_driver, "(n:SxPerson)") == 2


def test_rollback_semantics_on_falkordb(falkordb_driver):
    session = Session(falkordb_driver)
    flushed = SxPerson(name="flushed")
    session.add(flushed)
    session.flush()
    staged = SxPerson(name="staged")
    session.add(staged)
    flushed.name = "edited"
    session.rollback()
    assert count(falkordb_driver, "(n:SxPerson)") == 1  # what was sent stays: no transactions
    assert staged._runic_state.state is EntityState.TRANSIENT
    assert flushed._runic_state.state is EntityState.PERSISTENT
    assert flushed._runic_state.expired
    assert falkordb_driver.execute("MATCH (n:SxPerson) RETURN n.name").value() == "flushed"
    session.flush()
    assert count(falkordb_driver, "(n:SxPerson)") == 1
    session.close()


def test_lazy_load_then_lazy_load_error_after_close(falkordb_driver):
    with Session(falkordb_driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        a.friends = [b]
        session.add(a)
        session.add(b)
    session = Session(falkordb_driver)
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


def test_node_save_and_delete_inside_with_session_and_detached_outside(falkordb_driver):
    ada = SxPerson(name="Ada")
    with pytest.raises(DetachedEntityError):
        ada.save()
    with Session(falkordb_driver):
        ada.save()
        assert count(falkordb_driver, "(n:SxPerson)") == 1
        ada.delete()
        assert count(falkordb_driver, "(n:SxPerson)") == 0
    with pytest.raises(DetachedEntityError):
        SxPerson(name="never").delete()


def test_relate_and_unrelate(falkordb_driver):
    with Session(falkordb_driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        session.add_all([a, b])
        session.relate(a, "friends", b)
        session.relate(a, SxPerson.friends, b)  # idempotent MERGE
        assert count(falkordb_driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
        assert [f.name for f in a.friends] == ["B"]
        session.unrelate(a, "friends", b)
        assert count(falkordb_driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 0
        assert a.friends == []
        with pytest.raises(TypeError, match="frends|friends"):
            session.relate(a, "frends", b)


def test_relation_list_add_and_remove_at_flush(falkordb_driver):
    with Session(falkordb_driver) as session:
        a, b, c = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="C")
        session.add_all([a, b, c])
    with Session(falkordb_driver) as session:
        a2 = session.get(SxPerson, a.id)
        a2.friends.append(session.get(SxPerson, b.id))
        session.flush()
        assert count(falkordb_driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
        a2.friends = [session.get(SxPerson, c.id)]
        session.flush()
        names = falkordb_driver.execute("MATCH (:SxPerson)-[:SX_FRIEND]->(t) RETURN t.name").values()
        assert names == ["C"]


def test_polymorphic_hydration(falkordb_driver):
    with Session(falkordb_driver) as session:
        session.add_all([SxPerson(name="P"), SxEmployee(name="E", company="Acme")])
    with Session(falkordb_driver) as session:
        people = session.query(SxPerson).order_by(SxPerson.name).all()
        assert [type(p) for p in people] == [SxEmployee, SxPerson]
        assert people[0].company == "Acme"
        assert session.query(SxEmployee).count() == 1


def test_get_of_missing_returns_none_and_get_one_raises(falkordb_driver):
    with Session(falkordb_driver) as session:
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


def test_bulk_save_merges_rows_on_the_key(falkordb_driver):
    rows = [{"name": f"p{i}", "age": i} for i in range(25)]
    progress = []
    with Session(falkordb_driver) as session:
        written = session.bulk_save(SxPerson, rows, key="name", batch_size=10, progress=lambda done, total: progress.append(done))
        assert written == 25 and progress == [10, 20, 25]
        session.bulk_save(SxPerson, [{"name": "p3", "age": 99}], key="name")
    assert count(falkordb_driver, "(n:SxPerson)") == 25
    assert falkordb_driver.execute("MATCH (n:SxPerson {name: 'p3'}) RETURN n.age").value() == 99
