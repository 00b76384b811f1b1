"""Models with vector fields declared without a dimension, as code written for the reference does."""

from __future__ import annotations

from runic.ogm import Field, Node
from runic.ogm.core.types import Vector


class VdDoc(Node):
    key: str = Field(primary_key=True)
    tag: str | None = Field(default=None, index=True)
    embedding: Vector | None = Field(default=None, index_type="VECTOR")


class VdNote(Node):
    key: str = Field(primary_key=True)
    embedding: Vector | None = Field(default=None, index_type="VECTOR", similarity="euclidean")


#: key → embedding; nearest to [1, 0, 0] by cosine: d1, d2, d3
DOCS = {"d1": [1.0, 0.0, 0.0], "d2": [0.9, 0.1, 0.0], "d3": [0.0, 1.0, 0.0], "d4": [0.0, 0.0, 1.0]}
#: backends that have vector indexes and an exact scan in Cypher
VECTOR_BACKENDS = ("falkordb", "arcadedb", "neo4j", "memgraph")


class VdSized(Node):
    key: str = Field(primary_key=True)
    embedding: Vector | None = Field(default=None, vector=True, dimension=3)
