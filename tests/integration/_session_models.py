"""Models shared by the session integration tests (sync and async twins)."""

from __future__ import annotations

import enum
from datetime import datetime

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import GeoLocation, Vector


class Mood(enum.Enum):
    HAPPY = "happy"
    GRUMPY = "grumpy"


class SxPerson(Node):
    name: str = Field(default=None)
    age: int = Field(default=0)
    nickname: str | None = Field(default=None)
    friends: list[SxPerson] = Relation("SX_FRIEND", target="SxPerson")
    lives_in: list[SxCity] = Relation("SX_LIVES_IN", target="SxCity")


class SxEmployee(SxPerson):
    company: str = Field(default=None)


class SxCity(Node):
    name: str = Field(default=None)


class SxKnows(Edge):
    source: SxPerson
    target: SxPerson
    since: int = Field(default=None)


class SxAllTypes(Node):
    text: str = Field(default=None)
    count: int = Field(default=None)
    ratio: float = Field(default=None)
    flag: bool = Field(default=None)
    when: datetime = Field(default=None)
    mood: Mood = Field(default=None)
    embedding: Vector = Field(default=None)
    place: GeoLocation = Field(default=None)
    tags: list[str] = Field(default=None)


class SxReserved(Node):
    """Property names that are Cypher keywords (AGE refuses them after a dot)."""

    order: int = Field(default=None)
    end: str = Field(default=None)
    limit: int = Field(default=None)
    match: str = Field(default=None)
    next: list[SxReserved] = Relation("SX_NEXT", target="SxReserved")


class SxReservedLink(Edge):
    source: SxReserved
    target: SxReserved
    order: int = Field(default=None)
    end: str = Field(default=None)
