"""Every builder method as compiled Cypher (FalkorDB dialect unless said otherwise)."""

from __future__ import annotations

import re
import types

import pytest

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.metadata import get_metadata
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import Vector
from runic.ogm.driver.base import GraphDialect
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.exceptions import (
    FieldValidationError,
    MetadataError,
    UnboundQueryError,
    UnsupportedFeatureError,
)
from runic.ogm.query import (
    AsyncQueryBuilder,
    FulltextQueryBuilder,
    QueryBuilder,
    TraversalStep,
    VectorQueryBuilder,
    avg,
    collect,
    count,
    max_,
    select,
)
from runic.ogm.query.compiler import compile_query

pytestmark = [pytest.mark.unit]


def _define_models() -> types.SimpleNamespace:
    class Person(Node):
        name: str | None = Field(default=None)
        age: int = Field(default=0)
        email: str | None = Field(default=None)
        friends: list[Person] = Relation("FRIEND_OF", target="Person")
        fans: list[Person] = Relation("FRIEND_OF", target="Person", direction="incoming")
        knows: list[Person] = Relation("KNOWS", target="Person", direction="both")

    class Employee(Node):
        id: str = Field(primary_key=True)
        name: str | None = Field(default=None)
        reports_to: list[Employee] = Relation("REPORTS_TO", target="Employee")

    class Manager(Employee):
        level: int = Field(default=1)

    class Order(Node):
        status: str | None = Field(default=None)
        amount: float = Field(default=0.0)
        region: str | None = Field(default=None)

    class Doc(Node):
        lang: str | None = Field(default=None)
        embedding: Vector | None = Field(default=None, vector=True, dimension=3)

    class Post(Node):
        title: str | None = Field(default=None, fulltext=True)
        body: str | None = Field(default=None, fulltext=True)
        published: bool = Field(default=False)

    class Movie(Node):
        title: str | None = Field(default=None)
        year: int = Field(default=0)

    class Rated(Edge):
        __type__ = "RATED"
        source: User
        target: Movie
        score: float = Field(default=0.0)

    class User(Node):
        name: str | None = Field(default=None)
        rated: list[Movie] = Relation("RATED", target=Movie, edge_model=Rated)

    get_metadata().finalize()
    return types.SimpleNamespace(**{c.__name__: c for c in (Person, Employee, Manager, Order, Doc, Post, Movie, Rated, User)})


@pytest.fixture(scope="module")
def m():
    registry = get_metadata()
    saved = registry.snapshot()  # the example labels (Person, Order, ...) are common: keep them out of other tests
    registry.clear()
    try:
        yield _define_models()
    finally:
        registry.restore(saved)


@pytest.fixture
def fdb():
    return FalkorDBDialect()


def cy(builder, dialect=None):
    return builder.build(dialect or FalkorDBDialect())


# -- the compiled examples of the spec ------------------------------------------------------------


def test_seed_example_compiles_exactly(m):
    cypher, params = cy(select(m.Person).where(m.Person.age > 30).limit(10))
    assert cypher == "MATCH (n:Person)\nWHERE n.age > $p0\nRETURN n\nLIMIT 10"
    assert params == {"p0": 30}


def test_alias_traverse_and_scoped_where_example(m):
    P = m.Person
    q = select(P).alias("p").where(P.name == "Ada").traverse(P.friends).alias("f").where(P.age > 25, on="f")
    cypher, params = cy(q)
    assert cypher == (
        "MATCH (p:Person)\n"
        "WHERE p.name = $p0\n"
        "OPTIONAL MATCH (p)-[:FRIEND_OF]->(f:Person)\n"
        "WHERE f.age > $p1\n"
        "RETURN f"
    )
    assert params == {"p0": "Ada", "p1": 25}


