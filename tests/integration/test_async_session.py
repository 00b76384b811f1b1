"""AsyncSession on every backend: the twin of test_session.py."""

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
from runic.ogm.session import AsyncSession

pytestmark = [pytest.mark.integration]


class Recording:
    """Forwards to a real async driver and remembers the Cypher it was sent."""

    def __init__(self, driver):
        self._driver = driver
        self.sent: list[str] = []

    def __getattr__(self, name):
        return getattr(self._driver, name)

    async def execute(self, query, params=None, **kwargs):
        self.sent.append(query)
        return await self._driver.execute(query, params, **kwargs)

    async def execute_pipelined(self, statements, on_result):
        statements = list(statements)
        self.sent.extend(query for query, _ in statements)
        return await self._driver.execute_pipelined(statements, on_result)


async def count(driver, pattern="(n)") -> int:
    return (await driver.execute(f"MATCH {pattern} RETURN count(*)")).value()


async def test_crud_round_trip_of_every_field_type(async_driver):
    driver = async_driver
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
    async with AsyncSession(driver) as session:
        await session.add(original)
    async with AsyncSession(driver) as session:
        loaded = await session.get_one(SxAllTypes, original.id)
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
    async with AsyncSession(driver) as session:
        again = await session.get_one(SxAllTypes, original.id)
        assert (again.count, again.tags) == (43, ["c"])
        session.delete(again)
    assert await count(driver) == 0


