"""Models whose nodes other tools also write (raw Cypher, without the key property)."""

from __future__ import annotations

from runic.ogm import Field, Node, Relation


class FgPerson(Node):
    name: str = Field(primary_key=True)
    age: int | None = Field(default=None)
    friends: list = Relation("FG_KNOWS", target="FgPerson")
    fans: set = Relation("FG_KNOWS", target="FgPerson", direction="incoming")
    tags: list = Field(default_factory=list)


class FgAny(Node):
    """A relation without a target model: any node, whatever its labels' model."""

    name: str = Field(primary_key=True)
    links: tuple = Relation("FG_LINK")


class FgCounter(Node):
    uid: int = Field(primary_key=True, generated=True)
    label: str | None = Field(default=None)


#: three FgPerson nodes written by another tool: two without a name, a -> b, a -> c
RAW_GRAPH = (
    "CREATE (a:FgPerson {age: 1}), (b:FgPerson {age: 2}), (c:FgPerson {name: 'Cy', age: 3}) "
    "CREATE (a)-[:FG_KNOWS]->(b) CREATE (a)-[:FG_KNOWS]->(c)"
)
