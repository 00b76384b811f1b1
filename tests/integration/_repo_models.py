"""Models shared by the repository tests."""

from __future__ import annotations

from runic.ogm import Edge, Field, Node, Relation


class Author(Node):
    name: str = Field(default=None, index=True)
    age: int | None = None
    books: list["Book"] = Relation("WROTE", target="Book")


class Book(Node):
    title: str = Field(default=None)
    year: int = 0


class Wrote(Edge):
    __type__ = "WROTE_EDGE"
    source: Author
    target: Book
    role: str = "author"
