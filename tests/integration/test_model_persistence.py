"""save()/delete() shortcuts of nodes and edges, and lazy relation reads, on live backends."""

from __future__ import annotations

import pytest
from _model_models import MdCity, MdPerson, MdVisited

from runic.ogm import DetachedEntityError, Session, inspect
from runic.ogm.core.state import EntityState

pytestmark = [pytest.mark.integration]


def count(driver, pattern: str) -> int:
    return driver.execute(f"MATCH {pattern} RETURN count(*)").value()


def test_save_uses_the_attached_session_outside_with(driver):
    session = Session(driver)
    try:
        ada = MdPerson(name="Ada")
        session.add(ada)
        ada.name = "Ada L."
        ada.save()
        assert inspect(ada).state is EntityState.PERSISTENT
        assert count(driver, "(n:MdPerson {name: 'Ada L.'})") == 1
        session.commit()
    finally:
        session.close()


def test_edge_save_and_delete_through_the_ambient_session(driver):
    with Session(driver):
        ada, rome = MdPerson(name="Ada"), MdCity(name="Rome")
        visit = MdVisited(ada, rome, times=2)
        visit.save()
        assert count(driver, "(:MdPerson)-[:MDVISITED]->(:MdCity)") == 1
        visit.delete()
        assert count(driver, "(:MdPerson)-[:MDVISITED]->(:MdCity)") == 0
        assert count(driver, "(n:MdPerson)") == 1


def test_detached_save_names_the_entity_and_both_fixes(driver):
    ada = MdPerson(name="Ada")
    with pytest.raises(DetachedEntityError) as err:
        ada.save()
    text = str(err.value)
    assert text.startswith("MdPerson(id='") and "name='Ada'" in text
    assert "call session.add(obj), or save it inside 'with Session(driver):'" in text


def test_unloaded_relation_loads_on_first_read_in_an_open_session(driver):
    with Session(driver) as session:
        rome = MdCity(name="Rome")
        session.add_all([rome, MdPerson(name="Ada", lives_in=rome)])
    with Session(driver) as session:
        ada = session.query(MdPerson).one()
        assert "lives_in" not in inspect(ada).loaded_relations
        assert ada.lives_in.name == "Rome"
        assert "lives_in" in inspect(ada).loaded_relations
