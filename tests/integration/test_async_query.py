"""The async query builder on every live backend, on a small seeded graph.

Where a backend lacks a search kind (fulltext on ArcadeDB and AGE, vector on AGE) the
test asserts the error the user gets instead of the hits.

Twin of test_query.py: the same tests on AsyncSession.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from _query_models import (
    PLAYS,
    SEARCH_SUPPORT,
    SLOTS,
    QAnimal,
    QCat,
    QDoc,
    QDog,
    QMood,
    QMovie,
    QPerson,
    QPost,
    QPuppy,
    QRated,
    QSlot,
    QTeam,
    animals,
    async_seed,
    check_unsupported_search_error,
)

from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import UnboundQueryError, UnsupportedFeatureError
from runic.ogm.query import (
    AsyncQueryBuilder,
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
from runic.ogm.session.async_session import AsyncSession

pytestmark = [pytest.mark.integration]


@pytest.fixture
async def session(async_driver):
    await async_seed(async_driver)
    s = AsyncSession(async_driver)
    try:
        yield s
    finally:
        await s.close()


async def go(session, stmt, terminal="all"):
    return await getattr(stmt.bind(session), terminal)()


def names(entities):
    return sorted(e.name for e in entities)


# -- basics -----------------------------------------------------------------------------------------


async def test_all_returns_hydrated_entities_matching_a_filter(session):
    people = await go(session, select(QPerson).where(QPerson.age > 30))
    assert all(isinstance(p, QPerson) for p in people)
    assert names(people) == ["Ada", "Cy"]


async def test_seed_example_runs(session):
    people = await go(session, select(QPerson).where(QPerson.age > 30).limit(10))
    assert len(people) == 2


async def test_empty_results_give_empty_list_none_and_zero(session):
    stmt = select(QPerson).where(QPerson.age > 200)
    assert await go(session, stmt) == []
    assert await go(session, stmt, "one") is None
    assert await go(session, stmt, "count") == 0
    assert await go(session, stmt, "all_rows") == []
    assert await go(session, stmt.project(QPerson.name), "scalar") is None


async def test_none_values_are_matched_with_null_checks(session):
    assert names(await go(session, select(QPerson).where(QPerson.email == None))) == ["Bob", "Eve"]
    assert names(await go(session, select(QPerson).where(QPerson.city.is_not_null()))) == ["Ada", "Bob", "Cy", "Dee"]
    eve = await go(session, select(QPerson).where(QPerson.key == "eve"), "one")
    assert eve.city is None and eve.email is None


async def test_string_membership_and_boolean_filters(session):
    P = QPerson
    assert names(await go(session, select(P).where(P.name.contains("e")))) == ["Dee", "Eve"]
    assert names(await go(session, select(P).where(P.name.startswith("D") | P.name.endswith("b")))) == ["Bob", "Dee"]
    assert names(await go(session, select(P).where(P.key.in_(["ada", "eve", "nobody"])))) == ["Ada", "Eve"]
    assert names(await go(session, select(P).where(P.city.not_in_(["Paris"])))) == ["Cy", "Dee"]
    assert names(await go(session, select(P).where(~(P.city == "Paris") & (P.age < 40)))) == ["Dee"]


async def test_regex_matches_the_whole_string_and_null_never_matches(session):
    P = QPerson
    assert names(await go(session, select(P).where(P.name.matches("[AB].*")))) == ["Ada", "Bob"]
    assert await go(session, select(P).where(P.name.matches("d"))) == []  # a partial match is no match
    assert names(await go(session, select(P).where(P.email.matches("[a-z]+@example[.]org")))) == ["Ada", "Cy", "Dee"]
    assert names(await go(session, select(P).where(~P.email.matches("ada.*")))) == ["Cy", "Dee"]  # null email: unknown
    assert await go(session, select(P).where(P.city.matches("Par.s")), "count") == 2
    assert names(await go(session, select(P).where(P.name.matches("(?i)[ab].*")))) == ["Ada", "Bob"]


async def test_empty_lists_and_hostile_strings_travel_as_parameters(session, async_driver):
    hostile = "O'Brien $runic$ \\ `x` }) RETURN 1 //"
    await async_driver.execute("CREATE (:QPerson {key: $key, name: $name, age: 1})", {"key": "hostile", "name": hostile})
    P = QPerson
    assert await go(session, select(P).where(P.key.in_([]))) == []
    assert await go(session, select(P).where(P.key.not_in_([])), "count") == 6
    assert [p.key for p in await go(session, select(P).where(P.name == hostile))] == ["hostile"]
    found = await go(session, select(P).where(P.name.startswith("O'B") & P.name.contains("$runic$") & P.name.endswith("//")))
    assert [p.name for p in found] == [hostile]


async def test_order_skip_limit_page_through_results(session):
    ordered = await go(session, select(QPerson).order_by(QPerson.age, desc=True))
    assert [p.name for p in ordered] == ["Cy", "Ada", "Dee", "Bob", "Eve"]
    page = await go(session, select(QPerson).order_by("n.age").skip(1).limit(2))
    assert [p.name for p in page] == ["Bob", "Dee"]
    assert (await go(session, select(QPerson).order_by(QPerson.age), "one")).name == "Eve"


async def test_count_ignores_order_skip_and_limit(session):
    stmt = select(QPerson).where(QPerson.city == "Paris").order_by(QPerson.age).skip(1).limit(1)
    assert await go(session, stmt, "count") == 2
    assert len(await go(session, stmt)) == 1


# -- traversal ---------------------------------------------------------------------------------------


async def test_outgoing_incoming_and_both_directions(session):
    P = QPerson
    dee = select(P).alias("p").where(P.key == "dee")
    assert names(await go(session, select(P).where(P.key == "ada").traverse(P.friends))) == ["Bob", "Cy"]
    assert names(await go(session, dee.traverse(P.fans))) == ["Bob", "Cy"]
    assert names(await go(session, select(P).where(P.key == "bob").traverse(P.knows))) == ["Ada", "Dee"]
    step = TraversalStep("Q_FRIEND", P, "incoming", optional=False)
    assert names(await go(session, dee.traverse(step))) == ["Bob", "Cy"]


async def test_multi_hop_friends_of_friends_keeps_duplicates(session):
    P = QPerson
    stmt = select(P).where(P.key == "ada").traverse(P.friends).alias("f").traverse(P.friends).alias("fof")
    assert names(await go(session, stmt)) == ["Dee", "Dee"]
    assert names(await go(session, stmt.distinct())) == ["Dee"]


async def test_depth_ranges_follow_the_reporting_chain(session):
    P = QPerson
    eve = select(P).where(P.key == "eve")
    assert names(await go(session, eve.repeat(P.manager, min_hops=1, max_hops=2))) == ["Cy", "Dee"]
    assert names(await go(session, eve.repeat(P.manager, min_hops=2))) == ["Ada", "Cy"]
    assert names(await go(session, eve.traverse(P.manager, depth=3))) == ["Ada"]


async def test_optional_traversal_nulls_are_skipped_and_not_counted(session):
    P = QPerson
    stmt = select(P).traverse(P.friends).alias("f")
    friends = await go(session, stmt)
    assert names(friends) == ["Bob", "Cy", "Dee", "Dee"]
    assert await go(session, stmt, "count") == 4
    rows = await go(session, stmt.return_nodes("n", "f"), "all_rows")
    assert len(rows) == 6  # eve, dee have no friends: one row each with f = None
    assert sorted(r["n"].name for r in rows if r["f"] is None) == ["Dee", "Eve"]


async def test_required_traversal_with_distinct_returns_each_source_once(session):
    P = QPerson
    stmt = select(P).alias("p").traverse(P.rated, optional=False).alias("m").return_target("p").distinct()
    assert names(await go(session, stmt)) == ["Ada", "Bob", "Cy"]
    assert await go(session, stmt, "count") == 3


async def test_target_filter_on_an_optional_hop(session):
    P = QPerson
    stmt = select(P).alias("p").where(P.key == "ada").traverse(P.friends).alias("f").where(P.age > 30, on="f")
    assert names(await go(session, stmt)) == ["Cy"]


async def test_with_stage_limits_before_traversing(session):
    P = QPerson
    stmt = (
        select(P).alias("u").where(P.city.is_not_null())
        .order_by(P.age, desc=True).limit(1)
        .with_("u")
        .traverse(P.friends).alias("f")
        .order_by("f.name")
    )
    assert [f.name for f in await go(session, stmt)] == ["Dee"]  # Cy is the oldest; Cy -> Dee


async def test_unlabeled_variable_length_hops_in_both_directions(session):
    step = TraversalStep("Q_REPORTS_TO", None, "both", depth=(1, 2), optional=False)
    found = await go(session, select(QPerson).where(QPerson.key == "dee").traverse(step).alias("x").distinct())
    assert names(found) == ["Ada", "Cy", "Eve"]
    assert await go(session, select(QPerson).where(QPerson.key == "dee").traverse(step).alias("x").distinct(), "count") == 3


async def test_distinct_results_ordered_by_a_property_in_a_stage_and_at_the_end(session):
    P = QPerson
    stmt = (
        select(P).alias("u").traverse(P.friends, optional=False).alias("f")
        .order_by("f.name").distinct().with_("f")
        .where(P.age >= 30, on="f")
    )
    assert names(await go(session, stmt)) == ["Cy", "Dee"]
    assert await go(session, stmt, "count") == 2
    ordered = select(P).traverse(P.friends, optional=False).alias("f").distinct().order_by("f.name", desc=True)
    assert [f.name for f in await go(session, ordered)] == ["Dee", "Cy", "Bob"]
    assert [f.name for f in await go(session, ordered.skip(1).limit(1))] == ["Cy"]


# -- projections and aggregates ----------------------------------------------------------------------------


async def test_projection_rows_are_named_as_rendered(session):
    rows = await go(session, select(QPerson).where(QPerson.city == "Rome").order_by(QPerson.name).project(QPerson.name, "n.age"), "all_rows")
    assert rows == [{"n.name": "Cy", "n.age": 41}, {"n.name": "Dee", "n.age": 30}]
    assert await go(session, select(QPerson).order_by(QPerson.age).project(QPerson.name), "scalars") == ["Eve", "Bob", "Dee", "Ada", "Cy"]


async def test_distinct_projection_and_its_count(session):
    stmt = select(QPerson).project(QPerson.city).distinct()
    cities = await go(session, stmt, "scalars")
    assert sorted(cities, key=str) == sorted(["Paris", "Rome", None], key=str)
    assert await go(session, stmt, "count") == 3


async def test_aggregates_grouped_by_a_property(session):
    P = QPerson
    rows = await go(
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


async def test_aggregates_without_grouping_give_one_row(session):
    P = QPerson
    row = await go(session, select(P).aggregate(sum_(P.age).as_("total"), max_(P.age).as_("oldest"), count(P.city, distinct=True).as_("cities")), "all_rows")
    assert row == [{"total": 151, "oldest": 41, "cities": 2}]
    assert await go(session, select(P).aggregate(count()), "scalar") == 5


async def test_collect_groups_entities_per_alias(session):
    P = QPerson
    rows = await go(
        session,
        select(P).alias("u").traverse(P.friends, optional=False).alias("f")
        .aggregate(collect("f.name").as_("friend_names"), count("f").as_("n_friends"), group_by="u"),
        "all_rows",
    )
    by_name = {r["u"].name: (sorted(r["friend_names"]), r["n_friends"]) for r in rows}
    assert by_name == {"Ada": (["Bob", "Cy"], 2), "Bob": (["Dee"], 1), "Cy": (["Dee"], 1)}
    assert all(isinstance(r["u"], QPerson) for r in rows)


async def test_order_by_an_aggregate_column_with_paging(session):
    P = QPerson
    stmt = (
        select(P).alias("u").traverse(P.friends, optional=False).alias("f")
        .aggregate(count("f").as_("n_friends"), group_by=P.name)
        .order_by("n_friends", desc=True).order_by("u.name").limit(2)
    )
    assert await go(session, stmt, "all_rows") == [{"u.name": "Ada", "n_friends": 2}, {"u.name": "Bob", "n_friends": 1}]


# -- edges ------------------------------------------------------------------------------------------------------


async def test_edge_query_returns_edges_with_their_endpoints(session):
    edges = await go(session, select(QRated).where(QRated.score >= 4).order_by(QRated.score, desc=True))
    assert [e.score for e in edges] == [5, 4]
    assert all(isinstance(e, QRated) for e in edges)
    assert [(e.source.name, e.target.title) for e in edges] == [("Ada", "Alien"), ("Bob", "Alien")]
    assert await go(session, select(QRated).where(QPerson.name == "Ada", on="src"), "count") == 2


async def test_all_with_edges_gives_node_edge_node_tuples_filtered_on_the_edge(session):
    stmt = (
        select(QPerson).alias("u")
        .traverse(QPerson.rated, edge_alias="r", optional=False).alias("m")
        .where(QRated.score > 2, on="r")
        .where(QMovie.year < 2000, on="m")
        .return_nodes("u", "m").return_edge("r")
        .order_by("r.score", desc=True)
    )
    rows = await go(session, stmt, "all_with_edges")
    assert [(u.name, r.score, m.title) for u, r, m in rows] == [("Ada", 5, "Alien"), ("Bob", 4, "Alien"), ("Ada", 3, "Heat")]
    assert isinstance(rows[0][1], QRated)


async def test_optional_edges_are_none_and_edge_queries_filter_on_either_end(session):
    P = QPerson
    stmt = (
        select(P).alias("u").where(P.key.in_(["dee", "cy"]))
        .traverse(P.rated, edge_alias="r").alias("m")
        .return_nodes("u", "m").return_edge("r").order_by("u.name")
    )
    rows = await go(session, stmt, "all_with_edges")
    assert [(u.name, r and r.score, m and m.title) for u, r, m in rows] == [("Cy", 2, "Up"), ("Dee", None, None)]
    up = await go(session, select(QRated).where(QMovie.title == "Up", on="dst"), "one")
    assert (up.score, up.source.name, up.target.title) == (2, "Cy", "Up")
    assert await go(session, select(QRated).where(QMovie.year < 2000, on="dst").where(QRated.score < 5), "count") == 2


async def test_order_by_the_target_of_an_edge_filter(session):
    stmt = (
        select(QPerson).alias("u")
        .traverse(QPerson.rated, edge_alias="r", optional=False).alias("m")
        .where(QRated.score >= 3, on="r")
        .return_target("m")
        .order_by(QMovie.year, desc=True)
    )
    assert [m.title for m in await go(session, stmt)] == ["Heat", "Alien", "Alien"]


# -- polymorphism and typed values --------------------------------------------------------------------------


async def test_subclass_queries_match_their_label_and_hydrate_the_most_specific_class(session, async_driver):
    session.add_all(animals())
    await session.flush()
    everyone = await go(session, select(QAnimal).order_by(QAnimal.key))
    assert [(a.key, type(a)) for a in everyone] == [("a1", QAnimal), ("c1", QCat), ("d1", QDog), ("d2", QPuppy)]
    assert sorted(d.key for d in await go(session, select(QDog))) == ["d1", "d2"]
    assert [p.key for p in await go(session, select(QPuppy))] == ["d2"]
    assert await go(session, select(QCat), "count") == 1
    assert [d.key for d in await go(session, select(QDog).where(QDog.weight > 5.0))] == ["d1"]
    await async_driver.execute(PLAYS)
    tom = select(QAnimal).where(QAnimal.key == "c1")
    assert sorted((d.key, type(d)) for d in await go(session, tom.traverse(QAnimal.pals, optional=False))) == [
        ("d1", QDog), ("d2", QPuppy),
    ]  # the generic animal is no QDog
    assert await go(session, tom.traverse(QAnimal.pals).where(QDog.tame == False, on="t1"), "count") == 0
    assert [d.key for d in await go(session, tom.repeat(QAnimal.pals, min_hops=2))] == ["d2"]


async def test_reserved_words_work_as_property_names(session, async_driver):
    await async_driver.execute(SLOTS)
    S = QSlot
    assert [s.key for s in await go(session, select(S).where(S.order > 1).order_by(S.order, desc=True))] == ["s3", "s1"]
    rows = await go(session, select(S).where(S.end.is_not_null()).order_by(S.end).project(S.end, S.order), "all_rows")
    assert rows == [{"n.end": "a", "n.order": 1}, {"n.end": "b", "n.order": 2}]
    assert await go(session, select(S).aggregate(max_(S.order), group_by=S.end).order_by("n.end"), "all_rows") == [
        {"n.end": "a", "max(n.order)": 1}, {"n.end": "b", "max(n.order)": 2}, {"n.end": None, "max(n.order)": 3},
    ]
    assert await go(session, select(S).project(S.end).distinct(), "count") == 3
    assert [s.key for s in await go(session, select(S).where(S.end.matches("[a-b]") & S.order.in_([2, 3])))] == ["s1"]


async def test_typed_values_are_converted_in_filters(session):
    session.add_all(animals())
    await session.flush()
    A = QAnimal
    assert [a.key for a in await go(session, select(A).where(A.born > datetime(2020, 6, 1, tzinfo=UTC)).order_by(A.born))] == ["d1", "d2"]
    assert sorted(a.key for a in await go(session, select(A).where(A.mood == QMood.ANGRY))) == ["c1", "d1"]
    assert sorted(a.key for a in await go(session, select(A).where(A.mood.in_([QMood.CALM])))) == ["a1", "d2"]
    assert sorted(a.key for a in await go(session, select(A).where(A.tame == True))) == ["d1", "d2"]
    assert await go(session, select(A).where(A.weight < 4.0).project(A.weight), "scalars") == [3.25]
    bit = await go(session, select(A).where(A.key == "d2"), "one")
    assert bit.born == datetime(2024, 3, 1, tzinfo=UTC) and bit.mood is QMood.CALM


# -- other terminals ---------------------------------------------------------------------------------------------


async def test_scalar_and_execute(session):
    assert await go(session, select(QPerson).where(QPerson.key == "cy").project(QPerson.age), "scalar") == 41
    result = await go(session, select(QPerson).where(QPerson.key == "cy"), "execute")
    assert isinstance(result, GraphResult) and result.columns == ["n"] and len(result) == 1


async def test_ambient_session_runs_an_unbound_builder(async_driver):
    await async_seed(async_driver)
    async with AsyncSession(async_driver):
        assert names(await AsyncQueryBuilder(QPerson).where(QPerson.city == "Rome").all()) == ["Cy", "Dee"]
        with pytest.raises(UnboundQueryError, match="not bound to a session"):
            select(QPerson).all()  # sync builders ignore an ambient AsyncSession


# -- search --------------------------------------------------------------------------------------------------------


async def test_vector_knn_is_ordered_by_distance(session, backend):
    if "vector" not in SEARCH_SUPPORT[backend]:
        await assert_unsupported(session, VectorQueryBuilder(QDoc).near([1.0, 0.0, 0.0], k=3), backend, "vector")
        return
    hits = await go(session, VectorQueryBuilder(QDoc).near([1.0, 0.0, 0.0], k=3), "all_with_scores")
    keys = [d.key for d, _ in hits]
    assert keys[:2] == ["d3", "d4"] and keys[2] in {"d1", "d2"}
    scores = [s for _, s in hits]
    assert scores == sorted(scores) and scores[0] == pytest.approx(0.0, abs=1e-6)
    filtered = await go(session, VectorQueryBuilder(QDoc).near([1.0, 0.0, 0.0], k=2).where(QDoc.lang == "en"))
    assert filtered[0].key == "d4" and filtered[1].key in {"d1", "d2"} and len(filtered) == 2
    rows = await go(session, VectorQueryBuilder(QDoc).near([0.0, 0.0, 1.0], k=1), "all_rows")
    assert rows[0]["n"].key == "d1" and rows[0]["__score"] == pytest.approx(0.0, abs=1e-6)


async def test_fulltext_hits_come_with_relevance_scores(session, backend):
    if "fulltext" not in SEARCH_SUPPORT[backend]:
        await assert_unsupported(session, FulltextQueryBuilder(QPost).search("graph"), backend, "fulltext")
        return
    hits = await go(session, FulltextQueryBuilder(QPost).search("graph"), "all_with_scores")
    assert sorted(p.key for p, _ in hits) == ["p1", "p3"]
    assert all(isinstance(s, float) and s > 0 for _, s in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert await go(session, FulltextQueryBuilder(QPost).search("pasta"), "count") == 1
    assert await go(session, FulltextQueryBuilder(QPost).search("nothingmatches"), "all") == []


async def test_search_without_backend_support_fails_before_reaching_the_database(session, backend):
    """Every search kind a backend lacks raises the same clear error from every terminal and from build()."""
    stmts = {
        "fulltext": FulltextQueryBuilder(QPost).search("graph"),
        "vector": VectorQueryBuilder(QDoc).near([1.0, 0.0, 0.0], k=2).where(QDoc.lang == "en"),
    }
    missing = sorted(set(stmts) - SEARCH_SUPPORT[backend])
    for kind in missing:
        for terminal in ("all", "one", "count", "all_rows", "all_with_scores", "execute"):
            await assert_unsupported(session, stmts[kind], backend, kind, terminal)
    assert len(missing) == {"falkordb": 0, "arcadedb": 1, "age": 2}.get(backend, len(missing))


async def assert_unsupported(session, stmt, backend, kind, terminal="all"):
    """Both the terminal and build() raise the clear error (no database round trip)."""
    with pytest.raises(UnsupportedFeatureError) as err:
        await go(session, stmt, terminal)
    check_unsupported_search_error(err.value, backend, kind)
    with pytest.raises(UnsupportedFeatureError) as err:
        stmt.bind(session).build()
    check_unsupported_search_error(err.value, backend, kind)


# -- eager relations and the session's statement API -----------------------------------------------------


async def test_eager_relations_are_loaded_with_the_result(session):
    teams = await go(session, select(QTeam))
    assert len(teams) == 1
    assert "members" in teams[0].__dict__  # loaded by the query, not on first access
    assert names(teams[0].members) == ["Ada", "Bob"]


async def test_session_statement_api_runs_builders(session, backend):
    stmt = select(QPerson).where(QPerson.city == "Paris").order_by(QPerson.name)
    assert [p.name for p in await session.scalars(stmt)] == ["Ada", "Bob"]
    assert await session.count(stmt) == 2
    assert (await session.scalar(stmt)).name == "Ada"
    assert await session.all_rows(stmt.project(QPerson.name)) == [{"n.name": "Ada"}, {"n.name": "Bob"}]
    assert names(await session.query(QPerson).where(QPerson.age < 20).all()) == ["Eve"]
    fulltext = session.fulltext_search(QPost, query="pasta")
    if "fulltext" in SEARCH_SUPPORT[backend]:
        assert [p.key for p in await fulltext.all()] == ["p2"]
    else:
        await assert_unsupported(session, fulltext, backend, "fulltext")
    near = session.vector_search(QDoc, field=QDoc.embedding, vector=[0.0, 1.0, 0.0], k=1)
    if "vector" in SEARCH_SUPPORT[backend]:
        assert [d.key for d in await near.all()] == ["d2"]
    else:
        await assert_unsupported(session, near, backend, "vector")


async def test_same_statement_runs_again_with_other_filters(session):
    base = select(QPerson).order_by(QPerson.name)
    young = base.where(QPerson.age < 30)
    assert names(await go(session, young)) == ["Bob", "Eve"]
    assert len(await go(session, base)) == 5  # the receiver kept no filter
