"""asave()/adelete() shortcuts of nodes and edges, and lazy relation reads, on live backends."""

from __future__ import annotations

import pytest
from _model_models import MdCity, MdPerson, MdVisited

from runic.ogm import AsyncSession, DetachedEntityError, LazyLoadError, SessionError, inspect
from runic.ogm.core.state import EntityState

pytestmark = [pytest.mark.integration]


async def count(driver, pattern: str) -> int:
    return (await driver.execute(f"MATCH {pattern} RETURN count(*)")).value()


async def test_save_uses_the_attached_session_outside_with(async_driver):
    session = AsyncSession(async_driver)
    try:
        ada = MdPerson(name="Ada")
        session.add(ada)
        ada.name = "Ada L."
        await ada.asave()
        assert inspect(ada).state is EntityState.PERSISTENT
        assert await count(async_driver, "(n:MdPerson {name: 'Ada L.'})") == 1
        with pytest.raises(SessionError, match=r"await obj\.asave\(\)"):
            ada.save()
        await session.commit()
    finally:
        await session.close()


async def test_edge_save_and_delete_through_the_ambient_session(async_driver):
    async with AsyncSession(async_driver):
        ada, rome = MdPerson(name="Ada"), MdCity(name="Rome")
        visit = MdVisited(ada, rome, times=2)
        await visit.asave()
        assert await count(async_driver, "(:MdPerson)-[:MDVISITED]->(:MdCity)") == 1
        await visit.adelete()
        assert await count(async_driver, "(:MdPerson)-[:MDVISITED]->(:MdCity)") == 0
        assert await count(async_driver, "(n:MdPerson)") == 1


async def test_detached_save_names_the_entity_and_both_fixes(async_driver):
    ada = MdPerson(name="Ada")
    with pytest.raises(DetachedEntityError) as err:
        await ada.asave()
    text = str(err.value)
    assert text.startswith("MdPerson(id='") and "name='Ada'" in text
    assert "call session.add(obj), or save it inside 'with Session(driver):'" in text


async def test_unloaded_relation_loads_on_first_read_in_an_open_session(async_driver):
    async with AsyncSession(async_driver) as session:
        rome = MdCity(name="Rome")
        session.add_all([rome, MdPerson(name="Ada", lives_in=rome)])
    async with AsyncSession(async_driver) as session:
        ada = await session.query(MdPerson).one()
        with pytest.raises(LazyLoadError) as err:
            _ = ada.lives_in
        assert err.value.reason == "async"
        await session.load_relationship(ada, "lives_in")
        assert ada.lives_in.name == "Rome"