async def test_identity_map_gives_one_object_per_entity(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        ada = SxPerson(name="Ada")
        session.add(ada)
        await session.flush()
        assert await session.get(SxPerson, ada.id) is ada
    async with AsyncSession(driver) as session:
        first = await session.get(SxPerson, ada.id)
        second = await session.get(SxPerson, ada.id)
        by_query = await session.query(SxPerson).where(SxPerson.name == "Ada").one()
        assert first is second is by_query


async def test_dirty_tracking_writes_only_changed_properties(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        ada = SxPerson(name="Ada", age=36)
        session.add(ada)
    recording = Recording(driver)
    async with AsyncSession(recording) as session:
        loaded = await session.get(SxPerson, ada.id)
        await driver.execute("MATCH (n:SxPerson) SET n.name = 'changed elsewhere'")
        loaded.age = 37
        await session.flush()
        updates = [q for q in recording.sent if " SET " in q]
        assert len(updates) == 1 and "`age`" in updates[0] and "`name`" not in updates[0]
        recording.sent.clear()
        loaded.age = 37
        await session.flush()
        assert recording.sent == []
    row = (await driver.execute("MATCH (n:SxPerson) RETURN n.name, n.age")).rows[0]
    assert row == ["changed elsewhere", 37]


async def test_flush_order_nodes_before_edges_deletes_last(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        old = SxPerson(name="Old")
        session.add(old)
    recording = Recording(driver)
    async with AsyncSession(recording) as session:
        doomed = await session.get(SxPerson, old.id)
        a, b = SxPerson(name="A"), SxPerson(name="B")
        a.friends = [b]
        session.add(SxKnows(source=a, target=b, since=1999))
        session.delete(doomed)
        await session.flush()
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
    assert await count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
    assert (await driver.execute("MATCH ()-[r:SXKNOWS]->() RETURN r.since")).value() == 1999
    assert await count(driver, "(n:SxPerson)") == 2


async def test_rollback_discards_uncommitted_writes_where_the_backend_has_transactions(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        kept = SxPerson(name="kept")
        session.add(kept)
    session = AsyncSession(driver)
    flushed = SxPerson(name="flushed")
    session.add(flushed)
    await session.flush()
    loaded_kept = await session.get(SxPerson, kept.id)
    loaded_kept.name = "edited"
    await session.flush()
    staged = SxPerson(name="staged")
    session.add(staged)
    session.delete(loaded_kept)
    await session.rollback()
    assert staged._runic_state.state is EntityState.TRANSIENT
    assert loaded_kept._runic_state.state is EntityState.PERSISTENT
    assert loaded_kept._runic_state.expired
    # no implicit I/O: the value stored before the rolled-back transaction (FalkorDB: the last known one)
    assert loaded_kept.name == ("kept" if driver.dialect.transactional else "edited")
    await session.refresh(loaded_kept)
    assert loaded_kept.name == ("kept" if driver.dialect.transactional else "edited")
    undone = EntityState.TRANSIENT if driver.dialect.transactional else EntityState.PERSISTENT
    assert flushed._runic_state.state is undone
    await session.close()
    async with AsyncSession(driver) as fresh:
        names = sorted(p.name for p in await fresh.query(SxPerson).all())
    if driver.dialect.transactional:
        assert names == ["kept"]  # the flushed create and the flushed edit were undone
    else:
        # FalkorDB has no transactions: what flush() sent stays, only staged work is dropped
        assert names == ["edited", "flushed"]


async def test_rollback_then_flush_sends_nothing_more(async_driver):
    driver = async_driver
    session = AsyncSession(driver)
    flushed = SxPerson(name="flushed")
    session.add(flushed)
    await session.flush()
    flushed.name = "edited"
    await session.rollback()
    await session.flush()
    await session.commit()
    await session.close()
    expected = 0 if driver.dialect.transactional else 1
    assert await count(driver, "(n:SxPerson)") == expected
    if expected:
        assert (await driver.execute("MATCH (n:SxPerson) RETURN n.name")).value() == "flushed"


async def test_lazy_load_then_lazy_load_error_after_close(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        a.friends = [b]
        session.add_all([a, b])
    session = AsyncSession(driver)
    loaded = await session.get(SxPerson, a.id)
    with pytest.raises(LazyLoadError) as err:
        _ = loaded.friends  # an AsyncSession never loads implicitly
    assert err.value.reason == "async"
    assert "load_relationship" in str(err.value)
    friends = await session.load_relationship(loaded, "friends")
    assert [f.name for f in friends] == ["B"] and loaded.friends is friends
    fresh = await session.get(SxPerson, b.id)
    await session.close()
    with pytest.raises(LazyLoadError):
        _ = fresh.friends
    with pytest.raises(SessionError):
        await session.get(SxPerson, a.id)


async def test_node_save_and_delete_inside_with_session_and_detached_outside(async_driver):
    driver = async_driver
    ada = SxPerson(name="Ada")
    with pytest.raises(DetachedEntityError):
        await ada.asave()
    async with AsyncSession(driver):
        await ada.asave()
        assert await count(driver, "(n:SxPerson)") == 1
        with pytest.raises(SessionError, match="asave"):
            ada.save()
        await ada.adelete()
        assert await count(driver, "(n:SxPerson)") == 0
    with pytest.raises(DetachedEntityError):
        await SxPerson(name="never").adelete()


async def test_relate_and_unrelate(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        session.add_all([a, b])
        await session.relate(a, "friends", b)
        await session.relate(a, SxPerson.friends, b)
        assert await count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
        assert [f.name for f in await session.load_relationship(a, "friends")] == ["B"]
        await session.unrelate(a, "friends", b)
        assert await count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 0
        assert await session.load_relationship(a, "friends") == []
        with pytest.raises(TypeError, match="frends|friends"):
            await session.relate(a, "frends", b)


async def test_relation_list_add_and_remove_at_flush(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        a, b, c = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="C")
        session.add_all([a, b, c])
    async with AsyncSession(driver) as session:
        a2 = await session.get(SxPerson, a.id, fetch=["friends"])
        a2.friends.append(await session.get(SxPerson, b.id))
        await session.flush()
        assert await count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)") == 1
        a2.friends = [await session.get(SxPerson, c.id)]
        await session.flush()
        names = (await driver.execute("MATCH (:SxPerson)-[:SX_FRIEND]->(t) RETURN t.name")).values()
        assert names == ["C"]


async def test_polymorphic_hydration(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        session.add_all([SxPerson(name="P"), SxEmployee(name="E", company="Acme")])
    async with AsyncSession(driver) as session:
        people = await session.query(SxPerson).order_by(SxPerson.name).all()
        assert [type(p) for p in people] == [SxEmployee, SxPerson]
        assert people[0].company == "Acme"
        assert await session.query(SxEmployee).count() == 1


async def test_get_of_missing_returns_none_and_get_one_raises(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        assert await session.get(SxPerson, "no-such-key") is None
        with pytest.raises(EntityNotFoundError) as err:
            await session.get_one(SxPerson, "no-such-key")
        assert err.value.key == "no-such-key"
        city = SxCity(name="Berlin")
        session.add(city)
        await session.flush()
        session.delete(city)
        assert await session.get(SxCity, city.id) is None


async def test_bulk_save_merges_rows_on_the_key(async_driver):
    driver = async_driver
    rows = [{"name": f"p{i}", "age": i} for i in range(25)]
    progress = []
    async with AsyncSession(driver) as session:
        written = await session.bulk_save(SxPerson, rows, key="name", batch_size=10, progress=lambda done, total: progress.append(done))
        assert written == 25 and progress == [10, 20, 25]
        await session.bulk_save(SxPerson, [{"name": "p3", "age": 99}], key="name")
    assert await count(driver, "(n:SxPerson)") == 25
    assert (await driver.execute("MATCH (n:SxPerson {name: 'p3'}) RETURN n.age")).value() == 99


async def test_rollback_restores_flushed_deletes_and_relations_where_the_backend_has_transactions(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        a, b, gone = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="Gone")
        session.add_all([a, b, gone])
    session = AsyncSession(driver)
    await session.relate(await session.get(SxPerson, a.id), "friends", await session.get(SxPerson, b.id))
    doomed = await session.get(SxPerson, gone.id)
    session.delete(doomed)
    await session.flush()
    await session.rollback()
    assert doomed._runic_state.state is EntityState.PERSISTENT or not driver.dialect.transactional
    await session.close()
    async with AsyncSession(driver) as fresh:
        names = sorted(p.name for p in await fresh.query(SxPerson).all())
    edges = await count(driver, "(:SxPerson)-[:SX_FRIEND]->(:SxPerson)")
    if driver.dialect.transactional:
        assert (names, edges) == (["A", "B", "Gone"], 0)
    else:
        assert (names, edges) == (["A", "B"], 1)


async def test_commit_keeps_writes_and_the_session_stays_usable(async_driver):
    driver = async_driver
    session = AsyncSession(driver)
    ada = SxPerson(name="Ada", age=1)
    session.add(ada)
    await session.commit()
    ada.age = 2
    await session.commit()
    ada.age = 3
    await session.flush()
    await session.rollback()
    await session.close()
    async with AsyncSession(driver) as fresh:
        assert (await fresh.get_one(SxPerson, ada.id)).age == (2 if driver.dialect.transactional else 3)


async def test_a_second_session_on_a_driver_with_an_open_transaction_is_refused(async_driver):
    driver = async_driver
    first = AsyncSession(driver)
    first.add(SxPerson(name="first"))
    await first.flush()
    second = AsyncSession(driver)
    try:
        if driver.dialect.transactional:
            with pytest.raises(SessionError) as err:
                await second.query(SxPerson).count()
            assert "held by another session" in str(err.value) and err.value.hint
            await first.commit()
        assert await second.query(SxPerson).count() == 1
    finally:
        await second.close()
        await first.close()


async def test_an_error_inside_with_session_rolls_back_what_was_flushed(async_driver):
    driver = async_driver
    with pytest.raises(RuntimeError, match="boom"):
        async with AsyncSession(driver) as session:
            session.add(SxPerson(name="doomed"))
            await session.flush()
            raise RuntimeError("boom")
    assert await count(driver, "(n:SxPerson)") == (0 if driver.dialect.transactional else 1)


async def test_relation_edits_on_identity_mapped_entities_are_tracked(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        a, b, c = SxPerson(name="A"), SxPerson(name="B"), SxPerson(name="C")
        a.friends = [b, c]
        session.add_all([a, b, c])
    async with AsyncSession(driver) as session:
        loaded = await session.get(SxPerson, a.id, fetch=["friends"])
        assert sorted(f.name for f in loaded.friends) == ["B", "C"]
        assert all([f is await session.get(SxPerson, f.id) for f in loaded.friends])
        loaded.friends = [f for f in loaded.friends if f.name == "C"]
        loaded.age = 7
    async with AsyncSession(driver) as session:
        again = await session.get(SxPerson, a.id, fetch=["friends"])
        assert [f.name for f in again.friends] == ["C"] and again.age == 7


async def test_bulk_save_on_a_non_primary_key_writes_every_property_and_a_primary_key(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        await session.bulk_save(SxPerson, [{"name": f"p{i}", "age": i} for i in range(12)], key="name", batch_size=5)
        await session.bulk_save(SxPerson, [{"name": "p1", "age": 100}], key="name")
    rows = (await driver.execute("MATCH (n:SxPerson) RETURN n.name, n.age, n.id")).rows
    assert sorted((name, age) for name, age, _ in rows) == sorted([(f"p{i}", 100 if i == 1 else i) for i in range(12)])
    ids = [key for _, _, key in rows]
    assert None not in ids and len(set(ids)) == 12
    async with AsyncSession(driver) as session:
        assert (await session.get_one(SxPerson, ids[0])).id == ids[0]


async def test_bulk_save_of_edges_links_rows_by_source_and_target_keys(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        people = [SxPerson(name=f"p{i}") for i in range(4)]
        session.add_all(people)
    rows = [{"source": people[i].id, "target": people[i + 1].id, "since": 2000 + i} for i in range(3)]
    async with AsyncSession(driver) as session:
        assert await session.bulk_save(SxKnows, rows, batch_size=2) == 3
    found = (await driver.execute("MATCH (a:SxPerson)-[r:SXKNOWS]->(b:SxPerson) RETURN a.name, b.name, r.since ORDER BY r.since")).rows
    assert found == [["p0", "p1", 2000], ["p1", "p2", 2001], ["p2", "p3", 2002]]


async def test_bulk_save_of_a_subclass_hydrates_as_the_subclass(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        await session.bulk_save(SxEmployee, [{"name": "E1", "company": "Acme"}, {"name": "E2", "company": "Initech"}], key="name")
    async with AsyncSession(driver) as session:
        people = await session.query(SxPerson).order_by(SxPerson.name).all()
        assert [(type(p), p.company) for p in people] == [(SxEmployee, "Acme"), (SxEmployee, "Initech")]
        assert await session.query(SxEmployee).count() == 2


async def test_keyword_property_names_are_written_read_and_filtered(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        first = SxReserved(order=1, end="e1", limit=3, match="m1")
        second = SxReserved(order=2, end="e2", limit=4, match="m2")
        first.next = [second]
        session.add_all([first, second])
        session.add(SxReservedLink(source=first, target=second, order=9, end="link"))
    async with AsyncSession(driver) as session:
        loaded = await session.get(SxReserved, first.id, fetch=["next"])
        assert (loaded.order, loaded.end, loaded.limit, loaded.match) == (1, "e1", 3, "m1")
        assert [n.order for n in loaded.next] == [2]
        loaded.order, loaded.end, loaded.limit = 10, None, 11
    async with AsyncSession(driver) as session:
        found = await session.query(SxReserved).where(SxReserved.order >= 2).order_by(SxReserved.order).all()
        assert [(r.order, r.end, r.limit) for r in found] == [(2, "e2", 4), (10, None, 11)]
        link = await session.query(SxReservedLink).where(SxReservedLink.order == 9).all()
        assert [(r.order, r.end) for r in link] == [(9, "link")]
        link[0].end = "edited"
    async with AsyncSession(driver) as session:
        assert await session.bulk_save(SxReserved, [{"match": "m2", "order": 20, "end": "bulk"}, {"match": "m3", "order": 30}], key="match") == 2
        assert await session.bulk_save(SxReservedLink, [{"source": second.id, "target": first.id, "order": 5, "end": "back"}]) == 1
        rows = sorted((r.match, r.order, r.end) for r in await session.query(SxReserved).all())
        assert rows == [("m1", 10, None), ("m2", 20, "bulk"), ("m3", 30, None)]
        links = sorted((r.order, r.end) for r in await session.query(SxReservedLink).all())
        assert links == [(5, "back"), (9, "edited")]
        session.delete(await session.get(SxReserved, first.id))
    assert await count(driver, "(n:SxReserved)") == 2


async def test_merge_refresh_expire_and_expunge(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        ada, bob = SxPerson(name="Ada", age=36), SxPerson(name="Bob")
        ada.friends = [bob]
        session.add_all([ada, bob])
    async with AsyncSession(driver) as session:
        detached = SxPerson(name="Ada (merged)", age=37)
        detached.id = ada.id
        merged = await session.merge(detached)
        assert merged is await session.get(SxPerson, ada.id) and merged is not detached
        assert (merged.name, merged.age) == ("Ada (merged)", 37)
    assert (await driver.execute("MATCH (n:SxPerson) WHERE n.age = 37 RETURN n.name")).value() == "Ada (merged)"
    async with AsyncSession(driver) as session:
        loaded = await session.get(SxPerson, ada.id)
        await driver.execute("MATCH (n:SxPerson) WHERE n.age = 37 SET n.nickname = 'A'")
        assert loaded.nickname is None
        session.expire(loaded)
        await session.refresh(loaded, fetch=["friends"])
        assert loaded.nickname == "A" and [f.name for f in loaded.friends] == ["Bob"]
        loaded.age = 99
        await session.refresh(loaded)
        assert loaded.age == 37 and loaded not in session.dirty
        session.expunge(loaded)
        loaded.age = 50
        assert await session.get(SxPerson, ada.id) is not loaded
    assert (await driver.execute("MATCH (n:SxPerson) WHERE n.name = 'Ada (merged)' RETURN n.age")).value() == 37


async def test_load_relationship_and_rows_with_edges(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        a, b = SxPerson(name="A"), SxPerson(name="B")
        session.add_all([a, b])
        session.add(SxKnows(source=a, target=b, since=1999))
        oslo = SxCity(name="Oslo")
        session.add(oslo)
        a.lives_in = [oslo]
    async with AsyncSession(driver) as session:
        loaded = await session.get(SxPerson, a.id)
        assert [c.name for c in await session.load_relationship(loaded, "lives_in")] == ["Oslo"]
        knows = await session.query(SxKnows).all()
        assert [(k.since, k.source.name, k.target.name) for k in knows] == [(1999, "A", "B")]
        assert knows[0].source is loaded
        assert await session.count(session.query(SxPerson)) == 2


async def test_readonly_session_refuses_writes_and_keeps_nothing(async_driver):
    driver = async_driver
    async with AsyncSession(driver) as session:
        session.add(SxPerson(name="Ada"))
    async with AsyncSession(driver, readonly=True) as session:
        ada = await session.query(SxPerson).one()
        ada.name = "changed"
        with pytest.raises(ReadOnlyError) as flush_err:
            await session.flush()
        assert flush_err.value.hint
        with pytest.raises(ReadOnlyError):
            await session.execute("CREATE (:SxPerson {name: 'sneaky'})")
        await session.rollback()
    assert sorted((await driver.execute("MATCH (n:SxPerson) RETURN n.name")).rows) == [["Ada"]]


async def test_autoflush_sends_staged_work_before_a_query(async_driver):
    driver = async_driver
    async with AsyncSession(driver, autoflush=True) as session:
        session.add(SxPerson(name="Ada"))
        assert await session.query(SxPerson).count() == 1
        await session.rollback()
    assert await count(driver, "(n:SxPerson)") == (0 if driver.dialect.transactional else 1)
