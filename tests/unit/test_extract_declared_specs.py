"""extract_declared_specs reads the index options models declare with Field()."""

from __future__ import annotations

import pytest

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import Vector
from runic.ogm.schema.index_manager import IndexSpec, extract_declared_specs

pytestmark = [pytest.mark.unit]


class XsPerson(Node):
    __label__ = "XsPerson"
    uid: str = Field(primary_key=True, generated="uuid", unique=True)
    email: str = Field(default=None, unique=True)
    name: str = Field(default=None, index=True)
    bio: str = Field(default=None, fulltext=True)
    nickname: str = Field(default=None)
    friends: list[XsPerson] = Relation("XS_FRIEND", target="XsPerson", default_factory=list)


class XsAdmin(XsPerson):
    __label__ = "XsAdmin"
    level: int = Field(default=0, index_type="RANGE")


class XsDoc(Node):
    __label__ = "XsDoc"
    key: int = Field(primary_key=True, generated=True)
    emb: Vector = Field(default=None, vector=True, dimension=3, similarity="euclidean")
    title: str = Field(default=None, index_type="FULLTEXT")


class XsKnows(Edge):
    __type__ = "XS_KNOWS"
    since: int = Field(default=0, index=True)


def test_specs_of_one_class_include_every_index_option():
    assert extract_declared_specs(XsPerson) == [
        IndexSpec("XsPerson", "bio", "fulltext"),
        IndexSpec("XsPerson", "email", "exact", unique=True),
        IndexSpec("XsPerson", "name", "exact"),
        IndexSpec("XsPerson", "uid", "exact", unique=True),
    ]


def test_inherited_fields_keep_the_declaring_class_label():
    specs = extract_declared_specs(XsAdmin)
    assert IndexSpec("XsAdmin", "level") in specs
    assert IndexSpec("XsPerson", "email", unique=True) in specs
    assert not [s for s in specs if s.label == "XsAdmin" and s.field == "email"]


def test_vector_options_and_reference_index_types():
    assert extract_declared_specs(XsDoc) == [
        IndexSpec("XsDoc", "emb", "vector", dimension=3, similarity="euclidean"),
        IndexSpec("XsDoc", "title", "fulltext"),
    ]


def test_edge_fields_index_the_edge_type():
    assert extract_declared_specs(XsKnows) == [IndexSpec("XS_KNOWS", "since", entity="edge")]


def test_iterables_are_deduplicated_and_sorted():
    specs = extract_declared_specs([XsAdmin, XsPerson, XsKnows])
    assert specs == sorted(set(specs), key=lambda s: s.sort_key)
    assert specs[0].entity == "edge"


def test_none_reads_every_registered_model():
    specs = extract_declared_specs()
    assert IndexSpec("XsDoc", "title", "fulltext") in specs and IndexSpec("XS_KNOWS", "since", entity="edge") in specs


def test_specs_given_directly_pass_through():
    extra = IndexSpec("Loose", "x")
    assert extract_declared_specs([XsKnows, extra]) == [IndexSpec("XS_KNOWS", "since", entity="edge"), extra]
