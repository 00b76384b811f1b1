"""The query builder against the embedded FalkorDB, on a small seeded graph.

Twin: test_async_query.py has the same tests on AsyncSession.
"""

from __future__ import annotations

import pytest
from _query_models import INDEXES, SEED, QDoc, QMovie, QPerson, QPost, QRated, QTeam

from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import UnboundQueryError
from runic.ogm.query import (
    FulltextQueryBuilder,
    TraversalStep,
    VectorQueryBuilder,
    avg,
    collect,
    count,
    max_,
    min_,
    select,
    sum_,
)
from runic.ogm.session.session import Session

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
def session(falkordb_driver):
    for ddl in INDEXES:  # indexes first: FalkorDB fills an index over existing nodes in the background
        falkordb_driver.execute(ddl)
    falkordb_driver.execute(SEED)
    s = Session(falkordb_driver)
    try:
        yield s
    finally:
        s.close()


def go(session, stmt, terminal="all"):
    return getattr(stmt.bind(session), terminal)()


def names(entities):
    return sorted(e.name for e in entities)


# -- basics -----------------------------------------------------------------------------------------


def test_all_returns_hydrated_entities_matching_a_filter(session):
    people = go(session, select(QPerson).where(QPerson.age > 30))
    assert all(isinstance(p, QPerson) for p in people)
    assert names(people) == ["Ada", "Cy"]


def test_seed_example_runs(session):
    people = go(session, select(QPerson).where(QPerson.age > 30).limit(10))
    assert len(people) == 2


def test_empty_results_give_empty_list_none_and_zero(session):
    stmt = select(QPerson).where(QPerson.age > 200)
    assert go(session, stmt) == []
    assert go(session, stmt, "one") is None
    assert go(session, stmt, "count") == 0
    assert go(session, stmt, "all_rows") == []
    assert go(session, stmt.project(QPerson.name), "scalar") is None


def test_none_values_are_matched_with_null_checks(session):
    assert names(go(session, select(QPerson).where(QPerson.email == None))) == ["Bob", "Eve"]
    assert names(go(session, select(QPerson).where(QPerson.city.is_not_null()))) == ["Ada", "Bob", "Cy", "Dee"]
    eve = go(session, select(QPerson).where(QPerson.key == "eve"), "one")
    assert eve.city is None and eve.email is None


def test_string_membership_and_boolean_filters(session):
    P = QPerson
    assert names(go(session, select(P).where(P.name.contains("e")))) == ["Dee", "Eve"]
    assert names(go(session, select(P).where(P.name.startswith("D") | P.name.endswith("b")))) == ["Bob", "Dee"]
    assert names(go(session, select(P).where(P.key.in_(["ada", "eve", "nobody"])))) == ["Ada", "Eve"]
    assert names(go(session, select(P).where(P.city.not_in_(["Paris"])))) == ["Cy", "Dee"]
    assert names(go(session, select(P).where(~(P.city == "Paris") & (P.age < 40)))) == ["Dee"]


def test_order_skip_limit_page_through_results(session):
    ordered = go(session, select(QPerson).order_by(QPerson.age, desc=True))
    assert [p.name for p in ordered] == ["Cy", "Ada", "Dee", "Bob", "Eve"]
    page = go(session, select(QPerson).order_by("n.age").skip(1).limit(2))
    assert [p.name for p in page] == ["Bob", "Dee"]
    assert go(session, select(QPerson).order_by(QPerson.age), "one").name == "Eve"


def test_count_ignores_order_skip_and_limit(session):
    stmt = select(QPerson).where(QPerson.city == "Paris").order_by(QPerson.age).skip(1).limit(1)
    assert go(session, stmt, "count") == 2
    assert len(go(session, stmt)) == 1


# -- traversal ---------------------------------------------------------------------------------------


def test_outgoing_incoming_and_both_directions(session):
    P = QPerson
    dee = select(P).alias("p").where(P.key == "dee")
    assert names(go(session, select(P).where(P.key == "ada").traverse(P.friends))) == ["Bob", "Cy"]
    assert names(go(session, dee.traverse(P.fans))) == ["Bob", "Cy"]
    assert names(go(session, select(P).where(P.key == "bob").traverse(P.knows))) == ["Ada", "Dee"]
    step = TraversalStep("Q_FRIEND", P, "incoming", optional=False)
    assert names(go(session, dee.traverse(step))) == ["Bob", "Cy"]


def test_multi_hop_friends_of_friends_keeps_duplicates(session):
    P = QPerson
    stmt = select(P).where(P.key == "ada").traverse(P.friends).alias("f").traverse(P.friends).alias("fof")
    assert names(go(session, stmt)) == ["Dee", "Dee"]
    assert names(go(session, stmt.distinct())) == ["Dee"]