def test_traversal_step_with_depth_range_example(m):
    E = m.Employee
    step = TraversalStep("REPORTS_TO", E, "outgoing", depth=(1, 5), optional=False)
    cypher, params = cy(select(E).where(E.id == "e7").traverse(step).distinct())
    assert cypher == (
        "MATCH (n:Employee)\n"
        "WHERE n.id = $p0\n"
        "MATCH (n)-[:REPORTS_TO*1..5]->(t1:Employee)\n"
        "RETURN DISTINCT t1"
    )
    assert params == {"p0": "e7"}


def test_grouped_aggregate_example(m):
    O = m.Order
    q = select(O).where(O.status == "paid").aggregate(
        count().as_("orders"), avg(O.amount).as_("avg_amount"), group_by=O.region
    )
    cypher, params = cy(q)
    assert cypher == (
        "MATCH (n:Order)\n"
        "WHERE n.status = $p0\n"
        "RETURN n.region, count(*) AS orders, avg(n.amount) AS avg_amount"
    )
    assert params == {"p0": "paid"}


def test_vector_near_with_filter_example(m):
    q = [0.1, 0.2, 0.3]
    cypher, params = cy(VectorQueryBuilder(m.Doc).near(q, k=5).where(m.Doc.lang == "en"))
    assert cypher == (
        "CALL db.idx.vector.queryNodes('Doc', 'embedding', $__knn_k, vecf32($__knn_vec))\n"
        "  YIELD node AS n, score AS __score\n"
        "WITH n, __score\n"
        "WHERE n.lang = $p0\n"
        "RETURN n, __score\n"
        "ORDER BY __score ASC\n"
        "LIMIT 5"
    )
    assert params == {"__knn_k": 50, "__knn_vec": q, "p0": "en"}


# -- filters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, text",
    [
        (lambda P: P.age == 3, "n.age = $p0"),
        (lambda P: P.age != 3, "n.age <> $p0"),
        (lambda P: P.age < 3, "n.age < $p0"),
        (lambda P: P.age <= 3, "n.age <= $p0"),
        (lambda P: P.age >= 3, "n.age >= $p0"),
        (lambda P: P.name.contains("a"), "n.name CONTAINS $p0"),
        (lambda P: P.name.startswith("a"), "n.name STARTS WITH $p0"),
        (lambda P: P.name.endswith("a"), "n.name ENDS WITH $p0"),
        (
            lambda P: P.name.matches("a.*"),
            "CASE WHEN n.name IS NULL OR $p0 IS NULL THEN null ELSE size(string.matchRegEx(n.name, $p0)) > 0 END",
        ),
        (lambda P: P.age.in_([1, 2]), "n.age IN $p0"),
        (lambda P: P.age.not_in_([1, 2]), "NOT n.age IN $p0"),
    ],
)
def test_each_operator_renders_with_one_parameter(m, make, text):
    cypher, params = cy(select(m.Person).where(make(m.Person)))
    assert cypher.splitlines()[1] == "WHERE " + text
    assert list(params) == ["p0"]


def test_null_checks_take_no_parameter(m):
    P = m.Person
    for expr, text in [
        (P.name == None, "n.name IS NULL"),
        (P.name != None, "n.name IS NOT NULL"),
        (P.name.is_null(), "n.name IS NULL"),
        (P.name.is_not_null(), "n.name IS NOT NULL"),
    ]:
        cypher, params = cy(select(P).where(expr))
        assert cypher.splitlines()[1] == "WHERE " + text
        assert params == {}


def test_in_sends_one_list_parameter(m):
    _, params = cy(select(m.Person).where(m.Person.name.in_(("a", "b"))))
    assert params == {"p0": ["a", "b"]}


def test_and_or_not_render_parenthesised_and_flattened(m):
    P = m.Person
    cypher, params = cy(select(P).where(((P.age > 1) & (P.age < 9) & (P.name == "x")) | ~(P.email == "e")))
    assert cypher.splitlines()[1] == (
        "WHERE ((n.age > $p0) AND (n.age < $p1) AND (n.name = $p2)) OR (NOT (n.email = $p3))"
    )
    assert params == {"p0": 1, "p1": 9, "p2": "x", "p3": "e"}


