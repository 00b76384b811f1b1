"""Models used by the notebook-layer tests (names unique to these tests)."""

from __future__ import annotations

from runic.ogm import Edge, Field, Node, Relation


class NbCompany(Node):
    name: str = Field(primary_key=True)


class NbPerson(Node):
    name: str = Field(primary_key=True)
    age: int = Field(default=0)
    api_token: str | None = Field(default=None)
    employer: NbCompany | None = Relation("NB_WORKS_AT", target="NbCompany")


class NbKnows(Edge):
    __type__ = "NB_KNOWS"
    source: NbPerson
    target: NbPerson
    since: int = Field(default=0)
