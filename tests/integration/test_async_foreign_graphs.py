"""Async twin of test_foreign_graphs.py: nodes without their key property are first-class."""

from __future__ import annotations

import pytest
from _foreign_models import RAW_GRAPH, FgAny, FgCounter, FgPerson

from runic.ogm import AsyncSession, inspect, select

pytestmark = [pytest.mark.integration]


async def ages(driver) -> list[int]:
    return sorted((await driver.execute("MATCH (n:FgPerson) RETURN n.age AS a")).values("a"))


async def load(session) -> dict[int, FgPerson]:
    return {p.age: p for p in await session.scalars(select(FgPerson))}


async def test_nodes_without_a_key_load_as_distinct_entities_known_by_element_id(async_driver):
    await async_driver.execute(RAW_GRAPH)
    async with AsyncSession(async_driver) as session:
        people = await load(session)
        assert sorted(people) == [1, 2, 3]
        a, b = people[1], people[2]
        assert a is not b and a.name is None and b.name is None
        assert inspect(a).key is None and inspect(a).element_id is not None
        assert inspect(a).element_id != inspect(b).element_id
        assert (await load(session))[1] is a


async def test_relations_of_a_node_without_a_key_load_the_stored_edges(async_driver):
    await async_driver.execute(RAW_GRAPH)
    async with AsyncSession(async_driver) as session:
        people = await load(session)
        await session.load_relations(list(people.values()), ["friends", "fans"])
        assert sorted(f.age for f in people[1].friends) == [2, 3]
        assert people[2].friends == [] and people[3].friends == []
        assert [f.age for f in people[2].fans] == [1]
        assert sorted(f.age for f in await session.load_relationship(people[1], "friends")) == [2, 3]


async def test_a_node_without_a_key_is_saved_refreshed_and_deleted_by_element_id(async_driver):
    await async_driver.execute(RAW_GRAPH)
    async with AsyncSession(async_driver) as session:
        (await load(session))[1].age = 10
    assert await ages(async_driver) == [2, 3, 10]
    async with AsyncSession(async_driver) as session:
        b = (await load(session))[2]
        await async_driver.execute("MATCH (n:FgPerson {age: 2}) SET n.age = 20")
        await session.refresh(b)
        assert b.age == 20
        session.delete(b)
    assert await ages(async_driver) == [3, 10]


async def test_relations_to_and_from_nodes_without_a_key_are_written(async_driver):
    await async_driver.execute(RAW_GRAPH)
    async with AsyncSession(async_driver) as session:
        people = await load(session)
        a, b, cy = people[1], people[2], people[3]
        await session.load_relations([a, b, cy], ["friends"])
        b.friends.append(cy)
        cy.friends = [a]
        a.friends = [p for p in a.friends if p is not b]
    rows = (await async_driver.execute(
        "MATCH (x:FgPerson)-[:FG_KNOWS]->(y:FgPerson) RETURN x.age AS x, y.age AS y ORDER BY x, y"
    )).rows
    assert [tuple(r) for r in rows] == [(1, 3), (2, 3), (3, 1)]


async def test_giving_a_key_to_a_node_without_one_stores_it_and_keys_the_entity(async_driver):
    await async_driver.execute(RAW_GRAPH)
    async with AsyncSession(async_driver) as session:
        a = (await load(session))[1]
        a.name = "Ada"
        await session.flush()
        assert inspect(a).key == "Ada" and await session.get(FgPerson, "Ada") is a
    assert (await async_driver.execute("MATCH (n:FgPerson {name: 'Ada'}) RETURN n.age AS a")).value("a") == 1


async def test_a_relation_without_a_target_model_loads_and_writes_by_element_id(async_driver):
    await async_driver.execute("CREATE (:FgAny {name: 'hub'})-[:FG_LINK]->(:FgPerson {age: 7})")
    async with AsyncSession(async_driver) as session:
        hub = await session.get(FgAny, "hub")
        linked = await session.load_relationship(hub, "links")
        assert isinstance(linked, list) and [type(x) for x in linked] == [FgPerson] and linked[0].age == 7
        hub.links = []
    assert (await async_driver.execute("MATCH (:FgAny)-[r:FG_LINK]->() RETURN count(r) AS c")).value("c") == 0


async def test_a_database_generated_key_is_filled_in_after_commit_and_on_load(async_driver):
    async with AsyncSession(async_driver) as session:
        counter = FgCounter(label="c")
        assert counter.uid is None
        session.add(counter)
    assert counter.uid is not None and counter.uid == inspect(counter).element_id
    async with AsyncSession(async_driver) as session:
        again = (await session.scalars(select(FgCounter)))[0]
        assert again.uid == counter.uid
        assert (await session.get(FgCounter, counter.uid)).label == "c"