def test_depth_ranges_follow_the_reporting_chain(session):
    P = QPerson
    eve = select(P).where(P.key == "eve")
    assert names(go(session, eve.repeat(P.manager, min_hops=1, max_hops=2))) == ["Cy", "Dee"]
    assert names(go(session, eve.repeat(P.manager, min_hops=2))) == ["Ada", "Cy"]
    assert names(go(session, eve.traverse(P.manager, depth=3))) == ["Ada"]


def test_optional_traversal_nulls_are_skipped_and_not_counted(session):
    P = QPerson
    stmt = select(P).traverse(P.friends).alias("f")
    friends = go(session, stmt)
    assert names(friends) == ["Bob", "Cy", "Dee", "Dee"]
    assert go(session, stmt, "count") == 4
    rows = go(session, stmt.return_nodes("n", "f"), "all_rows")
    assert len(rows) == 6  # eve, dee have no friends: one row each with f = None
    assert sorted(r["n"].name for r in rows if r["f"] is None) == ["Dee", "Eve"]


def test_required_traversal_with_distinct_returns_each_source_once(session):
    P = QPerson
    stmt = select(P).alias("p").traverse(P.rated, optional=False).alias("m").return_target("p").distinct()
    assert names(go(session, stmt)) == ["Ada", "Bob", "Cy"]
    assert go(session, stmt, "count") == 3


def test_target_filter_on_an_optional_hop(session):
    P = QPerson
    stmt = select(P).alias("p").where(P.key == "ada").traverse(P.friends).alias("f").where(P.age > 30, on="f")
    assert names(go(session, stmt)) == ["Cy"]


def test_with_stage_limits_before_traversing(session):
    P = QPerson
    stmt = (
        select(P).alias("u").where(P.city.is_not_null())
        .order_by(P.age, desc=True).limit(1)
        .with_("u")
        .traverse(P.friends).alias("f")
        .order_by("f.name")
    )
    assert [f.name for f in go(session, stmt)] == ["Dee"]  # Cy is the oldest; Cy -> Dee


# -- projections and aggregates ----------------------------------------------------------------------------


def test_projection_rows_are_named_as_rendered(session):
    rows = go(session, select(QPerson).where(QPerson.city == "Rome").order_by(QPerson.name).project(QPerson.name, "n.age"), "all_rows")
    assert rows == [{"n.name": "Cy", "n.age": 41}, {"n.name": "Dee", "n.age": 30}]
    assert go(session, select(QPerson).order_by(QPerson.age).project(QPerson.name), "scalars") == ["Eve", "Bob", "Dee", "Ada", "Cy"]


def test_distinct_projection_and_its_count(session):
    stmt = select(QPerson).project(QPerson.city).distinct()
    cities = go(session, stmt, "scalars")
    assert sorted(cities, key=str) == sorted(["Paris", "Rome", None], key=str)
    assert go(session, stmt, "count") == 3


def test_aggregates_grouped_by_a_property(session):
    P = QPerson
    rows = go(
        session,
        select(P).where(P.city.is_not_null())
        .aggregate(count().as_("people"), avg(P.age).as_("mean_age"), min_(P.age).as_("youngest"), group_by=P.city)
        .order_by("n.city"),
        "all_rows",
    )
    assert rows == [
        {"n.city": "Paris", "people": 2, "mean_age": 30.5, "youngest": 25},
        {"n.city": "Rome", "people": 2, "mean_age": 35.5, "youngest": 30},
    ]


def test_aggregates_without_grouping_give_one_row(session):
    P = QPerson
    row = go(session, select(P).aggregate(sum_(P.age).as_("total"), max_(P.age).as_("oldest"), count(P.city, distinct=True).as_("cities")), "all_rows")
    assert row == [{"total": 151, "oldest": 41, "cities": 2}]
    assert go(session, select(P).aggregate(count()), "scalar") == 5


def test_collect_groups_entities_per_alias(session):
    P = QPerson
    rows = go(
        session,
        select(P).alias("u").traverse(P.friends, optional=False).alias("f")
        .aggregate(collect("f.name").as_("friend_names"), count("f").as_("n_friends"), group_by="u"),
        "all_rows",
    )
    by_name = {r["u"].name: (sorted(r["friend_names"]), r["n_friends"]) for r in rows}
    assert by_name == {"Ada": (["Bob", "Cy"], 2), "Bob": (["Dee"], 1), "Cy": (["Dee"], 1)}
    assert all(isinstance(r["u"], QPerson) for r in rows)


# -- edges ------------------------------------------------------------------------------------------------------


def test_edge_query_returns_edges_with_their_endpoints(session):
    edges = go(session, select(QRated).where(QRated.score >= 4).order_by(QRated.score, desc=True))
    assert [e.score for e in edges] == [5, 4]
    assert all(isinstance(e, QRated) for e in edges)
    assert [(e.source.name, e.target.title) for e in edges] == [("Ada", "Alien"), ("Bob", "Alien")]
    assert go(session, select(QRated).where(QPerson.name == "Ada", on="src"), "count") == 2


