"""Repository against the embedded FalkorDB. Twin: test_async_repository.py."""

from __future__ import annotations

import pytest
from _repo_models import Author, Book, Wrote

from runic.ogm import EntityNotFoundError, Repository, Session, UnboundQueryError

pytestmark = [pytest.mark.integration]


@pytest.fixture
def session(driver):
    with Session(driver) as s:
        yield s


@pytest.fixture
def authors(session):
    repo = Repository(session, Author)
    repo.add_all([Author(name="Ada", age=36), Author(name="Grace", age=45), Author(name="Alan")])
    return repo


def test_get_returns_entity_by_primary_key_or_none(authors):
    ada = authors.find_one(name="Ada")
    assert authors.get(ada.id) is ada
    assert authors.get("no-such-id") is None


def test_get_or_raise_names_the_missing_key(authors):
    with pytest.raises(EntityNotFoundError) as err:
        authors.get_or_raise("no-such-id")
    assert "no-such-id" in str(err.value)


def test_find_filters_by_equality_and_none_matches_missing(authors):
    assert [a.name for a in authors.find(age=45)] == ["Grace"]
    assert [a.name for a in authors.find(age=None)] == ["Alan"]
    assert authors.find(name="Nobody") == []


def test_find_unknown_field_suggests_the_right_name(authors):
    with pytest.raises(TypeError, match="did you mean 'name'"):
        authors.find(nmae="Ada")


def test_find_on_a_relation_points_to_traverse(authors):
    with pytest.raises(TypeError, match="traverse"):
        authors.find(books=[])


def test_add_and_delete_flush_immediately(driver, authors):
    ada = authors.find_one(name="Ada")
    authors.delete(ada)
    assert driver.execute("MATCH (n:Author {name: 'Ada'}) RETURN count(n)").value() == 0
    assert authors.count() == 2


def test_query_returns_a_builder_bound_to_the_session(authors):
    names = [a.name for a in authors.query().where(Author.age > 40).all()]
    assert names == ["Grace"]


def test_find_all_pages_and_find_all_by_ids_keeps_order(authors):
    every = authors.find_all()
    assert len(every) == 3
    assert len(authors.find_all(skip=1, limit=1)) == 1
    ids = [every[2].id, "missing", every[0].id]
    assert [a.id for a in authors.find_all_by_ids(ids)] == [every[2].id, every[0].id]


def test_exists_and_count(authors):
    ada = authors.find_one(name="Ada")
    assert authors.exists(ada.id) is True
    assert authors.exists("nope") is False
    assert authors.count() == 3


def test_cypher_converts_rows_as_asked(authors):
    assert sorted(authors.cypher("MATCH (a:Author) RETURN a.name", returns=str)) == ["Ada", "Alan", "Grace"]
    rows = authors.cypher("MATCH (a:Author) WHERE a.age > $min RETURN a.name AS name", {"min": 40}, returns=dict)
    assert rows == [{"name": "Grace"}]
    entities = authors.cypher("MATCH (a:Author) WHERE a.name = $n RETURN a", {"n": "Ada"}, returns=Author)
    assert entities == [authors.find_one(name="Ada")]
    assert authors.cypher_one("MATCH (a:Author) RETURN count(a)", returns=int) == 3
    assert authors.cypher_raw("MATCH (a:Author) RETURN a.name ORDER BY a.name").values(0) == ["Ada", "Alan", "Grace"]


def test_edge_repository_finds_by_endpoint(session):
    ada, book = Author(name="Ada"), Book(title="Notes")
    session.add(Wrote(source=ada, target=book, role="editor"))
    session.flush()
    edges = Repository(session, Wrote).find(source=ada)
    assert [(e.role, e.target.title) for e in edges] == [("editor", "Notes")]


def test_generic_subclass_supplies_the_model(session):
    class AuthorRepo(Repository[Author]):
        pass

    assert AuthorRepo(session).model is Author


def test_swapped_arguments_are_explained(session):
    with pytest.raises(TypeError, match="swapped"):
        Repository(Author, session)


def test_without_session_uses_the_ambient_one_or_says_how_to_bind(driver):
    repo = Repository(model=Author)
    with pytest.raises(UnboundQueryError, match="with Session"):
        repo.count()
    with Session(driver):
        repo.add(Author(name="Ambient"))
        assert repo.count() == 1
