"""Models and seed graph shared by test_query.py and its async twin."""

from __future__ import annotations

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import Vector


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


SEED = """
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
       (:QDoc {key: 'd1', lang: 'en', embedding: vecf32([0.0, 0.0, 1.0])}),
       (:QDoc {key: 'd2', lang: 'en', embedding: vecf32([0.0, 1.0, 0.0])}),
       (:QDoc {key: 'd3', lang: 'de', embedding: vecf32([1.0, 0.0, 0.0])}),
       (:QDoc {key: 'd4', lang: 'en', embedding: vecf32([0.9, 0.1, 0.0])}),
       (:QPost {key: 'p1', body: 'graph databases are fun'}),
       (:QPost {key: 'p2', body: 'cooking pasta at home'}),
       (:QPost {key: 'p3', body: 'graph theory and graph algorithms'}),
       (team:QTeam {key: 'core'}), (team)-[:Q_MEMBER]->(ada), (team)-[:Q_MEMBER]->(bob)
"""

INDEXES = [
    "CREATE VECTOR INDEX FOR (n:QDoc) ON (n.embedding) OPTIONS {dimension: 3, similarityFunction: 'euclidean'}",
    "CALL db.idx.fulltext.createNodeIndex('QPost', 'body')",
]
