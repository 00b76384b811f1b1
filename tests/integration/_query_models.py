"""Models and seed graph shared by test_query.py and its async twin."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.metadata import fields_of
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import Vector
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec, extract_declared_specs


class QPerson(Node):
    key: str = Field(primary_key=True)
    name: str | None = Field(default=None)
    age: int = Field(default=0)
    city: str | None = Field(default=None)
    email: str | None = Field(default=None)
    friends: list[QPerson] = Relation("Q_FRIEND", target="QPerson")
    fans: list[QPerson] = Relation("Q_FRIEND", target="QPerson", direction="incoming")
    knows: list[QPerson] = Relation("Q_FRIEND", target="QPerson", direction="both")
    manager: QPerson | None = Relation("Q_REPORTS_TO", target="QPerson")
    rated: list[QMovie] = Relation("Q_RATED", target="QMovie", edge_model="QRated")


class QTeam(Node):
    key: str = Field(primary_key=True)
    members: list[QPerson] = Relation("Q_MEMBER", target=QPerson, lazy=False)


class QMovie(Node):
    key: str = Field(primary_key=True)
    title: str | None = Field(default=None)
    year: int = Field(default=0)


class QRated(Edge):
    __type__ = "Q_RATED"
    source: QPerson
    target: QMovie
    score: int = Field(default=0)


class QDoc(Node):
    key: str = Field(primary_key=True)
    lang: str | None = Field(default=None)
    embedding: Vector | None = Field(default=None, vector=True, dimension=3, similarity="euclidean")


class QPost(Node):
    key: str = Field(primary_key=True)
    body: str | None = Field(default=None, fulltext=True)


class QMood(Enum):
    CALM = "calm"
    ANGRY = "angry"


class QAnimal(Node):
    key: str = Field(primary_key=True)
    name: str | None = None
    born: datetime | None = None
    mood: QMood | None = None
    weight: float = 0.0
    tame: bool = False
    pals: list[QDog] = Relation("Q_PLAYS", target="QDog")


class QDog(QAnimal):
    pass


class QPuppy(QDog):
    pass


class QCat(QAnimal):
    pass


class QSlot(Node):
    """Property names that are Cypher reserved words."""

    key: str = Field(primary_key=True)
    order: int = 0
    end: str | None = None


SLOTS = "CREATE (:QSlot {key: 's1', order: 2, end: 'b'}), (:QSlot {key: 's2', order: 1, end: 'a'}), (:QSlot {key: 's3', order: 3})"


#: Tom plays with Rex, Bit and the generic animal; Rex plays with Bit
PLAYS = (
    "MATCH (c:QAnimal {key: 'c1'}), (a:QAnimal {key: 'a1'}), (r:QAnimal {key: 'd1'}), (b:QAnimal {key: 'd2'}) "
    "CREATE (c)-[:Q_PLAYS]->(r), (c)-[:Q_PLAYS]->(b), (c)-[:Q_PLAYS]->(a), (r)-[:Q_PLAYS]->(b)"
)


def animals() -> list[QAnimal]:
    """Entities written through a session, so each backend stores labels its own way."""
    return [
        QAnimal(key="a1", name="Generic", born=datetime(2020, 1, 1, tzinfo=UTC), mood=QMood.CALM, weight=10.5),
        QDog(key="d1", name="Rex", born=datetime(2021, 6, 1, tzinfo=UTC), mood=QMood.ANGRY, weight=30.0, tame=True),
        QPuppy(key="d2", name="Bit", born=datetime(2024, 3, 1, tzinfo=UTC), mood=QMood.CALM, weight=3.25, tame=True),
        QCat(key="c1", name="Tom", born=datetime(2019, 2, 2, tzinfo=UTC), mood=QMood.ANGRY, weight=4.0),
    ]


GRAPH = """
CREATE (ada:QPerson {key: 'ada', name: 'Ada', age: 36, city: 'Paris', email: 'ada@example.org'}),
       (bob:QPerson {key: 'bob', name: 'Bob', age: 25, city: 'Paris'}),
       (cy:QPerson {key: 'cy', name: 'Cy', age: 41, city: 'Rome', email: 'cy@example.org'}),
       (dee:QPerson {key: 'dee', name: 'Dee', age: 30, city: 'Rome', email: 'dee@example.org'}),
       (eve:QPerson {key: 'eve', name: 'Eve', age: 19}),
       (ada)-[:Q_FRIEND]->(bob), (ada)-[:Q_FRIEND]->(cy), (bob)-[:Q_FRIEND]->(dee), (cy)-[:Q_FRIEND]->(dee),
       (eve)-[:Q_REPORTS_TO]->(dee), (dee)-[:Q_REPORTS_TO]->(cy), (cy)-[:Q_REPORTS_TO]->(ada),
       (alien:QMovie {key: 'alien', title: 'Alien', year: 1979}),
       (heat:QMovie {key: 'heat', title: 'Heat', year: 1995}),
       (up:QMovie {key: 'up', title: 'Up', year: 2009}),
       (ada)-[:Q_RATED {score: 5}]->(alien), (ada)-[:Q_RATED {score: 3}]->(heat),
       (bob)-[:Q_RATED {score: 4}]->(alien), (cy)-[:Q_RATED {score: 2}]->(up),
       (:QPost {key: 'p1', body: 'graph databases are fun'}),
       (:QPost {key: 'p2', body: 'cooking pasta at home'}),
       (:QPost {key: 'p3', body: 'graph theory and graph algorithms'}),
       (team:QTeam {key: 'core'}), (team)-[:Q_MEMBER]->(ada), (team)-[:Q_MEMBER]->(bob)
