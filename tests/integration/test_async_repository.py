"""AsyncRepository against the embedded FalkorDB. Twin of test_repository.py."""

from __future__ import annotations

import inspect as _inspect

import pytest
from _repo_models import Author, Book, Wrote

from runic.ogm import AsyncRepository, AsyncSession, EntityNotFoundError, UnboundQueryError

pytestmark = [pytest.mark.integration]


@pytest.fixture
async def session(async_driver):
    async with AsyncSession(async_driver) as s:
        yield s


@pytest.fixture
async def authors(session):
    repo = AsyncRepository(session, Author)
    await repo.add_all([Author(name="Ada", age=36), Author(name="Grace", age=45), Author(name="Alan")])
    return repo


def test_data_methods_are_coroutines():
    for name in ("get", "find", "find_one", "add", "delete", "find_all", "count", "cypher"):
        assert _inspect.iscoroutinefunction(getattr(AsyncRepository, name)), name
    assert not _inspect.iscoroutinefunction(AsyncRepository.query)


async def test_get_returns_entity_by_primary_key_or_none(authors):
    ada = await authors.find_one(name="Ada")
    assert await authors.get(ada.id) is ada
    assert await authors.get("no-such-id") is None


async def test_get_or_raise_names_the_missing_key(authors):
    with pytest.raises(EntityNotFoundError) as err:
        await authors.get_or_raise("no-such-id")
    assert "no-such-id" in str(err.value)


async def test_find_filters_by_equality_and_none_matches_missing(authors):
    assert [a.name for a in await authors.find(age=45)] == ["Grace"]
    assert [a.name for a in await authors.find(age=None)] == ["Alan"]
    assert await authors.find(name="Nobody") == []


async def test_find_unknown_field_suggests_the_right_name(authors):
    with pytest.raises(TypeError, match="did you mean 'name'"):
        await authors.find(nmae="Ada")


async def test_find_on_a_relation_points_to_traverse(authors):
    with pytest.raises(TypeError, match="traverse"):
        await authors.find(books=[])


async def test_add_and_delete_flush_immediately(async_driver, authors):
    ada = await authors.find_one(name="Ada")
    await authors.delete(ada)
    result = await async_driver.execute("MATCH (n:Author {name: 'Ada'}) RETURN count(n)")
    assert result.value() == 0
    assert await authors.count() == 2


async def test_query_returns_a_builder_bound_to_the_session(authors):
    names = [a.name for a in await authors.query().where(Author.age > 40).all()]
    assert names == ["Grace"]


async def test_find_all_pages_and_find_all_by_ids_keeps_order(authors):
    every = await authors.find_all()
    assert len(every) == 3
    assert len(await authors.find_all(skip=1, limit=1)) == 1
    ids = [every[2].id, "missing", every[0].id]
    assert [a.id for a in await authors.find_all_by_ids(ids)] == [every[2].id, every[0].id]


async def test_exists_and_count(authors):
    ada = await authors.find_one(name="Ada")
    assert await authors.exists(ada.id) is True
    assert await authors.exists("nope") is False
    assert await authors.count() == 3


async def test_cypher_converts_rows_as_asked(authors):
    assert sorted(await authors.cypher("MATCH (a:Author) RETURN a.name", returns=str)) == ["Ada", "Alan", "Grace"]
    rows = await authors.cypher("MATCH (a:Author) WHERE a.age > $min RETURN a.name AS name", {"min": 40}, returns=dict)
    assert rows == [{"name": "Grace"}]
    entities = await authors.cypher("MATCH (a:Author) WHERE a.name = $n RETURN a", {"n": "Ada"}, returns=Author)
    assert entities == [await authors.find_one(name="Ada")]
    assert await authors.cypher_one("MATCH (a:Author) RETURN count(a)", returns=int) == 3
    raw = await authors.cypher_raw("MATCH (a:Author) RETURN a.name ORDER BY a.name")
    assert raw.values(0) == ["Ada", "Alan", "Grace"]


async def test_edge_repository_finds_by_endpoint(session):
    ada, book = Author(name="Ada"), Book(title="Notes")
    session.add(Wrote(source=ada, target=book, role="editor"))
    await session.flush()
    edges = await AsyncRepository(session, Wrote).find(source=ada)
    assert [(e.role, e.target.title) for e in edges] == [("editor", "Notes")]


async def test_generic_subclass_supplies_the_model(session):
    class AuthorRepo(AsyncRepository[Author]):
        pass

    assert AuthorRepo(session).model is Author


async def test_swapped_arguments_are_explained(session):
    with pytest.raises(TypeError, match="swapped"):
        AsyncRepository(Author, session)


async def test_without_session_uses_the_ambient_one_or_says_how_to_bind(async_driver):
    repo = AsyncRepository(model=Author)
    with pytest.raises(UnboundQueryError, match="with AsyncSession"):
        await repo.count()
    async with AsyncSession(async_driver):
        await repo.add(Author(name="Ambient"))
        assert await repo.count() == 1
