"""Every seed name of runic.ogm.core and runic.ogm.exceptions imports at its path with its members."""

from __future__ import annotations

import importlib

import pytest

pytestmark = pytest.mark.unit

SEED_CORE = {
    "runic.ogm.core.models": {
        "Node": ["__label__", "__fields__", "save", "delete", "to_dict"],
        "Edge": ["__type__", "__fields__", "source", "target", "to_dict"],
    },
    "runic.ogm.core.descriptors": {
        "Field": [],
        "Relation": [],
        "FieldDescriptor": ["field_name", "field_info", "__get__", "__set__"],
        "FieldInfo": ["default", "converter", "is_relation", "relation_type", "target_model"],
    },
    "runic.ogm.core.metadata": {
        "MetaData": ["register", "nodes", "edges", "get_node_meta", "get_edge_meta"],
        "NodeMeta": ["label", "model_cls", "fields"],
        "EdgeMeta": ["type_", "model_cls", "fields"],
        "get_metadata": [],
    },
    "runic.ogm.core.types": {
        "TypeConverter": ["to_db", "from_db"],
        "DatetimeConverter": ["to_db", "from_db"],
        "EnumConverter": ["to_db", "from_db"],
        "Vector": ["values", "dimensions"],
        "VectorConverter": ["to_db", "from_db"],
        "GeoLocation": ["latitude", "longitude"],
        "GeoLocationConverter": ["to_db", "from_db"],
    },
    "runic.ogm.exceptions": {
        name: []
        for name in (
            "OrmError", "EntityNotFoundError", "DetachedEntityError", "LazyLoadError", "FieldValidationError", "MetadataError",
        )
    },
}

CASES = [(module, name, members) for module, names in SEED_CORE.items() for name, members in names.items()]


def _instance_or_class(module: str, name: str, obj):
    """Members that are instance attributes are checked on a small instance."""
    if name == "FieldDescriptor":
        return importlib.import_module("runic.ogm.core.descriptors").Field(default=None)
    if name == "FieldInfo":
        return importlib.import_module("runic.ogm.core.descriptors").Field(default=None).field_info
    if name == "NodeMeta":
        return obj(label="X", model_cls=object)
    if name == "EdgeMeta":
        return obj(type_="X", model_cls=object)
    if name == "Vector":
        return obj([1.0], dimensions=1)
    if name == "GeoLocation":
        return obj(1.0, 2.0)
    if name == "MetaData":
        return obj()
    return obj


@pytest.mark.parametrize(("module", "name", "members"), CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_seed_name_exists_with_its_members(module, name, members):
    obj = getattr(importlib.import_module(module), name)
    target = _instance_or_class(module, name, obj)
    missing = [m for m in members if not hasattr(target, m)]
    assert not missing, f"{module}.{name} lacks {missing}"


def test_seed_exceptions_share_the_orm_error_base():
    from runic.ogm import exceptions

    for name in ("EntityNotFoundError", "DetachedEntityError", "LazyLoadError", "FieldValidationError", "MetadataError"):
        assert issubclass(getattr(exceptions, name), exceptions.OrmError)
    assert issubclass(exceptions.LazyLoadError, exceptions.DetachedEntityError)


def test_core_names_are_re_exported_from_runic_ogm():
    from runic import ogm

    for module, names in SEED_CORE.items():
        for name in names:
            assert getattr(ogm, name) is getattr(importlib.import_module(module), name)


def test_every_public_name_of_runic_ogm_resolves():
    from runic import ogm

    unresolved = [name for name in ogm.__all__ if getattr(ogm, name, None) is None]
    assert not unresolved, f"runic.ogm names that do not resolve: {unresolved}"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        ogm.Nope  # noqa: B018