"""

DOCS = [
    {"key": "d1", "lang": "en", "embedding": [0.0, 0.0, 1.0]},
    {"key": "d2", "lang": "en", "embedding": [0.0, 1.0, 0.0]},
    {"key": "d3", "lang": "de", "embedding": [1.0, 0.0, 0.0]},
    {"key": "d4", "lang": "en", "embedding": [0.9, 0.1, 0.0]},
]

#: the search indexes each backend can serve through Cypher (AGE: none)
SEARCH_SUPPORT = {
    "falkordb": {"fulltext", "vector"},
    "neo4j": {"fulltext", "vector"},
    "memgraph": {"fulltext", "vector"},
    "arcadedb": {"vector"},
    "age": set(),
}

#: what a backend without the search kind names as the way out
SEARCH_ALTERNATIVE = {
    ("arcadedb", "fulltext"): "contains",
    ("age", "fulltext"): "PostgreSQL full-text search",
    ("age", "vector"): "pgvector",
}


BACKEND_TITLES = {"falkordb": "FalkorDB", "arcadedb": "ArcadeDB", "age": "AGE", "neo4j": "Neo4j", "memgraph": "Memgraph"}


def check_unsupported_search_error(error: BaseException, backend: str, kind: str) -> None:
    """The error a user gets for a search ``backend`` cannot run: runic's own, naming the
    backend, the missing feature and what to use instead."""
    assert isinstance(error, UnsupportedFeatureError) and isinstance(error, NotImplementedError)
    assert error.backend == backend
    assert kind in error.feature
    assert BACKEND_TITLES[backend] in str(error)
    assert SEARCH_ALTERNATIVE[(backend, kind)].lower() in str(error).lower()
    assert error.__cause__ is None  # raised by runic before the database saw the query


def search_specs(backend: str) -> list[IndexSpec]:
    """The declared fulltext/vector indexes of QDoc and QPost that ``backend`` supports."""
    wanted = SEARCH_SUPPORT[backend]
    return [s for s in extract_declared_specs([QDoc, QPost]) if s.index_type in wanted]


def doc_statement(dialect) -> str:
    """``CREATE`` of one QDoc with its vector wrapped as the dialect stores vectors."""
    emb = fields_of(QDoc)["embedding"]
    return f"CREATE (:QDoc {{key: $key, lang: $lang, embedding: {dialect.param_ref('$embedding', emb)}}})"


def seed(driver) -> None:
    """Indexes first (FalkorDB fills an index over existing nodes in the background), then the graph."""
    for spec in search_specs(driver.backend):
        driver.schema.create_index(spec)
    driver.execute(GRAPH)
    for doc in DOCS:
        driver.execute(doc_statement(driver.dialect), doc)


async def async_seed(driver) -> None:
    """The asyncio twin of ``seed``."""
    for spec in search_specs(driver.backend):
        await driver.schema.create_index(spec)
    await driver.execute(GRAPH)
    for doc in DOCS:
        await driver.execute(doc_statement(driver.dialect), doc)