def test_several_where_calls_and_arguments_are_anded(m):
    P = m.Person
    a, _ = cy(select(P).where(P.age > 1).where(P.name == "x"))
    b, _ = cy(select(P).where(P.age > 1, P.name == "x"))
    assert a == b
    assert a.splitlines()[1] == "WHERE (n.age > $p0) AND (n.name = $p1)"


def test_where_refuses_non_expressions_with_a_hint(m):
    with pytest.raises(TypeError, match="&"):
        select(m.Person).where(True)  # type: ignore[arg-type]


def test_where_on_a_class_absent_from_the_query_names_the_fix(m):
    with pytest.raises(ValueError, match="on="):
        select(m.Person).where(m.Order.status == "x")


def test_where_on_an_unknown_alias_is_refused(m):
    with pytest.raises(ValueError, match="known"):
        select(m.Person).where(m.Person.age > 1, on="zz")


# -- order, skip, limit ----------------------------------------------------------------------------------


def test_order_by_fields_strings_and_order_exprs(m):
    P = m.Person
    cypher, _ = cy(select(P).order_by(P.name).order_by(P.age, desc=True).order_by(P.email.desc(), "n.age ASC"))
    assert cypher.splitlines()[-1] == "ORDER BY n.name ASC, n.age DESC, n.email DESC, n.age ASC"


def test_order_by_string_other_than_alias_prop_direction_is_refused(m):
    for bad in ["n.name; MATCH (x) DETACH DELETE x", "n.name DESC, n.age", "toLower(n.name)", "n.a.b"]:
        with pytest.raises(ValueError):
            cy(select(m.Person).order_by(bad))


