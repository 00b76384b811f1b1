"""Models and fields: ``Node``, ``Edge``, ``Field``, ``Relation``, metadata and converters."""

from .descriptors import MISSING, Field, FieldDescriptor, FieldInfo, Relation
from .metadata import EdgeMeta, MetaData, NodeMeta, fields_of, get_metadata, metadata
from .models import Edge, Node
from .state import EntityState, InstanceState, inspect
from .types import (
    DatetimeConverter,
    EnumConverter,
    GeoLocation,
    GeoLocationConverter,
    TypeConverter,
    Vector,
    VectorConverter,
)

__all__ = [
    "MISSING",
    "DatetimeConverter",
    "Edge",
    "EdgeMeta",
    "EntityState",
    "EnumConverter",
    "Field",
    "FieldDescriptor",
    "FieldInfo",
    "GeoLocation",
    "GeoLocationConverter",
    "InstanceState",
    "MetaData",
    "Node",
    "NodeMeta",
    "Relation",
    "TypeConverter",
    "Vector",
    "VectorConverter",
    "fields_of",
    "get_metadata",
    "inspect",
    "metadata",
]
