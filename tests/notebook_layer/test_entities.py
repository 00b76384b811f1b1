"""The notebook layer with OGM models: entity cards, builder reprs, hydration, converters."""

from __future__ import annotations

import pytest
from _notebook_helpers import cell
from _notebook_models import NbCompany, NbKnows, NbPerson

from runic.notebook.convert import from_dataframe, to_dataframe, to_networkx
from runic.ogm import Session, select
from runic.ogm.core.state import inspect

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
def people(conn):
    with Session(conn.driver) as session:
        acme = NbCompany(name="Acme")
        ada = NbPerson(name="Ada", age=36, api_token="tok-123-secret", employer=acme)
        bob = NbPerson(name="Bob", age=25)
        session.add(acme)
        session.add(ada)
        session.add(bob)
        session.add(NbKnows(source=ada, target=bob, since=2020))
        session.commit()
    return conn


def _formats(shell, obj):
    data, _ = shell.display_formatter.format(obj)
    return data


def test_entity_card_shows_label_properties_state_and_id_without_secrets(shell, people):
    with Session(people.driver) as session:
        ada = session.get(NbPerson, "Ada")
        data = _formats(shell, ada)
        html = data["text/html"]
        assert 'class="runic-chip">NbPerson<' in html
        assert "persistent" in html and f"id {inspect(ada).element_id}" in html
        assert "api_token" in html and "tok-123-secret" not in html and "***" in html
        assert data["text/plain"].startswith("NbPerson(") and "tok-123" not in data["text/plain"]
    fresh = NbPerson(name="Cyd")
    assert "transient" in _formats(shell, fresh)["text/html"] and "not saved" in _formats(shell, fresh)["text/html"]


def test_builder_repr_shows_cypher_and_params_and_runs_nothing(shell, people):
    before = cell(shell, "", "MATCH (n) RETURN count(n) AS c").value()
    data = _formats(shell, select(NbPerson).where(NbPerson.age > 30))
    html = data["text/html"]
    assert '<span class="runic-kw">MATCH</span>' in html and "NbPerson" in html
    assert "not run" in html and "30" in html
    assert "WHERE" in data["text/plain"] and "= 30" in data["text/plain"]
    assert cell(shell, "", "MATCH (n) RETURN count(n) AS c").value() == before


def test_list_of_entities_is_a_table(shell, people):
    with Session(people.driver) as session:
        everyone = select(NbPerson).bind(session).order_by(NbPerson.name).all()
        html = _formats(shell, everyone)["text/html"]
    assert "<table" in html and "Ada" in html and "Bob" in html and "2 entities" in html
    assert "tok-123-secret" not in html


def test_entities_hydrate_registered_models(shell, people):
    result = cell(shell, "", "MATCH (p:NbPerson {name: 'Ada'})-[w:NB_WORKS_AT]->(c) RETURN p, w, c")
    detached = result.entities()
    assert [type(e).__name__ for e in detached[:2]] == ["NbPerson", "NbCompany"]
    assert detached[0].name == "Ada" and detached[0].age == 36
    with Session(people.driver) as session:
        ada = session.get(NbPerson, "Ada")
        hydrated = result.entities(session=session)
        assert hydrated[0] is ada  # through the identity map


def test_to_dataframe_runs_a_builder(people):
    with Session(people.driver) as session:
        df = to_dataframe(select(NbPerson).bind(session).order_by(NbPerson.name))
    assert df["name"].tolist() == ["Ada", "Bob"] and df["age"].dtype == "int64"


def test_to_dataframe_and_networkx_of_entity_lists(people):
    with Session(people.driver) as session:
        everyone = select(NbPerson).bind(session).order_by(NbPerson.name).all()
        df = to_dataframe(everyone)
        G = to_networkx(everyone)
    assert df["name"].tolist() == ["Ada", "Bob"]
    assert sorted(a["name"] for _, a in G.nodes(data=True)) == ["Ada", "Bob"]


def test_from_dataframe_through_a_session(people):
    import pandas as pd

    with Session(people.driver) as session:
        from_dataframe(pd.DataFrame({"name": ["Ada", "Dee"], "age": [37, 50]}), NbPerson, session, key="name")
    rows = people.driver.execute("MATCH (p:NbPerson) RETURN p.name, p.age ORDER BY p.name").rows
    assert rows == [["Ada", 37], ["Bob", 25], ["Dee", 50]]
