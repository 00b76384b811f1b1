"""Graphs written by other tools: nodes without their key property are first-class."""

from __future__ import annotations

import pytest
from _foreign_models import RAW_GRAPH, FgAny, FgCounter, FgPerson

from runic.ogm import Session, inspect, select

pytestmark = [pytest.mark.integration]


def ages(driver) -> list[int]:
    return sorted(driver.execute("MATCH (n:FgPerson) RETURN n.age AS a").values("a"))


def by_age(people) -> dict[int, FgPerson]:
    return {p.age: p for p in people}


def load(session) -> dict[int, FgPerson]:
    return by_age(session.scalars(select(FgPerson)))


def test_nodes_without_a_key_load_as_distinct_entities_known_by_element_id(driver):
    driver.execute(RAW_GRAPH)
    with Session(driver) as session:
        people = load(session)
        assert sorted(people) == [1, 2, 3]  # no collision on a key of None
        a, b = people[1], people[2]
        assert a is not b and a.name is None and b.name is None
        assert inspect(a).key is None and inspect(a).element_id is not None
        assert inspect(a).element_id != inspect(b).element_id
        assert load(session)[1] is a  # the identity map keeps one object per node


def test_relations_of_a_node_without_a_key_load_the_stored_edges(driver):
    driver.execute(RAW_GRAPH)
    with Session(driver) as session:
        people = load(session)
        assert sorted(f.age for f in people[1].friends) == [2, 3]
        assert people[2].friends == [] and people[3].friends == []
        assert isinstance(people[2].fans, list) and [f.age for f in people[2].fans] == [1]
    with Session(driver) as session:
        eager = session.scalars(select(FgPerson).where(FgPerson.age == 1))[0]
        session.load_relations([eager], ["friends"])
        assert sorted(f.age for f in eager.friends) == [2, 3]


def test_a_node_without_a_key_is_saved_refreshed_and_deleted_by_element_id(driver):
    driver.execute(RAW_GRAPH)
    with Session(driver) as session:
        people = load(session)
        people[1].age = 10
    assert ages(driver) == [2, 3, 10]
    with Session(driver) as session:
        people = load(session)
        b = people[2]
        driver.execute("MATCH (n:FgPerson {age: 2}) SET n.age = 20")
        session.refresh(b)
        assert b.age == 20
        session.delete(b)
    assert ages(driver) == [3, 10]


def test_relations_to_and_from_nodes_without_a_key_are_written(driver):
    driver.execute(RAW_GRAPH)
    with Session(driver) as session:
        people = load(session)
        a, b, cy = people[1], people[2], people[3]
        b.friends.append(cy)  # keyless owner, keyed target
        cy.friends = [a]  # keyed owner, keyless target
        a.friends = [p for p in a.friends if p is not b]  # keyless target removed
    rows = driver.execute(
        "MATCH (x:FgPerson)-[:FG_KNOWS]->(y:FgPerson) RETURN x.age AS x, y.age AS y ORDER BY x, y"
    ).rows
    assert [tuple(r) for r in rows] == [(1, 3), (2, 3), (3, 1)]


def test_giving_a_key_to_a_node_without_one_stores_it_and_keys_the_entity(driver):
    driver.execute(RAW_GRAPH)
    with Session(driver) as session:
        a = load(session)[1]
        a.name = "Ada"
        session.flush()
        assert inspect(a).key == "Ada" and session.get(FgPerson, "Ada") is a
    assert driver.execute("MATCH (n:FgPerson {name: 'Ada'}) RETURN n.age AS a").value("a") == 1


def test_a_relation_without_a_target_model_loads_and_writes_by_element_id(driver):
    driver.execute("CREATE (:FgAny {name: 'hub'})-[:FG_LINK]->(:FgPerson {age: 7})")
    with Session(driver) as session:
        hub = session.get(FgAny, "hub")
        linked = hub.links
        assert isinstance(linked, list) and [type(x) for x in linked] == [FgPerson] and linked[0].age == 7
        hub.links = []
    assert driver.execute("MATCH (:FgAny)-[r:FG_LINK]->() RETURN count(r) AS c").value("c") == 0


def test_a_database_generated_key_is_filled_in_after_commit_and_on_load(driver):
    with Session(driver) as session:
        counter = FgCounter(label="c")
        assert counter.uid is None
        session.add(counter)
    assert counter.uid is not None and counter.uid == inspect(counter).element_id
    with Session(driver) as session:
        again = session.scalars(select(FgCounter))[0]
        assert again.uid == counter.uid
        assert session.get(FgCounter, counter.uid).label == "c"
