"""Models shared by the model-layer persistence tests."""

from __future__ import annotations

from runic.ogm import Edge, Field, Node, Relation


class MdCity(Node):
    name: str = Field(default=None)


class MdPerson(Node):
    name: str = Field(default=None)
    lives_in: MdCity | None = Relation("MD_LIVES_IN", target="MdCity")


class MdVisited(Edge):
    source: MdPerson
    target: MdCity
    times: int = Field(default=1, min_value=1)