def test_all_with_edges_gives_node_edge_node_tuples_filtered_on_the_edge(session):
    stmt = (
        select(QPerson).alias("u")
        .traverse(QPerson.rated, edge_alias="r", optional=False).alias("m")
        .where(QRated.score > 2, on="r")
        .where(QMovie.year < 2000, on="m")
        .return_nodes("u", "m").return_edge("r")
        .order_by("r.score", desc=True)
    )
    rows = go(session, stmt, "all_with_edges")
    assert [(u.name, r.score, m.title) for u, r, m in rows] == [("Ada", 5, "Alien"), ("Bob", 4, "Alien"), ("Ada", 3, "Heat")]
    assert isinstance(rows[0][1], QRated)


def test_order_by_the_target_of_an_edge_filter(session):
    stmt = (
        select(QPerson).alias("u")
        .traverse(QPerson.rated, edge_alias="r", optional=False).alias("m")
        .where(QRated.score >= 3, on="r")
        .return_target("m")
        .order_by(QMovie.year, desc=True)
    )
    assert [m.title for m in go(session, stmt)] == ["Heat", "Alien", "Alien"]


# -- other terminals ---------------------------------------------------------------------------------------------


def test_scalar_and_execute(session):
    assert go(session, select(QPerson).where(QPerson.key == "cy").project(QPerson.age), "scalar") == 41
    result = go(session, select(QPerson).where(QPerson.key == "cy"), "execute")
    assert isinstance(result, GraphResult) and result.columns == ["n"] and len(result) == 1


def test_ambient_session_runs_an_unbound_builder(falkordb_driver):
    falkordb_driver.execute(SEED)
    with Session(falkordb_driver):
        assert names(select(QPerson).where(QPerson.city == "Rome").all()) == ["Cy", "Dee"]
    with pytest.raises(UnboundQueryError, match="not bound to a session"):
        select(QPerson).all()  # the ambient session ended with the block


# -- search --------------------------------------------------------------------------------------------------------


def test_vector_knn_is_ordered_by_distance(session):
    hits = go(session, VectorQueryBuilder(QDoc).near([1.0, 0.0, 0.0], k=3), "all_with_scores")
    keys = [d.key for d, _ in hits]
    assert keys[:2] == ["d3", "d4"] and keys[2] in {"d1", "d2"}
    scores = [s for _, s in hits]
    assert scores == sorted(scores) and scores[0] == pytest.approx(0.0, abs=1e-6)
    filtered = go(session, VectorQueryBuilder(QDoc).near([1.0, 0.0, 0.0], k=2).where(QDoc.lang == "en"))
    assert filtered[0].key == "d4" and filtered[1].key in {"d1", "d2"} and len(filtered) == 2
    rows = go(session, VectorQueryBuilder(QDoc).near([0.0, 0.0, 1.0], k=1), "all_rows")
    assert rows[0]["n"].key == "d1" and rows[0]["__score"] == pytest.approx(0.0, abs=1e-6)


def test_fulltext_hits_come_with_relevance_scores(session):
    hits = go(session, FulltextQueryBuilder(QPost).search("graph"), "all_with_scores")
    assert sorted(p.key for p, _ in hits) == ["p1", "p3"]
    assert all(isinstance(s, float) and s > 0 for _, s in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert go(session, FulltextQueryBuilder(QPost).search("pasta"), "count") == 1
    assert go(session, FulltextQueryBuilder(QPost).search("nothingmatches"), "all") == []


# -- eager relations and the session's statement API -----------------------------------------------------


def test_eager_relations_are_loaded_with_the_result(session):
    teams = go(session, select(QTeam))
    assert len(teams) == 1
    assert "members" in teams[0].__dict__  # loaded by the query, not on first access
    assert names(teams[0].members) == ["Ada", "Bob"]


def test_session_statement_api_runs_builders(session):
    stmt = select(QPerson).where(QPerson.city == "Paris").order_by(QPerson.name)
    assert [p.name for p in session.scalars(stmt)] == ["Ada", "Bob"]
    assert session.count(stmt) == 2
    assert (session.scalar(stmt)).name == "Ada"
    assert session.all_rows(stmt.project(QPerson.name)) == [{"n.name": "Ada"}, {"n.name": "Bob"}]
    assert names(session.query(QPerson).where(QPerson.age < 20).all()) == ["Eve"]
    hits = session.fulltext_search(QPost, query="pasta").all()
    assert [p.key for p in hits] == ["p2"]
    near = session.vector_search(QDoc, field=QDoc.embedding, vector=[0.0, 1.0, 0.0], k=1).all()
    assert [d.key for d in near] == ["d2"]


def test_same_statement_runs_again_with_other_filters(session):
    base = select(QPerson).order_by(QPerson.name)
    young = base.where(QPerson.age < 30)
    assert names(go(session, young)) == ["Bob", "Eve"]
    assert len(go(session, base)) == 5  # the receiver kept no filter