def test_skip_and_limit_are_integer_literals_and_last_wins(m):
    cypher, params = cy(select(m.Person).limit(3).skip(7).limit(5))
    assert cypher.endswith("RETURN n\nSKIP 7\nLIMIT 5")
    assert params == {}
    assert cy(select(m.Person).limit(5).limit(None))[0].endswith("RETURN n")
    with pytest.raises(ValueError):
        select(m.Person).limit(-1)
    with pytest.raises(TypeError):
        select(m.Person).skip("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        select(m.Person).limit(True)  # type: ignore[arg-type]


# -- traversal ---------------------------------------------------------------------------------------------


def test_relation_directions_render_their_arrows(m):
    P = m.Person
    assert "OPTIONAL MATCH (n)-[:FRIEND_OF]->(t1:Person)" in cy(select(P).traverse(P.friends))[0]
    assert "OPTIONAL MATCH (n)<-[:FRIEND_OF]-(t1:Person)" in cy(select(P).traverse(P.fans))[0]
    assert "OPTIONAL MATCH (n)-[:KNOWS]-(t1:Person)" in cy(select(P).traverse(P.knows))[0]
    assert "MATCH (n)<-[:KNOWS]-(t1:Person)" in cy(select(P).traverse(P.knows, direction="INCOMING", optional=False))[0]


def test_multi_hop_names_targets_t1_t2_and_returns_the_last(m):
    P = m.Person
    cypher, _ = cy(select(P).traverse(P.friends).traverse(P.friends, optional=False))
    assert cypher == (
        "MATCH (n:Person)\n"
        "OPTIONAL MATCH (n)-[:FRIEND_OF]->(t1:Person)\n"
        "MATCH (t1)-[:FRIEND_OF]->(t2:Person)\n"
        "RETURN t2"
    )


def test_repeat_renders_bounded_and_unbounded_lengths(m):
    E = m.Employee
    assert "MATCH (n)-[:REPORTS_TO*1..3]->(t1:Employee)" in cy(select(E).repeat(E.reports_to, max_hops=3))[0]
    assert "MATCH (n)-[:REPORTS_TO*2..]->(up:Employee)" in cy(select(E).repeat(E.reports_to, min_hops=2).alias("up"))[0]
    assert "OPTIONAL MATCH (n)-[:REPORTS_TO*2]->(t1:Employee)" in cy(select(E).traverse(E.reports_to, depth=2))[0]


def test_traversal_step_fields_and_from_relation(m):
    step = TraversalStep.from_relation(m.Person.fans, optional=False)
    assert (step.relation_type, step.target_model, step.direction, step.depth, step.optional) == (
        "FRIEND_OF", m.Person, "incoming", 1, False,
    )
    assert TraversalStep("T", None, "BOTH").direction == "both"
    with pytest.raises(ValueError):
        TraversalStep("T", None, "sideways")
    with pytest.raises(ValueError):
        TraversalStep("T", None, depth=0)
    with pytest.raises(ValueError):
        TraversalStep("T", None, depth=(1, 3), edge_alias="r")
    with pytest.raises(AttributeError):
        step.depth = 3  # type: ignore[misc]


def test_unlabeled_step_target_renders_without_label(m):
    cypher, _ = cy(select(m.Person).traverse(TraversalStep("LIKES", None, "outgoing")))
    assert "OPTIONAL MATCH (n)-[:LIKES]->(t1)" in cypher


def test_edge_alias_names_the_relationship_and_takes_filters(m):
    U, R, M = m.User, m.Rated, m.Movie
    q = (
        select(U).alias("u")
        .traverse(U.rated, edge_alias="r", optional=False).alias("m")
        .where(R.score > 4, on="r")
        .where(M.year >= 2010)
        .return_nodes("u", "m").return_edge("r")
    )
    cypher, params = cy(q)
    assert cypher == (
        "MATCH (u:User)\n"
        "MATCH (u)-[r:RATED]->(m:Movie)\n"
        "WHERE (r.score > $p0) AND (m.year >= $p1)\n"
        "RETURN u, r, m"
    )
    assert params == {"p0": 4, "p1": 2010}


def test_edge_class_filters_bind_to_the_edge_alias_without_on(m):
    U, R = m.User, m.Rated
    cypher, _ = cy(select(U).traverse(U.rated, edge_alias="r").where(R.score > 4))
    assert "WHERE r.score > $p0" in cypher


def test_root_filters_stay_before_the_first_hop_even_when_given_later(m):
    P = m.Person
    cypher, params = cy(select(P).traverse(P.friends).alias("f").where(P.age > 1, on="f").where(P.name == "a", on="n"))
    assert cypher == (
        "MATCH (n:Person)\n"
        "WHERE n.name = $p0\n"
        "OPTIONAL MATCH (n)-[:FRIEND_OF]->(f:Person)\n"
        "WHERE f.age > $p1\n"
        "RETURN f"
    )
    assert params == {"p0": "a", "p1": 1}


def test_polymorphic_subclass_matches_primary_and_own_label(m):
    cypher, _ = cy(select(m.Manager).where(m.Manager.level > 1))
    assert cypher.splitlines()[0] == "MATCH (n:Employee:Manager)"
    assert cypher.splitlines()[1] == "WHERE n.level > $p0"


# -- aliases, stages ----------------------------------------------------------------------------------


def test_alias_renames_the_root_then_the_newest_target(m):
    P = m.Person
    cypher, _ = cy(select(P).alias("a").traverse(P.friends).alias("b"))
    assert "MATCH (a:Person)" in cypher and "(a)-[:FRIEND_OF]->(b:Person)" in cypher and cypher.endswith("RETURN b")


@pytest.mark.parametrize("bad", ["1x", "a b", "n) DETACH DELETE n //", "match", "RETURN", "__score", ""])
def test_alias_refuses_non_identifiers_keywords_and_reserved_names(m, bad):
    with pytest.raises(ValueError):
        select(m.Person).alias(bad)


def test_alias_refuses_a_name_already_used(m):
    with pytest.raises(ValueError, match="already"):
        select(m.Person).alias("p").traverse(m.Person.friends).alias("p")


def test_with_closes_a_stage_with_its_order_and_limit(m):
    P = m.Person
    q = (
        select(P).alias("u").where(P.age > 18)
        .order_by(P.age, desc=True).limit(10)
        .with_("u")
        .where(P.name.startswith("A"))
        .traverse(P.friends).alias("f")
        .where(P.age < 30, on="f")
        .order_by("f.name").limit(3)
    )
    cypher, params = cy(q)
    assert cypher == (
        "MATCH (u:Person)\n"
        "WHERE u.age > $p0\n"
        "WITH u\n"
        "ORDER BY u.age DESC\n"
        "LIMIT 10\n"
        "WHERE u.name STARTS WITH $p1\n"
        "OPTIONAL MATCH (u)-[:FRIEND_OF]->(f:Person)\n"
        "WHERE f.age < $p2\n"
        "RETURN f\n"
        "ORDER BY f.name ASC\n"
        "LIMIT 3"
    )
    assert params == {"p0": 18, "p1": "A", "p2": 30}


def test_with_drops_variables_that_are_not_carried(m):
    P = m.Person
    q = select(P).traverse(P.friends).alias("f").with_("f")
    with pytest.raises(ValueError):
        q.where(P.age > 1, on="n")


def test_with_distinct(m):
    P = m.Person
    cypher, _ = cy(select(P).traverse(P.friends).alias("f").distinct().with_("f"))
    assert "WITH DISTINCT f" in cypher and cypher.endswith("RETURN f")


# -- what is returned ----------------------------------------------------------------------------------------


def test_distinct_project_and_columns_named_as_rendered(m):
    P = m.Person
    cypher, _ = cy(select(P).project(P.name, "n.email").distinct())
    assert cypher.endswith("RETURN DISTINCT n.name, n.email")
    with pytest.raises(ValueError):
        select(P).project("n.name) DETACH DELETE n //")


def test_aggregates_with_alias_keys_collect_and_distinct_count(m):
    P = m.Person
    q = (
        select(P).alias("u").traverse(P.friends).alias("f")
        .aggregate(count("f").as_("friends"), collect("f.name").as_("names"), count(P.email, distinct=True), group_by="u")
    )
    cypher, _ = cy(q)
    assert cypher.endswith("RETURN u, count(f) AS friends, collect(f.name) AS names, count(DISTINCT u.email)")


def test_group_by_method_and_tuple_keys(m):
    O = m.Order
    a, _ = cy(select(O).aggregate(max_(O.amount).as_("top")).group_by(O.region, "n.status"))
    b, _ = cy(select(O).aggregate(max_(O.amount).as_("top"), group_by=(O.region, "n.status")))
    assert a == b and a.endswith("RETURN n.region, n.status, max(n.amount) AS top")


def test_aggregate_column_name_may_not_shadow_a_variable(m):
    with pytest.raises(ValueError, match="variable"):
        select(m.Person).aggregate(count().as_("n"))


def test_order_by_an_aggregate_column(m):
    O = m.Order
    cypher, _ = cy(select(O).aggregate(count().as_("orders"), group_by=O.region).order_by("orders", desc=True))
    assert cypher.endswith("RETURN n.region, count(*) AS orders\nORDER BY orders DESC")
    with pytest.raises(ValueError):
        cy(select(O).order_by("nothing_here"))


def test_return_target_and_return_nodes(m):
    P = m.Person
    q = select(P).alias("p").traverse(P.friends).alias("f")
    assert cy(q.return_target("p"))[0].endswith("RETURN p")
    assert cy(q.return_nodes("p", "f"))[0].endswith("RETURN p, f")
    with pytest.raises(ValueError):
        q.return_target("zz")
    with pytest.raises(ValueError, match="edge"):
        q.return_edge("f")


# -- edge queries ------------------------------------------------------------------------------------------------


def test_edge_query_matches_both_endpoints(m):
    R = m.Rated
    cypher, params = cy(select(R).where(R.score >= 4).where(m.User.name == "Ada", on="src"))
    assert cypher == (
        "MATCH (src:User)-[n:RATED]->(dst:Movie)\n"
        "WHERE (n.score >= $p0) AND (src.name = $p1)\n"
        "RETURN src, n, dst"
    )
    assert params == {"p0": 4, "p1": "Ada"}


# -- count ---------------------------------------------------------------------------------------------------------


def test_count_counts_non_null_targets_and_ignores_paging(m, fdb):
    P = m.Person
    q = select(P).where(P.age > 1).traverse(P.friends).order_by(P.age).skip(2).limit(3)
    compiled = compile_query(q.state, fdb, count=True)
    assert compiled.cypher == (
        "MATCH (n:Person)\nWHERE n.age > $p0\nOPTIONAL MATCH (n)-[:FRIEND_OF]->(t1:Person)\nRETURN count(t1)"
    )
    assert compiled.params == {"p0": 1}


def test_count_of_projection_wraps_items_in_with(m, fdb):
    P = m.Person
    compiled = compile_query(select(P).project(P.name).distinct().state, fdb, count=True)
    assert compiled.cypher.endswith("WITH DISTINCT n.name AS __c0\nRETURN count(*)")
    compiled = compile_query(select(P).distinct().state, fdb, count=True)
    assert compiled.cypher.endswith("RETURN count(DISTINCT n)")


# -- parameters ------------------------------------------------------------------------------------------------------


def _param_order(cypher: str) -> list[str]:
    return re.findall(r"\$(p\d+)\b", cypher)


def test_parameters_are_numbered_in_textual_order_across_hops_stages_and_nesting(m):
    P = m.Person
    q = (
        select(P).alias("a")
        .traverse(P.friends).alias("b")
        .where((P.age > 1) | ~((P.age < 5) & (P.name.in_(["x"]))), on="b")
        .where(P.name == "root", on="a")
        .with_("a", "b")
        .where((P.email == "e") & (P.email != "f"), on="a")
        .traverse(P.friends).alias("c")
        .where(P.age == 7, on="c")
    )
    cypher, params = cy(q)
    order = _param_order(cypher)
    assert order == [f"p{i}" for i in range(len(order))]
    assert set(params) == set(order)
    assert params["p0"] == "root"  # root filter renders first
    assert params[order[-1]] == 7


def test_search_parameters_never_collide_with_filter_parameters(m):
    _, params = cy(FulltextQueryBuilder(m.Post).search("graph").where(m.Post.published == True))
    assert params == {"__fts_query": "graph", "p0": True}


# -- safety ----------------------------------------------------------------------------------------------------------


def test_hostile_relationship_type_and_property_names_are_quoted(m):
    evil = "X]->() DETACH DELETE n //"
    cypher, _ = cy(select(m.Person).traverse(TraversalStep(evil, None)))
    assert "[:`X]->() DETACH DELETE n //`]" in cypher
    from runic.ogm.query.expressions import FilterExpr

    cypher, params = cy(select(m.Person).where(FilterExpr("a` = 1 OR `b", "=", 1, model=m.Person)))
    assert "n.`a`` = 1 OR ``b` = $p0" in cypher
    assert params == {"p0": 1}


def test_values_never_enter_the_text(m):
    secret = "'; MATCH (x) DETACH DELETE x //"
    cypher, params = cy(select(m.Person).where(m.Person.name == secret))
    assert secret not in cypher and params == {"p0": secret}


# -- immutability and building -------------------------------------------------------------------------------------


def test_chaining_never_changes_the_receiver(m):
    P = m.Person
    base = select(P).where(P.age > 1)
    before = cy(base)
    young = base.where(P.age < 10).order_by(P.age).limit(2).traverse(P.friends).alias("f").distinct()
    old = base.where(P.age > 60)
    assert cy(base) == before
    assert cy(young) != cy(old)
    assert young is not base
    with pytest.raises(AttributeError):
        base.state.limit = 3  # type: ignore[misc]


def test_build_is_pure(m):
    q = select(m.Person).where(m.Person.age > 3).traverse(m.Person.friends)
    assert cy(q) == cy(q)


def test_build_uses_the_bound_sessions_dialect(m):
    class Shouting(GraphDialect):
        def label_pattern(self, labels):
            return "".join(":" + label.upper() for label in ([labels] if isinstance(labels, str) else labels))

    session = types.SimpleNamespace(dialect=Shouting())
    cypher, _ = select(m.Person).bind(session).build()
    assert cypher.startswith("MATCH (n:PERSON)")
    assert select(m.Person).build()[0].startswith("MATCH (n:Person)")


def test_select_of_an_unregistered_class_is_a_metadata_error():
    class Loose:
        pass

    with pytest.raises(MetadataError):
        select(Loose)


def test_repr_shows_cypher_and_params_without_running(m):
    text = repr(select(m.Person).where(m.Person.age > 30).limit(10))
    assert "MATCH (n:Person)" in text and "{'p0': 30}" in text


def test_unbound_terminal_says_how_to_bind(m):
    with pytest.raises(UnboundQueryError) as info:
        select(m.Person).all()
    assert str(info.value) == (
        "select(Person) is not bound to a session — use 'with Session(driver):', "
        "session.scalars(stmt) or stmt.bind(session)"
    )
    assert isinstance(info.value, RuntimeError)


def test_bind_to_an_async_session_gives_the_async_twin(m):
    class FakeAsync:
        dialect = FalkorDBDialect()

        async def execute(self, query, params=None):  # pragma: no cover - never awaited here
            raise AssertionError

    bound = select(m.Person).bind(FakeAsync())
    assert isinstance(bound, AsyncQueryBuilder)
    assert bound.build() == select(m.Person).build()
    back = bound.bind(types.SimpleNamespace(dialect=FalkorDBDialect(), execute=lambda q, p=None: None))
    assert isinstance(back, QueryBuilder)


# -- search builders -----------------------------------------------------------------------------------------------


def test_fulltext_orders_by_relevance_unless_ordered(m):
    Post = m.Post
    cypher, params = cy(FulltextQueryBuilder(Post).search("graph db").limit(5))
    lines = cypher.splitlines()
    assert lines[0].startswith("CALL db.idx.fulltext.queryNodes('Post', $__fts_query)")
    assert "WITH n, __score" in lines
    assert lines[-3:] == ["RETURN n, __score", "ORDER BY __score DESC", "LIMIT 5"]
    assert params == {"__fts_query": "graph db"}
    cypher, _ = cy(FulltextQueryBuilder(Post).search("graph").order_by(Post.title))
    assert cypher.endswith("RETURN n, __score\nORDER BY n.title ASC")


def test_fulltext_fields_subset_scopes_the_text(m):
    _, params = cy(FulltextQueryBuilder(m.Post).search("graph", fields=[m.Post.title]))
    assert params["__fts_query"] == "@title:(graph)"
    _, params = cy(FulltextQueryBuilder(m.Post).search("graph", fields=["title", "body"]))
    assert params["__fts_query"] == "graph"
    with pytest.raises(MetadataError, match="fulltext"):
        FulltextQueryBuilder(m.Post).search("graph", fields=["published"])


def test_search_builders_refuse_to_build_before_search(m):
    with pytest.raises(ValueError, match="search"):
        FulltextQueryBuilder(m.Post).build()
    with pytest.raises(ValueError, match="near"):
        VectorQueryBuilder(m.Doc).where(m.Doc.lang == "en").build()


def test_vector_without_filters_asks_the_index_for_k(m):
    cypher, params = cy(VectorQueryBuilder(m.Doc).near(Vector([1, 2, 3]), k=4))
    assert params["__knn_k"] == 4 and params["__knn_vec"] == [1.0, 2.0, 3.0]
    assert cypher.endswith("RETURN n, __score\nORDER BY __score ASC\nLIMIT 4")
    _, params = cy(VectorQueryBuilder(m.Doc).near([1, 2, 3], k=4, candidates=9).where(m.Doc.lang == "en"))
    assert params["__knn_k"] == 9


def test_vector_user_order_breaks_ties_after_distance(m):
    cypher, _ = cy(VectorQueryBuilder(m.Doc).near([1, 2, 3], k=2).order_by(m.Doc.lang))
    assert "ORDER BY __score ASC, n.lang ASC" in cypher


def test_vector_checks_dimension_and_field(m):
    with pytest.raises(FieldValidationError) as info:
        VectorQueryBuilder(m.Doc).near([1, 2], k=1)
    assert info.value.rule == "dimension"
    with pytest.raises(MetadataError):
        VectorQueryBuilder(m.Post).near([1, 2, 3], k=1)
    with pytest.raises(MetadataError):
        VectorQueryBuilder(m.Doc).near([1, 2, 3], k=1, field="lang")

    class ArrayLike:
        def tolist(self):
            return [3, 2, 1]

    _, params = cy(VectorQueryBuilder(m.Doc, field=m.Doc.embedding).near(ArrayLike(), 2))
    assert params["__knn_vec"] == [3.0, 2.0, 1.0]


def test_reference_constructor_forms_are_accepted(m):
    session = types.SimpleNamespace(dialect=FalkorDBDialect())
    ft = FulltextQueryBuilder(session, m.Post, "graph")
    assert ft.session is session and ft.build()[1] == {"__fts_query": "graph"}
    vec = VectorQueryBuilder(session, m.Doc, "embedding", [1, 2, 3], 3)
    assert vec.build()[1]["__knn_k"] == 3
    keyworded = FulltextQueryBuilder(m.Post, session, query="graph", fields=None)
    assert keyworded.session is session and keyworded.build()[1] == {"__fts_query": "graph"}
    keyworded = VectorQueryBuilder(m.Doc, session, field=None, vector=[1, 2, 3], k=2)
    assert keyworded.build()[1]["__knn_k"] == 2


def test_backends_without_search_raise_unsupported_feature(m):
    with pytest.raises(UnsupportedFeatureError):
        FulltextQueryBuilder(m.Post).search("x").build(GraphDialect())
    with pytest.raises(NotImplementedError):
        VectorQueryBuilder(m.Doc).near([1, 2, 3], 1).build(GraphDialect())


def test_negate_flag_and_reference_operands_form_compile(m):
    from runic.ogm.query.expressions import CompoundExpr, FilterExpr

    P = m.Person
    negated = FilterExpr("age", ">", 3, model=P, negate=True)
    compound = CompoundExpr(op="OR", operands=[P.age < 1, P.age > 9, P.name == "x"])
    cypher, params = cy(select(P).where(negated, compound))
    assert cypher.splitlines()[1] == "WHERE (NOT (n.age > $p0)) AND ((n.age < $p1) OR (n.age > $p2) OR (n.name = $p3))"
    assert params == {"p0": 3, "p1": 1, "p2": 9, "p3": "x"}


def test_pinned_alias_on_an_expression_wins_over_class_binding(m):
    P = m.Person
    q = select(P).traverse(P.friends).alias("f").where((P.age > 3).with_alias("f"))
    assert "OPTIONAL MATCH (n)-[:FRIEND_OF]->(f:Person)\nWHERE f.age > $p0" in cy(q)[0]


def test_regex_match_is_anchored_and_uses_the_cypher_operator_on_bolt_backends(m):
    from runic.ogm.driver._bolt_dialects import Neo4jDialect

    cypher, params = cy(select(m.Person).where(m.Person.name.matches("a.*")), Neo4jDialect())
    assert cypher.splitlines()[1] == "WHERE n.name =~ $p0"
    assert params["p0"] == "a.*"  # Neo4j and Memgraph match the whole string already
